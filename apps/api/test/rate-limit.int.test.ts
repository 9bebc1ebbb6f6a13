import { randomInt, randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryRateLimitStore, type RateLimitStore } from "@agni/calcom";
import { type Database, openDatabase } from "../src/db/database";
import { PgRateLimitStore } from "../src/modules/calcom/calcom-budgets.repository";
import { createRedisStores, RedisRateLimitStore, type SharedStores } from "../src/lib/redis-stores";
import { createTestDatabase, TEST_DATABASE_KIND } from "./support/test-database";
import { startTestApi, type TestApi } from "./support/test-api";
import { createActiveTool } from "./support/tools";

// Redis runs on 127.0.0.1:6379 on development and CI machines (.ci/run starts it when it is down).
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const AGENTS = "/api/v1/agents/";

async function mintKey(api: TestApi, auth: Record<string, string>): Promise<Record<string, string>> {
  const created = await api.request("POST", "/api/v1/api-keys", { auth, body: { name: `k-${randomUUID()}` } });
  return { "x-api-key": created.body.data.key as string };
}

describe("per-credential rate limit on our API", () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ config: { rateLimit: 5 } });
  });
  afterAll(() => api?.close());

  it("counts down in RateLimit-* headers, then refuses with 429 RATE_LIMITED and Retry-After, per API key", async () => {
    const { auth } = await api.org();
    const keyA = await mintKey(api, auth);
    const keyB = await mintKey(api, auth);

    const remaining: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await api.request("GET", AGENTS, { auth: keyA });
      expect(res.status).toBe(200);
      expect(res.headers.get("ratelimit-limit")).toBe("5");
      expect(res.headers.get("ratelimit-policy")).toBe("5;w=60");
      remaining.push(res.headers.get("ratelimit-remaining")!);
    }
    expect(remaining).toEqual(["4", "3", "2", "1", "0"]);

    const refused = await api.request("GET", AGENTS, { auth: keyA });
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ success: false, code: "RATE_LIMITED" });
    expect(refused.body.message).toMatch(/try again in \d+ seconds/);
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.body.details.retry_after_seconds).toBe(retryAfter);

    // Another key of the same organisation has its own budget.
    expect((await api.request("GET", AGENTS, { auth: keyB })).status).toBe(200);
  });

  it("limits each JWT subject on its own: another organisation is unaffected", async () => {
    const { auth } = await api.org();
    for (let i = 0; i < 5; i++) expect((await api.request("GET", AGENTS, { auth })).status).toBe(200);
    expect((await api.request("GET", AGENTS, { auth })).status).toBe(429);
    const other = await api.org();
    expect((await api.request("GET", AGENTS, { auth: other.auth })).status).toBe(200);
  });

  it("leaves unauthenticated health checks unlimited", async () => {
    for (let i = 0; i < 8; i++) expect((await api.request("GET", "/health")).status).toBe(200);
  });
});

/** An address of its own for one test, sent as a trusted proxy would (the tests' client is on loopback). */
const clientAddress = () => ({ "x-forwarded-for": `10.${randomInt(256)}.${randomInt(256)}.${1 + randomInt(254)}` });
const BAD_KEY = { "x-api-key": "agni_not-a-real-key-0000000000000000" };

describe("failed authentication per client address", () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ config: { authFailureLimit: 5, trustProxy: ["loopback"] } });
  });
  afterAll(() => api?.close());
  const get = (auth: Record<string, string>, client: Record<string, string>) => api.request("GET", AGENTS, { auth, headers: client });

  it("refuses an address with 429 RATE_LIMITED and Retry-After after too many failures, whatever it sends then; other addresses are unaffected", async () => {
    const client = clientAddress();
    const { auth } = await api.org();
    const failures: Record<string, string>[] = [BAD_KEY, { authorization: "Bearer not.a.jwt" }, {}, BAD_KEY, BAD_KEY];
    for (const credentials of failures) expect((await get(credentials, client)).status).toBe(401);
    const refused = await get(BAD_KEY, client);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ success: false, code: "RATE_LIMITED", message: expect.stringMatching(/^Too many failed authentication attempts from this address; try again in \d+ seconds$/) });
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // While refused, a right guess is not confirmed either.
    expect((await get(auth, client)).status).toBe(429);
    const elsewhere = clientAddress();
    expect((await get(BAD_KEY, elsewhere)).status).toBe(401);
    expect((await get(auth, elsewhere)).status).toBe(200);
    expect((await api.request("GET", "/health", { headers: client })).status).toBe(200);
  });

  it("counts failures only: any number of successful requests leave the budget whole", async () => {
    const client = clientAddress();
    const { auth } = await api.org();
    for (let i = 0; i < 20; i++) expect((await get(auth, client)).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await get(BAD_KEY, client)).status).toBe(401);
    expect((await get(BAD_KEY, client)).status).toBe(429);
  });

  it("counts parallel failures exactly", async () => {
    const client = clientAddress();
    const answers = await Promise.all(Array.from({ length: 20 }, () => get(BAD_KEY, client)));
    expect(answers.map((r) => r.status).sort()).toEqual([...Array(5).fill(401), ...Array(15).fill(429)]);
  });

  it("takes the address from the connection unless the peer is a trusted proxy (AGNI_TRUST_PROXY)", async () => {
    const direct = await startTestApi({ config: { authFailureLimit: 3 } });
    try {
      // Without a trusted proxy, a forged X-Forwarded-For does not make a new client.
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push((await direct.request("GET", AGENTS, { auth: BAD_KEY, headers: clientAddress() })).status);
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
    } finally {
      await direct.close();
    }
  }, 60_000);
});

