import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setUpCalendarAgent } from "./support/api-process";
import { arbitraryFor, hostileString, hostileValue } from "./support/arbitraries";
import { contractRoutes } from "./support/contract-routes";
import { startTestApi, type TestApi } from "./support/test-api";
import { createActiveTool } from "./support/tools";

// Property-based fuzzing of every route of the contract: path, query and body drawn from the route's own schemas
// (so that requests reach the handlers), mixed with hostile values. Whatever arrives, the API answers within a
// bound, never with a 500, always in the error envelope, and keeps serving.

const RUNS = Number(process.env.AGNI_FUZZ_RUNS ?? 25);
const DEADLINE_MS = 10_000;

let api: TestApi;
let auth: Record<string, string>;
const real: Record<string, string> = {};

beforeAll(async () => {
  api = await startTestApi();
  const org = await api.org();
  auth = org.auth;
  const host = api.calcomUser();
  real.agent = (await api.request("POST", "/api/v1/agents/", { auth, body: { agentName: "Fuzz", calcomEventTypeId: 1 } })).body.data.id;
  await api.request("POST", `/api/v1/calcom/agents/${real.agent}/connect`, { auth, body: { api_key: host.apiKey, api_base_url: api.sandboxUrl } });
  real.tool = (await createActiveTool(api, auth, { name: "calendar", type: "calcom", agentId: real.agent })).id;
});
afterAll(() => api?.close());

