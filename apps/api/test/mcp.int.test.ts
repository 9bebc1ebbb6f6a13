import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "./support/test-api";
import { createActiveTool } from "./support/tools";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api?.close());

async function agentWithCalendar(options: { active?: boolean } = {}) {
  const { auth } = await api.org();
  const host = api.calcomUser("Europe/Berlin");
  const eventType = api.sandbox.addEventType(host.id, {
    title: "Consultation",
    lengthInMinutes: 30,
    bookingFields: [{ type: "select", slug: "company-size", label: "Company size", required: true, options: ["1-10", "11-50"] }],
  }) as { id: number };
  const agent = (await api.request("POST", "/api/v1/agents/", { auth, body: { agentName: "Desk", calcomEventTypeId: eventType.id } })).body.data;
  await api.request("POST", `/api/v1/calcom/agents/${agent.id}/connect`, { auth, body: { api_key: host.apiKey, api_base_url: api.sandboxUrl } });
  const tool = { name: "calendar", type: "calcom", agentId: agent.id, enabledFunctions: { values: ["availability", "book"] } };
  const toolId = options.active === false ? (await api.request("POST", "/api/v1/tools/", { auth, body: tool })).body.data.id : (await createActiveTool(api, auth, tool)).id;
  return { auth, agent, host, toolId };
}

/**
 * The official SDK client over Streamable HTTP. `settled()` waits for every HTTP exchange the transport started (its
 * POSTs, and the GET it opens after initialising) and returns what it reported through `onerror`.
 */
async function connect(auth: Record<string, string>, agentId: string) {
  const client = new Client({ name: "agni-test", version: "1.0.0" });
  const exchanges: Promise<unknown>[] = [];
  const errors: unknown[] = [];
  const fetchAll: typeof fetch = (input, init) => {
    const answered = fetch(input, init);
    exchanges.push(answered.then((res) => res.clone().text()).catch(() => undefined));
    return answered;
  };
  client.onerror = (err) => errors.push(err);
  await client.connect(new StreamableHTTPClientTransport(new URL(`${api.url}/mcp?agent_id=${agentId}`), { requestInit: { headers: auth }, fetch: fetchAll }));
  const settled = async () => {
    await Promise.all(exchanges);
    await new Promise((resolve) => setImmediate(resolve));
    return errors;
  };
  return Object.assign(client, { settled });
}

/** A raw POST to /mcp, for what the SDK client never sends. */
const post = (auth: Record<string, string>, agentId: string, body: string) =>
  fetch(`${api.url}/mcp?agent_id=${agentId}`, { method: "POST", headers: { ...auth, "content-type": "application/json", accept: "application/json, text/event-stream" }, body });

/** The JSON-RPC error a call was refused with (the SDK client throws McpError). */
async function refusal(call: Promise<unknown>) {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(McpError);
  return err as McpError;
}