describe("budgets shared through Redis (REDIS_URL)", () => {
  let stores: SharedStores[];
  beforeAll(() => {
    stores = [createRedisStores(REDIS_URL), createRedisStores(REDIS_URL)];
  });
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
  });

  it("two API replicas spend one credential's request budget together", async () => {
    const [one, two] = await Promise.all(stores.map((s) => startTestApi({ config: { rateLimit: 4 }, stores: s })));
    try {
      // Each test replica has its own database, so an API key from one is unknown to the other; a JWT is valid on
      // both and its budget key (organisation and subject) is the same on both.
      const orgId = `org_${randomUUID()}`;
      const auth = { authorization: `Bearer ${await one!.token({ org_id: orgId })}` };
      const statuses = [];
      for (const api of [one!, two!, one!, two!, one!, two!]) statuses.push((await api.request("GET", AGENTS, { auth })).status);
      expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    } finally {
      await Promise.all([one?.close(), two?.close()]);
    }
  }, 90_000);

  it("two API replicas count one address's failed authentications together", async () => {
    const [one, two] = await Promise.all(stores.map((s) => startTestApi({ config: { authFailureLimit: 4, trustProxy: ["loopback"] }, stores: s })));
    try {
      const client = clientAddress();
      const statuses = [];
      for (const api of [one!, two!, one!, two!, one!, two!]) statuses.push((await api.request("GET", AGENTS, { auth: BAD_KEY, headers: client })).status);
      expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
    } finally {
      await Promise.all([one?.close(), two?.close()]);
    }
  }, 90_000);

  it("the Cal.com budget per key is one rolling window across stores (Redis)", async () => {
    const redis = [new Redis(REDIS_URL), new Redis(REDIS_URL)];
    try {
      const prefix = `agni-test:${randomUUID()}:`;
      const [s1, s2] = redis.map((r) => new RedisRateLimitStore(r, prefix));
      await expectOneRollingWindow(s1!, s2!);
      await expectSharesOfOneKey(s1!, s2!);
    } finally {
      redis.forEach((r) => r.disconnect());
    }
  });
});

describe("Cal.com budget in memory", () => {
  it("holds each caller to its share of a key's budget", async () => {
    const store = new MemoryRateLimitStore();
    await expectSharesOfOneKey(store, store);
  });
});

describe(`Cal.com budget in the database (${TEST_DATABASE_KIND})`, () => {
  let db: Database & { url?: string };
  let other: Database | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
    // Two replicas: on PostgreSQL, two connection pools; PGlite is one process's database.
    if (db.url) other = await openDatabase({ databaseUrl: db.url, migrate: false });
  });
  afterAll(async () => {
    await other?.close();
    await db?.close();
  });

  it("is one rolling window across stores, and exact under concurrency", async () => {
    const [s1, s2] = [new PgRateLimitStore(db.prisma), new PgRateLimitStore((other ?? db).prisma)];
    await expectOneRollingWindow(s1, s2);
    await expectSharesOfOneKey(s1, s2);
    const t0 = Date.now();
    const waits = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? s1 : s2).take("calcom:race", 5, 60_000, t0 + i)));
    expect(waits.filter((w) => w === 0)).toHaveLength(5);
    const sent = async () => (await db.prisma.calcomBudget.findUniqueOrThrow({ where: { key: "calcom:race" } })).sentAt;
    expect(await sent()).toHaveLength(5);
    // Entries leave with the window: a key's row holds at most one window.
    expect(await s1.take("calcom:race", 5, 60_000, t0 + 60_100)).toBe(0);
    expect(await sent()).toEqual([BigInt(t0 + 60_100)]);
  });
});

/**
 * An organisation whose agents share one org-level Cal.com account (one key, one budget), each with an active
 * calendar tool, and an API key to call with (its own request budget).
 */
