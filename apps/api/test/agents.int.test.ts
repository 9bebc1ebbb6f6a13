import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "./support/test-api";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api?.close());

describe("agents", () => {
  it("creates, reads, updates, lists and deletes an agent", async () => {
    const { auth, orgId } = await api.org();
    const created = await api.request("POST", "/api/v1/agents/", {
      auth,
      body: { agentName: "Front desk", calendarTimezone: "America/New_York", calcomEventTypeId: 42, settings: { voice: "alloy" } },
    });
    expect(created.status).toBe(201);
    expect(created.body.message).toBe("Agent created successfully");
    const agent = created.body.data;
    expect(agent).toMatchObject({
      organizationId: orgId,
      agentName: "Front desk",
      status: "ACTIVE",
      calendarTimezone: "America/New_York",
      calcomEventTypeId: 42,
      selectedTools: [],
      settings: { voice: "alloy" },
      calcomConnectionType: "none",
      calcomApiKey: null,
    });
    expect(agent.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/); // UUID v7

    const got = await api.request("GET", `/api/v1/agents/${agent.id}/`, { auth });
    expect(got.body).toMatchObject({ success: true, message: "Agent fetched successfully", data: { id: agent.id } });

    const patched = await api.request("PATCH", `/api/v1/agents/${agent.id}/`, { auth, body: { status: "INACTIVE", prompt: "Be kind", settings: null } });
    expect(patched.status).toBe(200);
    expect(patched.body.data).toMatchObject({ status: "INACTIVE", prompt: "Be kind", settings: null, agentName: "Front desk" });

    const list = await api.request("GET", "/api/v1/agents/", { auth });
    expect(list.body.meta).toEqual({ total: "1", limit: 50, offset: 0 });

    const deleted = await api.request("DELETE", `/api/v1/agents/${agent.id}/`, { auth });
    expect(deleted.body).toMatchObject({ message: "Agent deleted successfully", data: { id: agent.id } });
    expect((await api.request("GET", `/api/v1/agents/${agent.id}/`, { auth })).status).toBe(404);
  });

  it("pages with limit and offset; out-of-range limits fall back to 50; non-numbers are 400", async () => {
    const { auth } = await api.org();
    for (const name of ["a", "b", "c"]) await api.request("POST", "/api/v1/agents/", { auth, body: { agentName: name } });
    const page = await api.request("GET", "/api/v1/agents/?limit=2&offset=1", { auth });
    expect(page.body.meta).toEqual({ total: "3", limit: 2, offset: 1 });
    expect(page.body.data.map((a: { agentName: string }) => a.agentName)).toEqual(["b", "c"]);
    for (const limit of ["0", "-5", "201"]) {
      const res = await api.request("GET", `/api/v1/agents/?limit=${limit}`, { auth });
      expect(res.body.meta.limit).toBe(50);
    }
    const bad = await api.request("GET", "/api/v1/agents/?limit=ten", { auth });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/limit must be an integer/);
    expect((await api.request("GET", "/api/v1/agents/?offset=-1", { auth })).status).toBe(400);
  });

  it("rejects bad input with a message naming the field", async () => {
    const { auth } = await api.org();
    const cases: Array<[unknown, RegExp]> = [
      [{}, /agentName is required/],
      [{ agentName: "" }, /agentName must not be empty/],
      [{ agentName: 7 }, /agentName/],
      [{ agentName: "x", calendarTimezone: "Mars/Olympus" }, /calendarTimezone.*IANA/],
      [{ agentName: "x", unknownField: 1 }, /unknownField/],
      [{ agentName: "x", selectedTools: ["nope"] }, /selectedTools.*UUID/],
      [{ agentName: "x", selectedTools: [randomUUID()] }, /unknown tool ids/],
      [[{ agentName: "x" }], /object/i],
    ];
    for (const [body, message] of cases) {
      const res = await api.request("POST", "/api/v1/agents/", { auth, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code).toBe("INVALID_REQUEST");
      expect(res.body.message).toMatch(message);
    }
    const empty = await api.request("POST", "/api/v1/agents/", { auth, body: { agentName: "x" } });
    expect((await api.request("PATCH", `/api/v1/agents/${empty.body.data.id}/`, { auth, body: {} })).status).toBe(400);
  });

  it("refuses text PostgreSQL cannot store (NUL, unpaired surrogates) anywhere in a body, and writes nothing", async () => {
    const { auth, orgId } = await api.org();
    const bodies: [unknown, RegExp][] = [
      [{ agentName: "a\u0000b" }, /NUL/],
      [{ agentName: "ok", settings: { "\ud800": 1 } }, /unpaired UTF-16 surrogate/],
      [{ agentName: "ok", settings: { deep: [{ v: "x\udfffy" }] } }, /unpaired UTF-16 surrogate/],
      [{ agentName: "\udc00\ud800" }, /unpaired UTF-16 surrogate/],
    ];
    for (const [body, message] of bodies) {
      const res = await api.request("POST", "/api/v1/agents/", { auth, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body).toMatchObject({ success: false, code: "INVALID_REQUEST", message: expect.stringMatching(message) });
    }
    expect(await api.prisma.agent.count({ where: { organizationId: orgId } })).toBe(0);
    // A whole pair (an emoji) is ordinary text.
    const emoji = await api.request("POST", "/api/v1/agents/", { auth, body: { agentName: "Front desk \u{1F4C5}", settings: { "\u{1F600}": "\u{1F600}" } } });
    expect(emoji.status).toBe(201);
    expect(emoji.body.data).toMatchObject({ agentName: "Front desk \u{1F4C5}", settings: { "\u{1F600}": "\u{1F600}" } });
    // As the JSON text carries them: escaped pairs are text, an escaped half next to anything else is not, and an
    // escaped backslash before "u0000" is a backslash.
    const raw: [string, number, string?][] = [
      ['{"agentName":"\\ud83d\\ude00 escaped"}', 201, "\u{1F600} escaped"],
      ['{"agentName":"a\\\\u0000b"}', 201, "a\\u0000b"],
      ['{"agentName":"\\ud83d\u{1F600}"}', 400],
      ['{"agentName":"\\ude00\\ud83d"}', 400],
      ['{"agentName":"x","settings":{"k\\u0000":1}}', 400],
    ];
    for (const [text, status, name] of raw) {
      const res = await api.request("POST", "/api/v1/agents/", { auth, body: text });
      expect(res.status, text).toBe(status);
      if (name) expect(res.body.data.agentName).toBe(name);
    }
  });

  it("answers 400 for a malformed id and 404 for an absent one or another organisation's", async () => {
    const a = await api.org();
    const b = await api.org();
    const agent = (await api.request("POST", "/api/v1/agents/", { auth: a.auth, body: { agentName: "A's" } })).body.data;

    const malformed = await api.request("GET", "/api/v1/agents/not-a-uuid/", { auth: a.auth });
    expect(malformed.status).toBe(400);
    expect(malformed.body.message).toBe("id must be a UUID");

    expect((await api.request("GET", `/api/v1/agents/${randomUUID()}/`, { auth: a.auth })).status).toBe(404);
    for (const [method, body] of [["GET"], ["PATCH", { agentName: "stolen" }], ["DELETE"]] as const) {
      const res = await api.request(method, `/api/v1/agents/${agent.id}/`, { auth: b.auth, body });
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ success: false, code: "NOT_FOUND", message: "Agent not found" });
      expect(JSON.stringify(res.body)).not.toContain("A's");
    }
    const stillThere = await api.request("GET", `/api/v1/agents/${agent.id}/`, { auth: a.auth });
    expect(stillThere.body.data.agentName).toBe("A's");
  });
});
