import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedExample } from "./support/seeds";
import { startTestApi, type TestApi } from "./support/test-api";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api?.close());

const bookingDefinition = {
  url: "https://example.com/book",
  method: "POST",
  parameters: { type: "object", properties: { date: { type: "string" } } },
};

async function newAgent(auth: Record<string, string>) {
  return (await api.request("POST", "/api/v1/agents/", { auth, body: { agentName: "Agent" } })).body.data as { id: string };
}

describe("tools", () => {
  it("matches the 'Get Agent Tool' seed page: same keys, same message", async () => {
    const { auth, orgId } = await api.org();
    const agent = await newAgent(auth);
    const created = await api.request("POST", "/api/v1/tools/", {
      auth,
      body: {
        name: "book_appointment",
        description: "Books an appointment in the connected calendar",
        type: "custom",
        definition: bookingDefinition,
        agentId: agent.id,
        enabledFunctions: { values: ["book", "reschedule"] },
      },
    });
    expect(created.status).toBe(201);
    expect(created.body.message).toBe("Tool created successfully");
    expect(created.body.data.isActive).toBe(false);

    await api.request("PATCH", `/api/v1/tools/${created.body.data.id}/`, { auth, body: { isActive: true } });
    const got = await api.request("GET", `/api/v1/tools/${created.body.data.id}/`, { auth });
    const seed = seedExample("get-agent-tool.txt", 0) as { message: string; data: Record<string, unknown> };
    expect(got.body.message).toBe(seed.message);
    expect(Object.keys(got.body.data)).toEqual(expect.arrayContaining(Object.keys(seed.data)));
    expect(got.body.data).toMatchObject({
      ...seed.data,
      id: created.body.data.id,
      organizationId: orgId,
      agentId: agent.id,
    });
  });

  it("filters by agentId or agent_id and pages with a string total", async () => {
    const { auth } = await api.org();
    const a1 = await newAgent(auth);
    const a2 = await newAgent(auth);
    for (const [name, agentId] of [["t1", a1.id], ["t2", a1.id], ["t3", a2.id], ["t4", null]] as const) {
      const res = await api.request("POST", "/api/v1/tools/", { auth, body: { name, type: "end_call", agentId } });
      expect(res.status).toBe(201);
    }
    const all = await api.request("GET", "/api/v1/tools/", { auth });
    expect(all.body).toMatchObject({ message: "Tools fetched successfully", meta: { total: "4", limit: 50, offset: 0 } });
    const byCamel = await api.request("GET", `/api/v1/tools/?agentId=${a1.id}&limit=1`, { auth });
    expect(byCamel.body.meta).toEqual({ total: "2", limit: 1, offset: 0 });
    const bySnake = await api.request("GET", `/api/v1/tools/?agent_id=${a2.id}`, { auth });
    expect(bySnake.body.data.map((t: { name: string }) => t.name)).toEqual(["t3"]);
    expect((await api.request("GET", "/api/v1/tools/?agentId=zzz", { auth })).status).toBe(400);
  });

  it("validates names, types, definitions and JSON Schemas", async () => {
    const { auth } = await api.org();
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ name: "Book-It", type: "custom", definition: bookingDefinition }, /name may contain only lowercase/],
      [{ name: "x", type: "carrier_pigeon" }, /type must be one of/],
      [{ name: "x", type: "custom" }, /definition is required/],
      [{ name: "x", type: "custom", definition: { ...bookingDefinition, url: "ftp://x" } }, /http or https/],
      [{ name: "x", type: "custom", definition: { ...bookingDefinition, parameters: { type: 12 } } }, /not a valid JSON Schema/],
      [{ name: "x", type: "custom", definition: { ...bookingDefinition, parameters: { type: "string" } } }, /"type": "object"/],
      [{ name: "x", type: "function", definition: { parameters: { type: "object", properties: { a: { $ref: "#/nowhere" } } } } }, /usable JSON Schema/],
      [{ name: "x", type: "calcom", enabledFunctions: { values: ["book", "teleport"] } }, /calcom tool may only contain/],
      [{ name: "x", type: "transfer_call", definition: { phone_number: "555" } }, /E\.164/],
      [{ name: "x", type: "end_call", isActive: true }, /isActive/],
      [{ name: "x", type: "end_call", agentId: "nope" }, /agentId must be a UUID/],
    ];
    for (const [body, message] of cases) {
      const res = await api.request("POST", "/api/v1/tools/", { auth, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code).toBe("INVALID_REQUEST");
      expect(res.body.message).toMatch(message);
    }
  });

  it("gives a calcom tool every calendar function by default and validates updates against the merged tool", async () => {
    const { auth } = await api.org();
    const created = await api.request("POST", "/api/v1/tools/", { auth, body: { name: "calendar", type: "calcom" } });
    expect(created.body.data.enabledFunctions.values).toEqual(["book", "reschedule", "cancel", "suggest", "availability", "link", "find", "waitlist"]);
    const id = created.body.data.id;
    const toCustom = await api.request("PATCH", `/api/v1/tools/${id}/`, { auth, body: { type: "custom" } });
    expect(toCustom.status).toBe(400);
    expect(toCustom.body.message).toMatch(/definition is required/);
    const ok = await api.request("PATCH", `/api/v1/tools/${id}/`, { auth, body: { type: "custom", definition: bookingDefinition } });
    expect(ok.status).toBe(200);
    expect(ok.body.data).toMatchObject({ type: "custom", definition: bookingDefinition });
  });

  it("refuses a second tool with the same name on one agent (409) and unknown agents (404)", async () => {
    const { auth } = await api.org();
    const agent = await newAgent(auth);
    const body = { name: "dup", type: "end_call", agentId: agent.id };
    expect((await api.request("POST", "/api/v1/tools/", { auth, body })).status).toBe(201);
    const again = await api.request("POST", "/api/v1/tools/", { auth, body });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("CONFLICT");
    const ghost = await api.request("POST", "/api/v1/tools/", { auth, body: { ...body, agentId: randomUUID() } });
    expect(ghost.status).toBe(404);
  });

  it("removes a deleted tool from agents' selectedTools", async () => {
    const { auth } = await api.org();
    const tool = (await api.request("POST", "/api/v1/tools/", { auth, body: { name: "bye", type: "end_call" } })).body.data;
    const agent = (await api.request("POST", "/api/v1/agents/", { auth, body: { agentName: "A", selectedTools: [tool.id] } })).body.data;
    expect(agent.selectedTools).toEqual([tool.id]);
    const del = await api.request("DELETE", `/api/v1/tools/${tool.id}/`, { auth });
    expect(del.body).toMatchObject({ message: "Tool deleted successfully", data: { id: tool.id } });
    const after = await api.request("GET", `/api/v1/agents/${agent.id}/`, { auth });
    expect(after.body.data.selectedTools).toEqual([]);
  });

  it("never shows or changes another organisation's tools", async () => {
    const a = await api.org();
    const b = await api.org();
    const tool = (await api.request("POST", "/api/v1/tools/", { auth: a.auth, body: { name: "secret_tool", type: "end_call" } })).body.data;
    for (const [method, body] of [["GET"], ["PATCH", { name: "mine" }], ["DELETE"]] as const) {
      const res = await api.request(method, `/api/v1/tools/${tool.id}/`, { auth: b.auth, body });
      expect(res.status).toBe(404);
      expect(res.body.message).toBe("Tool not found");
    }
    const list = await api.request("GET", "/api/v1/tools/", { auth: b.auth });
    expect(list.body.data).toEqual([]);
    const agentOfA = await newAgent(a.auth);
    const attach = await api.request("POST", "/api/v1/tools/", { auth: b.auth, body: { name: "x", type: "end_call", agentId: agentOfA.id } });
    expect(attach.status).toBe(404);
  });
});