async function agentsOnOneKey(api: TestApi, count: number) {
  const { auth } = await api.org();
  const host = api.calcomUser("UTC");
  const eventType = api.sandbox.addEventType(host.id, { title: "Call", slug: `call-${host.id}`, lengthInMinutes: 30 } as never) as { id: number };
  const account = (await api.request("POST", "/api/v1/calcom/connect", { auth, body: { api_key: host.apiKey, api_base_url: api.sandboxUrl } })).body.data.provider_id;
  const agents: { id: string; tool: string }[] = [];
  for (let i = 0; i < count; i++) {
    const agent = (await api.request("POST", "/api/v1/agents/", { auth, body: { agentName: `Agent ${i}`, calcomEventTypeId: eventType.id } })).body.data;
    expect((await api.request("PUT", `/api/v1/calcom/agents/${agent.id}/account`, { auth, body: { calcom_account_id: account } })).status).toBe(200);
    const tool = await createActiveTool(api, auth, { name: "calendar", type: "calcom", agentId: agent.id, enabledFunctions: { values: ["suggest", "availability"] } });
    agents.push({ id: agent.id, tool: tool.id });
  }
  return { auth, agents, key: await mintKey(api, auth) };
}

/** A Vapi tool-calls webhook body carrying `n` calls of `suggest_appointment_times`. */
const vapiCalls = (n: number) => ({
  message: { type: "tool-calls", call: { id: `vapi-${randomUUID()}` }, toolCallList: Array.from({ length: n }, (_, i) => ({ id: `tc_${i}`, type: "function", function: { name: "suggest_appointment_times", arguments: { timezone: "UTC" } } })) },
});
const mcpCalls = (n: number) => Array.from({ length: n }, (_, i) => ({ jsonrpc: "2.0", id: i + 1, method: "tools/call", params: { name: "suggest_appointment_times", arguments: { timezone: "UTC" } } }));

const invoke = (api: TestApi, auth: Record<string, string>, toolId: string, body: unknown) =>
  api.request("POST", `/api/v1/tools/${toolId}/invoke?format=vapi&function=suggest_appointment_times`, { auth, body });
const mcpPost = (api: TestApi, auth: Record<string, string>, agentId: string, body: unknown) =>
  api.request("POST", `/mcp?agent_id=${agentId}`, { auth, headers: { accept: "application/json, text/event-stream" }, body });

describe("one request, many calls (fan-out)", () => {
  const LIMIT = 30;
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ config: { rateLimit: LIMIT } });
  });
  afterAll(() => api?.close());

  it("refuses more than 10 calls in one invoke (Vapi's own shape) or one MCP batch (a JSON-RPC error), before any Cal.com call", async () => {
    const { agents, key } = await agentsOnOneKey(api, 1);
    const [agent] = agents;
    const before = api.sandbox.requests.length;

    const vapi = await invoke(api, key, agent!.tool, vapiCalls(11));
    expect(vapi.status).toBe(200);
    expect(vapi.body).toEqual({ results: Array.from({ length: 11 }, (_, i) => ({ toolCallId: `tc_${i}`, result: "That's more calendar requests than I can take at once: I can handle up to 10 at a time." })) });
    const batch = await mcpPost(api, key, agent!.id, mcpCalls(11));
    expect(batch.status).toBe(400);
    expect(batch.body).toEqual({
      jsonrpc: "2.0",
      id: null,
      error: { code: -32600, message: "Invalid Request: a batch may carry at most 10 requests; send the rest in another POST", data: { request_id: batch.headers.get("x-request-id") } },
    });
    expect(api.sandbox.requests.length).toBe(before);

    // Up to the cap, every call is answered.
    const ten = await invoke(api, key, agent!.tool, vapiCalls(10));
    expect(ten.body.results.map((r: { result: string }) => r.result)).toEqual(Array(10).fill(expect.stringMatching(/^I can offer /)));
  });

  it("counts every call of a request against the caller's budget, and refuses a request whose calls exceed what is left", async () => {
    const { agents, key } = await agentsOnOneKey(api, 1);
    const [agent] = agents;
    const remaining = (res: { headers: Headers }) => Number(res.headers.get("ratelimit-remaining"));

    const five = await invoke(api, key, agent!.tool, vapiCalls(5));
    expect(five.body.results).toHaveLength(5);
    expect(remaining(five)).toBe(LIMIT - 5);
    expect(remaining(await api.request("GET", AGENTS, { auth: key }))).toBe(LIMIT - 6);
    const batch = await mcpPost(api, key, agent!.id, mcpCalls(3));
    expect(batch.status).toBe(200);
    expect(batch.body).toHaveLength(3);
    expect(remaining(batch)).toBe(LIMIT - 9);

    while (remaining(await api.request("GET", AGENTS, { auth: key })) > 3);
    const before = api.sandbox.requests.length;
    const refused = await invoke(api, key, agent!.tool, vapiCalls(4));
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ success: false, code: "RATE_LIMITED" });
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(api.sandbox.requests.length).toBe(before);
  });
});