describe("MCP over Streamable HTTP (official SDK client)", () => {
  it("lists the agent's calendar functions, checks availability, books, and the booking exists", async () => {
    const { auth, agent, host } = await agentWithCalendar();
    const client = await connect(auth, agent.id);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual(["book_appointment", "check_availability"]);
      const book = tools.find((t) => t.name === "book_appointment")!;
      expect(book.inputSchema.required).toContain("company-size");

      const availability = await client.callTool({ name: "check_availability", arguments: { timezone: "America/New_York", days_ahead: 7 } });
      expect(availability.isError).toBeFalsy();
      const slot = (availability.structuredContent as { slot_times: string[] }).slot_times[0]!;
      expect((availability.content as { text: string }[])[0]!.text).toMatch(/^I have openings (on )?[a-zA-Z]/);

      const booked = await client.callTool({
        name: "book_appointment",
        arguments: { name: "Ada", email: "ada@example.com", timezone: "America/New_York", appointment_datetime: slot, "company-size": "11-50" },
      });
      expect(booked.isError).toBeFalsy();
      expect((booked.content as { text: string }[])[0]!.text).toMatch(/^You're booked for /);
      const id = (booked.structuredContent as { appointment_id: string }).appointment_id;
      const stored = await api.request("GET", `/api/v1/calcom/appointments/${id}`, { auth });
      expect(stored.body.data.appointment).toMatchObject({ attendee_email: "ada@example.com", status: "accepted" });
      const inSandbox = (api.sandbox.bookings() as { userId: number; start: string; bookingFieldsResponses: Record<string, unknown> }[]).filter((b) => b.userId === host.id);
      expect(inSandbox).toHaveLength(1);
      expect(inSandbox[0]!.bookingFieldsResponses["company-size"]).toBe("11-50");

      // The same call again (an MCP client retrying) is answered from the first booking, not booked twice.
      const again = await client.callTool({ name: "book_appointment", arguments: { name: "Ada", email: "ada@example.com", timezone: "America/New_York", appointment_datetime: slot, "company-size": "11-50" } });
      expect((again.structuredContent as { appointment_id: string }).appointment_id).toBe(id);
      expect((api.sandbox.bookings() as { userId: number }[]).filter((b) => b.userId === host.id)).toHaveLength(1);

      const missing = await client.callTool({ name: "book_appointment", arguments: { name: "Bo", email: "bo@example.com", timezone: "UTC", appointment_datetime: slot } });
      expect(missing.isError).toBe(true);
      expect((missing.content as { text: string }[])[0]!.text).toBe("I still need your company size (1-10, 11-50).");
      expect(missing.structuredContent).toEqual({ code: "INVALID_REQUEST", details: { missing_field: "company-size", label: "Company size", options: ["1-10", "11-50"] } });

      // Connecting (its GET for a stream included), listing and calling: the client reported no error at all.
      expect(await client.settled()).toEqual([]);
    } finally {
      await client.close();
    }
  });

  it("offers no inactive tool: tools/list says how to activate it, and a call gets a sentence to say", async () => {
    const { auth, agent, toolId } = await agentWithCalendar({ active: false });
    const client = await connect(auth, agent.id);
    try {
      const before = api.sandbox.requests.length;
      await expect(client.listTools()).rejects.toThrow(`agni tools activate ${toolId}`);
      const called = await client.callTool({ name: "check_availability", arguments: { timezone: "UTC" } });
      expect(called.isError).toBe(true);
      expect((called.content as { text: string }[])[0]!.text).toBe("I'm not able to use the calendar right now, so I can't check or book times.");
      expect(called.structuredContent).toMatchObject({ code: "FORBIDDEN", details: { tool_id: toolId } });
      expect(api.sandbox.requests.length).toBe(before);

      expect((await api.request("PATCH", `/api/v1/tools/${toolId}/`, { auth, body: { isActive: true } })).status).toBe(200);
      expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual(["book_appointment", "check_availability"]);
    } finally {
      await client.close();
    }
  });

  it("is authenticated like the API and scoped to the caller's organisation", async () => {
    const { agent } = await agentWithCalendar();
    const anonymous = await fetch(`${api.url}/mcp?agent_id=${agent.id}`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(anonymous.status).toBe(401);
    const other = await api.org();
    await expect(connect(other.auth, agent.id)).rejects.toThrow();
    const res = await fetch(`${api.url}/mcp?agent_id=${agent.id}`, { method: "POST", headers: { ...other.auth, "content-type": "application/json" }, body: "{}" });
    expect(res.status).toBe(404);
  });
});

describe("MCP protocol answers (Streamable HTTP without a stream)", () => {
  it("answers GET and DELETE with 405 and Allow: POST, so the SDK client knows there is no SSE stream", async () => {
    const { auth, agent } = await agentWithCalendar();
    for (const method of ["GET", "DELETE"]) {
      const res = await fetch(`${api.url}/mcp?agent_id=${agent.id}`, { method, headers: { ...auth, accept: "text/event-stream" } });
      expect(res.status, method).toBe(405);
      expect(res.headers.get("allow")).toBe("POST");
      expect(await res.json()).toMatchObject({ jsonrpc: "2.0", id: null, error: { code: -32000, message: expect.stringMatching(/^Method not allowed/) } });
    }
  });

  it("answers a body that is not JSON with a JSON-RPC parse error (-32700, id null)", async () => {
    const { auth, agent } = await agentWithCalendar();
    const res = await post(auth, agent.id, '{"jsonrpc":"2.0","id":1,"method":"tools/list"');
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body).toMatchObject({ jsonrpc: "2.0", id: null, error: { code: ErrorCode.ParseError, message: expect.stringMatching(/^Parse error/) } });
    expect(body.error.data.request_id).toBe(res.headers.get("x-request-id"));
  });

  it("refuses an unknown tool, an undeclared argument and a wrongly typed one with -32602, before Cal.com is asked", async () => {
    const { auth, agent } = await agentWithCalendar();
    const client = await connect(auth, agent.id);
    try {
      const before = api.sandbox.requests.length;
      const unknown = await refusal(client.callTool({ name: "delete_everything", arguments: {} }));
      expect(unknown.code).toBe(ErrorCode.InvalidParams);
      expect(unknown.message).toMatch(/Unknown tool: delete_everything$/);
      // A calendar function the agent's tool does not enable is not offered, so it is unknown too.
      const disabled = await refusal(client.callTool({ name: "cancel_appointment", arguments: { appointment_id: "a1", timezone: "UTC" } }));
      expect(disabled).toMatchObject({ code: ErrorCode.InvalidParams, message: expect.stringMatching(/Unknown tool: cancel_appointment$/) });

      const extra = await refusal(client.callTool({ name: "check_availability", arguments: { timezone: "UTC", room: "A" } }));
      expect(extra.code).toBe(ErrorCode.InvalidParams);
      expect(extra.message).toMatch(/Invalid arguments for tool check_availability: unknown argument room$/);

      // book_appointment's arguments depend on the event type: a booking question is declared, anything else is not.
      const book = { name: "Ada", email: "ada@example.com", timezone: "UTC", appointment_datetime: "2030-01-07T10:00:00Z" };
      const stray = await refusal(client.callTool({ name: "book_appointment", arguments: { ...book, "company-size": "1-10", "favourite-colour": "red" } }));
      expect(stray.code).toBe(ErrorCode.InvalidParams);
      expect(stray.message).toMatch(/unknown argument favourite-colour$/);

      const typed = await refusal(client.callTool({ name: "check_availability", arguments: { timezone: "UTC", days_ahead: "seven" } }));
      expect(typed.code).toBe(ErrorCode.InvalidParams);
      expect(typed.message).toMatch(/days_ahead must be integer$/);
      // Only the event type was read (for the booking question); nothing was looked up or booked.
      expect(api.sandbox.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual([expect.stringMatching(/^GET \/v2\/event-types\//)]);

      // A value the schema allows but the booking rules do not is the tool's answer, said aloud: the agent can ask.
      const range = await client.callTool({ name: "check_availability", arguments: { timezone: "UTC", days_ahead: 90 } });
      expect(range).toMatchObject({ isError: true, content: [{ type: "text", text: expect.stringMatching(/days_ahead must be between 1 and 30/) }], structuredContent: { code: "INVALID_REQUEST" } });
      expect(await client.settled()).toEqual([]);
    } finally {
      await client.close();
    }
  });

  it("declares an output schema and closed arguments on every tool, and every answer fits the schema", async () => {
    const { auth, agent } = await agentWithCalendar();
    const client = await connect(auth, agent.id);
    try {
      const { tools } = await client.listTools();
      for (const tool of tools) {
        expect(tool.inputSchema.additionalProperties, tool.name).toBe(false);
        expect(tool.outputSchema, tool.name).toMatchObject({ type: "object" });
      }
      // The SDK client validates structuredContent against outputSchema: a success and a failure both pass.
      const ok = await client.callTool({ name: "check_availability", arguments: { timezone: "UTC" } });
      expect(ok.structuredContent).toMatchObject({ success: true, action: "availability", timezone: "UTC" });
      const failed = await client.callTool({ name: "book_appointment", arguments: { name: "Bo", email: "bo@example.com", timezone: "UTC", appointment_datetime: "2020-01-01T10:00:00Z", "company-size": "1-10" } });
      expect(failed).toMatchObject({ isError: true, structuredContent: { code: expect.any(String) } });
      expect(await client.settled()).toEqual([]);
    } finally {
      await client.close();
    }
  });
});
