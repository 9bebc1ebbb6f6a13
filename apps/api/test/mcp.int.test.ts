import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
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

async function connect(auth: Record<string, string>, agentId: string) {
  const client = new Client({ name: "agni-test", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${api.url}/mcp?agent_id=${agentId}`), { requestInit: { headers: auth } }));
  return client;
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
