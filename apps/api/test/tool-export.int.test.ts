import { readFileSync } from "node:fs";
import Ajv from "ajv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rawGet } from "./support/raw-http";
import { startTestApi, type TestApi } from "./support/test-api";
import { createActiveTool } from "./support/tools";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api?.close());

const ajv = new Ajv({ strict: false, allErrors: true });
const platformShape = (format: string) => ajv.compile(JSON.parse(readFileSync(new URL(`./fixtures/tool-export/${format}.schema.json`, import.meta.url), "utf8")));
const parametersOf = (format: string, entry: any) =>
  ({ openai: entry.function?.parameters, vapi: entry.function?.parameters, anthropic: entry.input_schema, mcp: entry.inputSchema, retell: entry.parameters, elevenlabs: entry.api_schema?.request_body_schema })[format];
const nameOf = (format: string, entry: any) => (format === "openai" || format === "vapi" ? entry.function.name : entry.name);

async function calendarAgent(functions: string[]) {
  const { auth } = await api.org();
  const host = api.calcomUser("America/New_York");
  const eventType = api.sandbox.addEventType(host.id, {
    title: "Consultation",
    lengthInMinutes: 30,
    bookingFields: [{ type: "select", slug: "company-size", label: "Company size", required: true, options: ["1-10", "11-50", "51+"] }],
  }) as { id: number };
  const agent = (await api.request("POST", "/api/v1/agents/", { auth, body: { agentName: "Desk", calcomEventTypeId: eventType.id } })).body.data;
  await api.request("POST", `/api/v1/calcom/agents/${agent.id}/connect`, { auth, body: { api_key: host.apiKey, api_base_url: api.sandboxUrl } });
  const tool = await createActiveTool(api, auth, { name: "calendar", type: "calcom", agentId: agent.id, enabledFunctions: { values: functions } });
  return { auth, agent, tool, eventType };
}