describe("isActive: a tool serves nothing until it is activated", () => {
  const MANAGE = "/api/v1/calcom/appointments/manage";

  /** An agent on its own sandbox account with a calendar tool, as created (inactive). */
  async function calendarAgent() {
    const { auth } = await api.org();
    const host = api.calcomUser();
    const eventType = api.sandbox.addEventType(host.id, { title: "Call", slug: `call-${host.id}`, lengthInMinutes: 30 } as never) as { id: number };
    const agent = (await api.request("POST", "/api/v1/agents/", { auth, body: { agentName: "Desk", calcomEventTypeId: eventType.id } })).body.data;
    await api.request("POST", `/api/v1/calcom/agents/${agent.id}/connect`, { auth, body: { api_key: host.apiKey, api_base_url: api.sandboxUrl } });
    await api.mirrorSettled(); // the reconciliation the connect queued: its Cal.com calls are not the tool's
    const tool = (await api.request("POST", "/api/v1/tools/", { auth, body: { name: "calendar", type: "calcom", agentId: agent.id } })).body.data;
    const suggest = () => api.request("POST", MANAGE, { auth, body: { action: "suggest", agent_id: agent.id, timezone: "UTC" } });
    const invoke = (format: string, body: unknown) => api.request("POST", `/api/v1/tools/${tool.id}/invoke?format=${format}&function=suggest_appointment_times`, { auth, body });
    const setActive = async (isActive: boolean) => expect((await api.request("PATCH", `/api/v1/tools/${tool.id}/`, { auth, body: { isActive } })).status).toBe(200);
    return { auth, agent, tool, suggest, invoke, setActive };
  }
  const retellCall = { call: { call_id: "call-1" }, name: "suggest_appointment_times", args: { timezone: "UTC" } };
  const vapiCalls = (n: number) => ({
    message: { call: { id: "vapi-1" }, toolCallList: Array.from({ length: n }, (_, i) => ({ id: `tc_${i}`, function: { name: "suggest_appointment_times", arguments: { timezone: "UTC" } } })) },
  });

  it("refuses manage, invoke and export of an inactive tool with a sentence to say and how to activate it, without calling Cal.com", async () => {
    const { auth, tool, suggest, invoke } = await calendarAgent();
    expect(tool.isActive).toBe(false);
    const before = api.sandbox.requests.length;
    const activate = [`agni tools activate ${tool.id}`, `PATCH /api/v1/tools/${tool.id}/ {"isActive": true}`];

    const managed = await suggest();
    expect(managed.status).toBe(403);
    expect(managed.body).toMatchObject({ success: false, code: "FORBIDDEN", message: "I'm not able to use the calendar right now, so I can't check or book times." });
    for (const how of activate) expect(managed.body.details.reason).toContain(how);

    // Voice platforms get the same sentence in their own shape, for every call of the request.
    const retell = await invoke("retell", retellCall);
    expect(retell.status).toBe(200);
    expect(retell.body).toEqual({ success: false, result: managed.body.message, data: { code: "FORBIDDEN", details: managed.body.details } });
    const vapi = await invoke("vapi", vapiCalls(2));
    expect(vapi.body).toEqual({ results: [0, 1].map((i) => ({ toolCallId: `tc_${i}`, result: managed.body.message })) });

    for (const format of ["openai", "vapi"]) {
      const exported = await api.request("GET", `/api/v1/tools/${tool.id}/export?format=${format}`, { auth });
      expect(exported.status).toBe(403);
      expect(exported.body.code).toBe("FORBIDDEN");
      for (const how of activate) expect(exported.body.message).toContain(how);
    }
    const fn = (await api.request("POST", "/api/v1/tools/", { auth, body: { name: "lookup", type: "function", definition: { parameters: { type: "object", properties: {} } } } })).body.data;
    expect((await api.request("GET", `/api/v1/tools/${fn.id}/export?format=openai`, { auth })).status).toBe(403);
    expect(api.sandbox.requests.length).toBe(before);
  });

  it("serves once activated, and stops again when deactivated", async () => {
    const { auth, agent, tool, suggest, invoke, setActive } = await calendarAgent();
    await setActive(true);
    expect((await suggest()).status).toBe(200);
    expect((await invoke("retell", retellCall)).body).toMatchObject({ success: true, result: expect.stringMatching(/^I can offer /) });
    expect((await api.request("GET", `/api/v1/tools/${tool.id}/export?format=openai`, { auth })).status).toBe(200);

    await setActive(false);
    expect((await suggest()).status).toBe(403);
    expect((await invoke("retell", retellCall)).body).toMatchObject({ success: false, data: { code: "FORBIDDEN" } });

    // An agent's active calendar tool serves even when an older one is inactive.
    const second = (await api.request("POST", "/api/v1/tools/", { auth, body: { name: "calendar_two", type: "calcom", agentId: agent.id } })).body.data;
    expect((await api.request("PATCH", `/api/v1/tools/${second.id}/`, { auth, body: { isActive: true } })).status).toBe(200);
    expect((await suggest()).status).toBe(200);
  });
});