/** Percent-encodes the UTF-8 bytes of a value (lone surrogates included, which encodeURIComponent refuses). */
const encode = (s: string) =>
  [...Buffer.from(s, "utf8")].map((b) => (/[A-Za-z0-9_.~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).padStart(2, "0")}`)).join("");

const pathValue = fc.oneof(
  fc.constantFrom(...["agent", "tool"].map((k) => () => real[k]!)).map((f) => encode(f())),
  fc.uuid().map(encode),
  hostileString.map(encode),
  fc.constantFrom("%", "%FF%FE", "%E0%80%AF", "..", "%2e%2e%2f", "%00"), // raw: invalid percent-encoding and UTF-8
);

function queryString(value: unknown): string {
  if (!value || typeof value !== "object") return "";
  const params: string[] = [];
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === undefined) continue;
    params.push(`${encode(k)}=${encode(typeof v === "string" ? v : JSON.stringify(v) ?? "")}`);
  }
  return params.length ? `?${params.join("&")}` : "";
}

async function send(method: string, path: string, body?: string, headers: Record<string, string> = {}) {
  const res = await fetch(api.url + path, {
    method,
    headers: { ...auth, ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
    body,
    signal: AbortSignal.timeout(DEADLINE_MS),
  });
  const text = await res.text();
  return { status: res.status, text };
}

function expectWellFormedAnswer(res: { status: number; text: string }, what: string) {
  const cause = () => api.logs.filter((l) => l.includes("unhandled error")).at(-1)?.slice(0, 600) ?? "";
  expect(res.status, `${what} -> ${res.status} ${res.text.slice(0, 300)} ${res.status === 500 ? cause() : ""}`).not.toBe(500);
  expect(res.status, what).toBeLessThan(600);
  if (res.status >= 400) {
    let body: unknown;
    try {
      body = JSON.parse(res.text);
    } catch {
      throw new Error(`${what} -> ${res.status} with a body that is not JSON: ${JSON.stringify(res.text.slice(0, 200))}`);
    }
    expect(body, what).toMatchObject({ success: false, code: expect.any(String), message: expect.any(String) });
  }
}

describe("fuzzing every route of the contract", () => {
  it.each(contractRoutes)("%s", async (_key, route) => {
    const params = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
    const hasBody = route.method !== "GET" && route.method !== "DELETE";
    const urls = [api.sandboxUrl, "http://127.0.0.1:9", "file:///etc/passwd", "javascript:alert(1)"];
    await fc.assert(
      fc.asyncProperty(
        fc.tuple(...params.map(() => pathValue)),
        fc.oneof(arbitraryFor(route.query, { urls }), fc.dictionary(hostileString, hostileValue, { maxKeys: 3 })),
        hasBody ? arbitraryFor(route.body, { urls }) : fc.constant(undefined),
        async (values, query, body) => {
          let i = 0;
          const path = route.path.replace(/:(\w+)/g, () => values[i++]!) + queryString(query);
          const res = await send(route.method, path, body === undefined ? undefined : JSON.stringify(body));
          expectWellFormedAnswer(res, `${route.method} ${path.slice(0, 200)}`);
        },
      ),
      { numRuns: RUNS, seed: process.env.AGNI_FUZZ_SEED ? Number(process.env.AGNI_FUZZ_SEED) : undefined },
    );
  });

  it("leaves Object.prototype untouched and keeps answering", async () => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((await send("GET", "/health")).status).toBe(200);
  });
});

describe("hostile bodies and headers", () => {
  const target = () => ["POST", "/api/v1/agents/"] as const;

  it.each([
    ["invalid UTF-8", Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), "application/json", 400],
    ["JSON nested 100 000 deep", "[".repeat(100_000) + "]".repeat(100_000), "application/json", 400],
    ["a truncated document", '{"agentName": "x', "application/json", 400],
    ["a bare string", '"agentName"', "application/json", 400],
    ["plain text", "agentName=x", "text/plain", 415],
    ["a form", "agentName=x", "application/x-www-form-urlencoded", 415],
    ["multipart", "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--b--", "multipart/form-data; boundary=b", 415],
    ["an unknown charset", '{"agentName":"x"}', "application/json; charset=ebcdic", 415],
    ["a body over the size limit", JSON.stringify({ agentName: "x".repeat(2_000_000) }), "application/json", 413],
  ])("answers %s with the envelope", async (_what, body, contentType, status) => {
    const [method, path] = target();
    const res = await fetch(api.url + path, { method, headers: { ...auth, "content-type": contentType }, body, signal: AbortSignal.timeout(DEADLINE_MS) });
    const text = await res.text();
    expect(res.status, text.slice(0, 200)).toBe(status);
    expect(JSON.parse(text)).toMatchObject({ success: false, code: expect.any(String) });
  });

  /** `levels` objects nested inside one another: {"a":{"a":…{}}}. */
  const nested = (levels: number): string => '{"a":'.repeat(levels - 1) + "{}" + "}".repeat(levels - 1);
  const deepAgent = (settingsLevels: number) => `{"agentName":"Deep","settings":${nested(settingsLevels)}}`;

  it("refuses JSON nested past the depth limit (3000 levels inside settings, ~15 KB) with 400 before it reaches a handler", async () => {
    const body = deepAgent(3000);
    expect(body.length).toBeLessThan(20_000);
    const agent = (await send("POST", "/api/v1/agents/", '{"agentName":"Shallow"}')).text;
    const agentId = JSON.parse(agent).data.id as string;
    const targets: Array<[string, string, string]> = [
      ["POST", "/api/v1/agents/", body],
      ["PATCH", `/api/v1/agents/${agentId}`, `{"settings":${nested(3000)}}`],
      ["POST", "/api/v1/tools/", `{"name":"deep","type":"function","definition":{"parameters":${nested(3000)}}}`],
      ["POST", `/api/v1/tools/${real.tool}/invoke?format=retell`, `{"args":${"[".repeat(3000)}${"]".repeat(3000)}}`],
      ["POST", `/mcp?agent_id=${real.agent}`, `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":${nested(3000)}}`],
    ];
    const before = await api.prisma.agent.count();
    for (const [method, path, deep] of targets) {
      const res = await send(method, path, deep, { accept: "application/json, text/event-stream" });
      expect(res.status, `${method} ${path}: ${res.text.slice(0, 200)}`).toBe(400);
      expect(JSON.parse(res.text)).toMatchObject({ success: false, code: "INVALID_REQUEST", message: "The JSON body is nested too deeply: at most 32 levels of objects and arrays" });
    }
    expect(await api.prisma.agent.count()).toBe(before);
    expect(api.logs.join("")).not.toMatch(/Maximum call stack|unhandled error/);
  });

  it("accepts a body nested exactly to the limit and refuses one level more, in objects and arrays alike", async () => {
    // The body is level 1, settings level 2, …: 31 levels in settings make 32.
    expect((await send("POST", "/api/v1/agents/", deepAgent(31))).status).toBe(201);
    expect((await send("POST", "/api/v1/agents/", deepAgent(32))).status).toBe(400);
    const arrays = (levels: number) => `{"agentName":"Arrays","settings":{"a":${"[".repeat(levels)}${"]".repeat(levels)}}}`;
    expect((await send("POST", "/api/v1/agents/", arrays(30))).status).toBe(201);
    expect((await send("POST", "/api/v1/agents/", arrays(31))).status).toBe(400);
  });

  it("takes its depth limit from the configuration (AGNI_JSON_MAX_DEPTH)", async () => {
    const strict = await startTestApi({ config: { jsonMaxDepth: 4 } });
    try {
      const { auth: strictAuth } = await strict.org();
      const post = (body: string) => strict.request("POST", "/api/v1/agents/", { auth: strictAuth, body });
      expect((await post(deepAgent(3))).status).toBe(201);
      const refused = await post(deepAgent(4));
      expect(refused.status).toBe(400);
      expect(refused.body.message).toBe("The JSON body is nested too deeply: at most 4 levels of objects and arrays");
    } finally {
      await strict.close();
    }
  }, 60_000);

  it("answers a URL over Node's header limit with 431 in the envelope", async () => {
    const res = await send("GET", `/api/v1/agents/?q=${"x".repeat(20_000)}`);
    expect(res.status).toBe(431);
    expect(JSON.parse(res.text)).toMatchObject({ success: false, code: "HEADERS_TOO_LARGE" });
    expect((await send("GET", "/health")).status).toBe(200);
  });

  it("does not let a __proto__ body pollute objects", async () => {
    const res = await send("POST", "/api/v1/agents/", '{"agentName":"Proto","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}');
    expect([201, 400]).toContain(res.status); // refused as unknown keys, or created without them
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSON.stringify(JSON.parse(res.text))).not.toContain("polluted");
  });
});