describe("tool export", () => {
  it.each(["openai", "anthropic", "mcp", "retell", "vapi", "elevenlabs"])("compiles a calcom tool for %s from the agent's event type, with only the enabled functions", async (format) => {
    const { auth, tool, eventType } = await calendarAgent(["book", "suggest"]);
    const res = await api.request("GET", `/api/v1/tools/${tool.id}/export?format=${format}`, { auth });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: true, message: "Tool exported", data: { format, tool_id: tool.id, event_type_id: eventType.id } });
    const entries = res.body.data.tools as any[];
    const valid = platformShape(format);
    for (const entry of entries) expect(valid(entry), JSON.stringify(valid.errors)).toBe(true);
    expect(entries.map((e) => nameOf(format, e)).sort()).toEqual(["book_appointment", "suggest_appointment_times"]);

    const book = parametersOf(format, entries.find((e) => nameOf(format, e) === "book_appointment"));
    expect(book.required).toEqual(["name", "email", "timezone", "appointment_datetime", "company-size"]);
    expect(book.properties["company-size"]).toEqual({ type: "string", description: "Company size", enum: ["1-10", "11-50", "51+"] });
    expect(JSON.stringify(entries)).not.toMatch(/cal_(test|live)_/); // never a secret: webhook formats carry a placeholder
    if (format === "mcp") {
      // As the served /mcp lists them: closed to unknown arguments, with the result's schema for structuredContent.
      for (const entry of entries) expect(entry).toMatchObject({ inputSchema: { additionalProperties: false }, outputSchema: { type: "object", anyOf: expect.any(Array) } });
    }
    // The compiled schema is a real JSON Schema: a complete booking validates, a missing answer does not.
    const args = ajv.compile(book);
    const call = { name: "Ada", email: "ada@example.com", timezone: "Europe/Berlin", appointment_datetime: "2030-01-07T10:00", "company-size": "11-50" };
    expect(args(call)).toBe(true);
    expect(args({ ...call, "company-size": "huge" })).toBe(false);
    expect(args({ ...call, "company-size": undefined })).toBe(false);
  });

  it("exports a function tool's stored declaration", async () => {
    const { auth } = await api.org();
    const parameters = { type: "object", properties: { order_id: { type: "string" } }, required: ["order_id"] };
    const tool = await createActiveTool(api, auth, { name: "lookup_order", type: "function", description: "Find an order", definition: { parameters } });
    const res = await api.request("GET", `/api/v1/tools/${tool.id}/export?format=openai`, { auth });
    expect(res.body.data.tools).toEqual([{ type: "function", function: { name: "lookup_order", description: "Find an order", parameters } }]);
  });

  it("refuses tools with nothing to export, unknown formats and other tenants' tools", async () => {
    const { auth, tool } = await calendarAgent([]);
    const none = await api.request("GET", `/api/v1/tools/${tool.id}/export?format=openai`, { auth });
    expect(none.status).toBe(400);
    expect(none.body.message).toBe("This calendar tool enables no functions; set enabledFunctions (book, reschedule, cancel, suggest, availability, link, confirm, decline, find, instant, waitlist)");
    const bad = await api.request("GET", `/api/v1/tools/${tool.id}/export?format=carrier-pigeon`, { auth });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toBe("format must be one of openai, openai-strict, openai-responses, anthropic, mcp, retell, vapi, elevenlabs");
    const other = await api.org();
    expect((await api.request("GET", `/api/v1/tools/${tool.id}/export?format=openai`, { auth: other.auth })).status).toBe(404);
    const endCall = await createActiveTool(api, auth, { name: "hang_up", type: "end_call" });
    expect((await api.request("GET", `/api/v1/tools/${endCall.id}/export?format=mcp`, { auth })).status).toBe(400);
  });

  describe("voice exports say a holding sentence while a function runs", () => {
    const say = (format: string, entries: any[]) =>
      Object.fromEntries(
        entries.map((e) =>
          format === "vapi"
            ? [e.function.name, Object.fromEntries(e.messages.map((m: any) => [m.type, m.content]))]
            : [e.name, { speak: e.speak_during_execution, type: e.execution_message_type, start: e.execution_message_description }],
        ),
      );

    it("per function, with defaults, configurable on the tool (definition.holding_messages)", async () => {
      const { auth, tool } = await calendarAgent(["book", "suggest", "availability"]);
      const vapi = (await api.request("GET", `/api/v1/tools/${tool.id}/export?format=vapi`, { auth })).body.data.tools;
      expect(say("vapi", vapi)).toEqual({
        check_availability: { "request-start": "Let me check the calendar…", "request-response-delayed": "I'm still looking at the calendar, just a moment…" },
        suggest_appointment_times: { "request-start": "Let me look for a few good times…", "request-response-delayed": "Still looking, bear with me a moment…" },
        book_appointment: { "request-start": "One moment while I book that…", "request-response-delayed": "Still booking it, just a moment longer…" },
      });
      expect(vapi[0].messages).toEqual([
        { type: "request-start", content: expect.any(String), blocking: false },
        { type: "request-response-delayed", content: expect.any(String), timingMilliseconds: 3000 },
      ]);
      const retell = (await api.request("GET", `/api/v1/tools/${tool.id}/export?format=retell`, { auth })).body.data.tools;
      expect(say("retell", retell).book_appointment).toEqual({ speak: true, type: "static_text", start: "One moment while I book that…" });

      const holding_messages = { book: { start: "  Bear with me while I pencil you in…  " }, availability: { delayed: "The diary is slow today…" } };
      const changed = await api.request("PATCH", `/api/v1/tools/${tool.id}/`, { auth, body: { definition: { holding_messages } } });
      expect(changed.status, JSON.stringify(changed.body)).toBe(200);
      const vapiAfter = say("vapi", (await api.request("GET", `/api/v1/tools/${tool.id}/export?format=vapi`, { auth })).body.data.tools);
      expect(vapiAfter.book_appointment).toEqual({ "request-start": "Bear with me while I pencil you in…", "request-response-delayed": "Still booking it, just a moment longer…" });
      expect(vapiAfter.check_availability).toEqual({ "request-start": "Let me check the calendar…", "request-response-delayed": "The diary is slow today…" });
      const retellAfter = say("retell", (await api.request("GET", `/api/v1/tools/${tool.id}/export?format=retell`, { auth })).body.data.tools);
      expect(retellAfter.book_appointment.start).toBe("Bear with me while I pencil you in…");
    });

    it.each([
      [{ book: { start: " " } }, "definition.holding_messages.book.start: must not be empty"],
      [{ book: { start: "x".repeat(201) } }, "definition.holding_messages.book.start: must be at most 200 characters"],
      [{ book: { start: 7 } }, "definition.holding_messages.book.start: Expected string, received number"],
      [{ book: { begin: "Hi" } }, "definition.holding_messages.book: Unrecognized key(s) in object: 'begin'"],
      [{ transfer: { start: "Hi" } }, "definition.holding_messages: Unrecognized key(s) in object: 'transfer'"],
    ])("refuses holding_messages %j with a clear 400", async (holding_messages, message) => {
      const { auth } = await api.org();
      const res = await api.request("POST", "/api/v1/tools/", { auth, body: { name: "calendar", type: "calcom", definition: { holding_messages } } });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ success: false, code: "INVALID_REQUEST", message });
    });
  });

  describe("voice platforms call the exported webhook", () => {
    async function exported(format: string, functions = ["suggest", "book"]) {
      const setup = await calendarAgent(functions);
      const res = await api.request("GET", `/api/v1/tools/${setup.tool.id}/export?format=${format}`, { auth: setup.auth });
      const entries = res.body.data.tools as any[];
      const urlOf = (name: string) => {
        const e = entries.find((x) => nameOf(format, x) === name);
        return new URL(format === "vapi" ? e.server.url : format === "elevenlabs" ? e.api_schema.url : e.url);
      };
      const invoke = (name: string, body: unknown) => {
        const url = urlOf(name);
        expect(url.origin).toBe(api.url);
        return api.request("POST", url.pathname + url.search, { auth: setup.auth, body });
      };
      const slot = async () => (await api.request("POST", "/api/v1/calcom/appointments/manage", { auth: setup.auth, body: { action: "suggest", agent_id: setup.agent.id, timezone: "UTC" } })).body.data.slot_times[0];
      return { ...setup, invoke, slot };
    }
    const bookArgs = (slot: string) => ({ name: "Ada", email: "ada@example.com", timezone: "America/New_York", appointment_datetime: slot, "company-size": "1-10" });

    it("Retell: {call, name, args} books and answers a sentence", async () => {
      const { invoke, slot } = await exported("retell");
      const res = await invoke("book_appointment", { call: { call_id: "retell-call-1" }, name: "book_appointment", args: bookArgs(await slot()) });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ success: true, result: expect.stringMatching(/^You're booked for /) });
    });

    it("Vapi: tool-calls with string arguments answer {results: [{toolCallId, result}]}", async () => {
      const { invoke, slot } = await exported("vapi");
      const body = { message: { type: "tool-calls", call: { id: "vapi-call-1" }, toolCallList: [{ id: "tc_1", type: "function", function: { name: "book_appointment", arguments: JSON.stringify(bookArgs(await slot())) } }] } };
      const res = await invoke("book_appointment", body);
      expect(res.body).toEqual({ results: [{ toolCallId: "tc_1", result: expect.stringMatching(/^You're booked for /) }] });
      const again = await invoke("book_appointment", body); // Vapi retried: same answer, one booking
      expect(again.body).toEqual(res.body);
    });

    it("ElevenLabs: the arguments are the body; a missing answer comes back as a sentence to ask", async () => {
      const { invoke, slot } = await exported("elevenlabs");
      const args = bookArgs(await slot());
      const missing = await invoke("book_appointment", { ...args, "company-size": undefined });
      expect(missing.body).toMatchObject({ success: false, result: "I still need your company size (1-10, 11-50, 51+)." });
      const ok = await invoke("book_appointment", args);
      expect(ok.body).toMatchObject({ success: true });
    });
  });
});

// Exported webhook URLs are where a voice platform will send calls, with the organisation's API key: a Host header
// any client can set must never decide them.
describe("exported URLs and the Host header", () => {
  /** A calendar tool (no Cal.com account needed to export it) on `target`. */
  async function webhookTool(target: TestApi) {
    const { auth } = await target.org();
    const agent = (await target.request("POST", "/api/v1/agents/", { auth, body: { agentName: "Hosted" } })).body.data;
    const tool = await createActiveTool(target, auth, { name: "calendar", type: "calcom", agentId: agent.id, enabledFunctions: { values: ["book", "suggest"] } });
    return { auth, tool };
  }

  /** The invoke URLs a Vapi and a Retell export carry, asked for with exactly these headers (Host included). */
  async function exportedUrls(target: TestApi, auth: Record<string, string>, toolId: string, headers: Record<string, string>): Promise<string[]> {
    const urls: string[] = [];
    for (const format of ["vapi", "retell"]) {
      const res = await rawGet(target.url, `/api/v1/tools/${toolId}/export?format=${format}`, { ...auth, ...headers });
      expect(res.status, res.body).toBe(200);
      for (const entry of JSON.parse(res.body).data.tools) urls.push(format === "vapi" ? entry.server.url : entry.url);
    }
    return urls;
  }

  const hostile: Record<string, string>[] = [
    { host: "evil.example/path?x=" },
    { host: "evil.example" },
    { host: "127.0.0.1:1@evil.example" },
    { host: "evil.example", "x-forwarded-host": "evil.example", "x-forwarded-proto": "javascript" },
    { "x-forwarded-host": "evil.example/steal?x=", "x-forwarded-proto": "https" },
  ];

  it("without AGNI_PUBLIC_URL, point at the address the API listens on, whatever Host or X-Forwarded-* say", async () => {
    const { auth, tool } = await webhookTool(api);
    for (const headers of hostile) {
      const urls = await exportedUrls(api, auth, tool.id, headers);
      expect(urls.length).toBeGreaterThan(0);
      for (const url of urls) expect(url, JSON.stringify(headers)).toMatch(new RegExp(`^${api.url}/api/v1/tools/${tool.id}/invoke\\?format=(vapi|retell)&function=`));
    }
  });

  it("with AGNI_PUBLIC_URL, point there (path included), whatever the request says", async () => {
    const published = await startTestApi({ config: { publicUrl: "https://agni.example.com/voice" } });
    try {
      const { auth, tool } = await webhookTool(published);
      for (const headers of [{}, ...hostile]) {
        for (const url of await exportedUrls(published, auth, tool.id, headers)) expect(url).toMatch(/^https:\/\/agni\.example\.com\/voice\/api\/v1\/tools\//);
      }
    } finally {
      await published.close();
    }
  }, 60_000);

  it("honour X-Forwarded-Host and X-Forwarded-Proto only from a trusted proxy (AGNI_TRUST_PROXY), and only well-formed", async () => {
    // Without AGNI_PUBLIC_URL (which the test API otherwise sets to its own address, for the Cal.com mirror).
    const [proxied, elsewhere] = await Promise.all([startTestApi({ config: { trustProxy: ["loopback"] }, mirror: { publicUrl: false } }), startTestApi({ config: { trustProxy: ["10.0.0.1"] }, mirror: { publicUrl: false } })]);
    try {
      const forwarded = { host: "internal:3000", "x-forwarded-host": "agni.example.org, proxy.internal", "x-forwarded-proto": "https" };
      const trusted = await webhookTool(proxied);
      for (const url of await exportedUrls(proxied, trusted.auth, trusted.tool.id, forwarded)) expect(url).toMatch(/^https:\/\/agni\.example\.org\/api\/v1\/tools\//);
      // Malformed forwarded values are not used; a Host header alone is not either.
      const malformed: Record<string, string>[] = [{ "x-forwarded-host": "evil.example/steal?x=" }, { "x-forwarded-host": "a@evil.example" }, { host: "evil.example" }];
      for (const headers of malformed) {
        for (const url of await exportedUrls(proxied, trusted.auth, trusted.tool.id, headers)) expect(url.startsWith(`${proxied.url}/api/v1/tools/`), url).toBe(true);
      }
      for (const url of await exportedUrls(proxied, trusted.auth, trusted.tool.id, { "x-forwarded-host": "agni.example.org", "x-forwarded-proto": "javascript" })) {
        expect(url).toMatch(/^http:\/\/agni\.example\.org\//);
      }
      // The client (127.0.0.1) is not the trusted proxy here: its forwarded headers count for nothing.
      const untrusted = await webhookTool(elsewhere);
      for (const url of await exportedUrls(elsewhere, untrusted.auth, untrusted.tool.id, forwarded)) expect(url.startsWith(`${elsewhere.url}/api/v1/tools/`), url).toBe(true);
    } finally {
      await Promise.all([proxied.close(), elsewhere.close()]);
    }
  }, 90_000);
});