describe("one agent flooding a shared Cal.com key does not starve the others", () => {
  let redis: Redis;
  let budgetDb: Database;
  beforeAll(async () => {
    redis = new Redis(REDIS_URL);
    budgetDb = await createTestDatabase();
  });
  afterAll(async () => {
    redis?.disconnect();
    await budgetDb?.close();
  });

  const stores: [string, () => RateLimitStore | undefined][] = [
    ["memory", () => undefined],
    ["Redis", () => new RedisRateLimitStore(redis, `agni-test:${randomUUID()}:`)],
    [TEST_DATABASE_KIND, () => new PgRateLimitStore(budgetDb.prisma)],
  ];
  it.each(stores)("with the budget in %s", async (_where, store) => {
    // 10 requests per minute on the key; each agent may spend half of it.
    // The slot cache off: every suggest spends from the key's budget.
    const api = await startTestApi({ config: { calcomRateLimit: 10, slotCacheTtlMs: 0 }, stores: { calcom: store() } });
    try {
      const { agents, key } = await agentsOnOneKey(api, 2);
      const [a, b] = agents;
      const before = api.sandbox.requests.length;
      // Agent A: three webhook requests of ten calls each, at once.
      const flood = await Promise.all([1, 2, 3].map(() => invoke(api, key, a!.tool, vapiCalls(10))));
      const results = flood.flatMap((r) => r.body.results.map((x: { result: string }) => x.result));
      expect(results.some((r) => /^I can offer /.test(r))).toBe(true);
      expect(results.filter((r) => /^The calendar is busy right now/.test(r)).length).toBeGreaterThan(20);
      const byA = api.sandbox.requests.length - before;
      expect(byA).toBeLessThanOrEqual(5);

      // Agent B on the same key still gets its answer, from Cal.com.
      const answered = await api.request("POST", "/api/v1/calcom/appointments/manage", { auth: key, body: { action: "suggest", agent_id: b!.id, timezone: "UTC" } });
      expect(answered.status, JSON.stringify(answered.body)).toBe(200);
      expect(answered.body.message).toMatch(/^I can offer /);
      expect(api.sandbox.requests.length - before).toBeGreaterThan(byA);
    } finally {
      await api.close();
    }
  });
});

/** Two stores over one backend spend one budget: 3 per second here. */
async function expectOneRollingWindow(s1: RateLimitStore, s2: RateLimitStore) {
  const t0 = Date.now();
  expect(await s1.take("calcom:k", 3, 1_000, t0)).toBe(0);
  expect(await s2.take("calcom:k", 3, 1_000, t0 + 10)).toBe(0);
  expect(await s1.take("calcom:k", 3, 1_000, t0 + 20)).toBe(0);
  expect(await s2.take("calcom:k", 3, 1_000, t0 + 30)).toBe(970); // the first request leaves the window at t0+1000
  expect(await s1.take("calcom:k", 3, 1_000, t0 + 1_001)).toBe(0);
  expect(await s2.take("calcom:other", 3, 1_000, t0 + 1_001)).toBe(0); // each Cal.com key has its own budget
}

/** Per-caller shares of one key: 3 per second for the key, at most 2 of them per agent. */
async function expectSharesOfOneKey(s1: RateLimitStore, s2: RateLimitStore) {
  const [a, b] = [{ id: "agent-a", limit: 2 }, { id: "agent-b", limit: 2 }];
  const t0 = Date.now();
  expect(await s1.take("calcom:shared", 3, 1_000, t0, a)).toBe(0);
  expect(await s2.take("calcom:shared", 3, 1_000, t0 + 10, a)).toBe(0);
  expect(await s1.take("calcom:shared", 3, 1_000, t0 + 20, a)).toBe(980); // a's share is spent until its first leaves
  expect(await s2.take("calcom:shared", 3, 1_000, t0 + 30, b)).toBe(0); // b still gets a place
  expect(await s1.take("calcom:shared", 3, 1_000, t0 + 40, b)).toBe(960); // the key is full
  expect(await s2.take("calcom:shared", 3, 1_000, t0 + 50)).toBe(950); // for callers without a share too
  expect(await s1.take("calcom:shared", 3, 1_000, t0 + 1_001, b)).toBe(0); // a's first left: b's second
  expect(await s2.take("calcom:shared", 3, 1_000, t0 + 1_002, a)).toBe(8); // room for a, but not in the key
  expect(await s1.take("calcom:shared", 3, 1_000, t0 + 1_011, a)).toBe(0);
}