describe("times as they were said", () => {
  let agentId: string; // its own agent: the fuzzing above may delete the shared one
  beforeAll(async () => {
    agentId = (await setUpCalendarAgent(api.url, auth, { it: api.sandbox, url: api.sandboxUrl }, "Times", ["book", "reschedule"])).agent.id;
  });

  it.each([
    ["an offset past +14:00", "2031-03-04T10:00+25:00"],
    ["an offset past -14:00", "2031-03-04T10:00-14:30"],
    ["an offset of 60 minutes", "2031-03-04T10:00+05:60"],
    ["seconds", "2031-03-04T11:00:30"],
    ["seconds with an offset", "2031-03-04T11:00:30+01:00"],
    ["a fraction of a second", "2031-03-04T11:00:00.5Z"],
    ["a year out of range", "9999-03-04T10:00Z"],
    ["a six-digit year", "+010000-03-04T10:00:00Z"],
  ])("refuses %s with 400 naming appointment_datetime", async (_what, value) => {
    for (const action of ["book", "reschedule"]) {
      const body = { action, agent_id: agentId, timezone: "UTC", name: "T", email: "t@example.com", appointment_id: "a1", appointment_datetime: value };
      const res = await send("POST", "/api/v1/calcom/appointments/manage", JSON.stringify(body));
      expect(res.status, res.text).toBe(400);
      expect(JSON.parse(res.text)).toMatchObject({ success: false, code: "INVALID_REQUEST", details: { field: "appointment_datetime" } });
    }
  });
});

describe("fan-out: one request carrying many calls", () => {
  const CAP = 10; // AGNI_MAX_CALLS_PER_REQUEST's default
  const name = fc.oneof(fc.constantFrom("suggest_appointment_times", "check_availability", "book_appointment", "cancel_appointment"), hostileString);
  const args = fc.oneof(fc.constant({ timezone: "UTC" }), fc.dictionary(hostileString, hostileValue, { maxKeys: 3 }));

  it("answers any number of Vapi tool calls or MCP batch requests without a 500, and runs none of them past the cap", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 150 }), fc.boolean(), name, args, async (n, viaMcp, fn, fnArgs) => {
        const mark = api.sandbox.requests.at(-1);
        const res = viaMcp
          ? await send("POST", `/mcp?agent_id=${real.agent}`, JSON.stringify(Array.from({ length: n }, (_, i) => ({ jsonrpc: "2.0", id: i, method: "tools/call", params: { name: fn, arguments: fnArgs } }))), {
              accept: "application/json, text/event-stream",
            })
          : await send("POST", `/api/v1/tools/${real.tool}/invoke?format=vapi`, JSON.stringify({ message: { toolCallList: Array.from({ length: n }, (_, i) => ({ id: `tc_${i}`, function: { name: fn, arguments: fnArgs } })) } }));
        const what = `${n} calls of ${JSON.stringify(fn).slice(0, 40)} via ${viaMcp ? "MCP" : "Vapi"}`;
        expect(res.status, `${what} -> ${res.text.slice(0, 300)}`).not.toBe(500);
        expect(res.status, what).toBeLessThan(600);
        const body = res.text ? JSON.parse(res.text) : undefined; // an MCP batch without requests is a bare 202
        if (n > CAP) {
          expect(api.sandbox.requests.at(-1), `${what} reached Cal.com`).toBe(mark);
          // Refused whole: in the route's shape (a JSON-RPC error; Vapi's results, one per call), or in the envelope when
          // the body itself is refused first (text PostgreSQL cannot store, arguments that are not JSON).
          expect(res.status, what).toBeLessThan(500);
          if (body.success === false) expect(body, what).toMatchObject({ code: expect.any(String), message: expect.any(String) });
          else if (viaMcp) expect(body, what).toMatchObject({ jsonrpc: "2.0", id: null, error: { code: -32600 } });
          else expect(body.results, what).toHaveLength(n);
        }
      }),
      { numRuns: RUNS, seed: process.env.AGNI_FUZZ_SEED ? Number(process.env.AGNI_FUZZ_SEED) : undefined },
    );
  });
});
