import { CalcomAuthError, CalcomRateLimitError, createCalcomClient } from "@agni/calcom";
import { afterEach, describe, expect, it } from "vitest";
import { createSandbox } from "./index";

let closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.map((c) => c()));
  closers = [];
});

async function start(options?: Parameters<typeof createSandbox>[0]) {
  const sandbox = createSandbox(options);
  const server = await sandbox.listen(0);
  closers.push(server.close);
  return { sandbox, url: server.url };
}

describe("GET /v2/me", () => {
  it("answers the key's user through the real Cal.com client", async () => {
    const { sandbox, url } = await start();
    const { user, apiKey } = sandbox.addUser({ username: "ada", timeZone: "America/New_York" });
    expect(apiKey).toMatch(/^cal_test_[0-9a-f]{32}$/);
    const me = await createCalcomClient({ apiKey, baseUrl: url }).me.get();
    expect(me).toMatchObject({ id: user.id, username: "ada", email: "ada@example.com", timeZone: "America/New_York" });
    expect(sandbox.addUser({ username: "live", live: true }).apiKey).toMatch(/^cal_live_/);
  });

  it("rejects unknown and revoked keys with Cal.com's 401 envelope (the throttler refuses a key it has not seen)", async () => {
    const { sandbox, url } = await start();
    const { apiKey } = sandbox.addUser({ username: "ada" });
    sandbox.revokeKey(apiKey);
    const res = await fetch(`${url}/v2/me`, { headers: { authorization: `Bearer ${apiKey}` } });
    expect(res.status).toBe(401);
    expect(res.headers.get("x-request-id")).toBeTruthy();
    expect(await res.json()).toMatchObject({
      status: "error",
      path: "/v2/me",
      error: { code: "UnauthorizedException", message: "CustomThrottlerGuard - Invalid API Key" },
    });
    await expect(createCalcomClient({ apiKey: "cal_test_nope", baseUrl: url }).me.get()).rejects.toBeInstanceOf(CalcomAuthError);
  });

  it("answers unknown routes like Nest does", async () => {
    const { url } = await start();
    const res = await fetch(`${url}/v2/nothing-here`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: "NotFoundException", message: "Cannot GET /v2/nothing-here" } });
  });
});

describe("rate limits", () => {
  it("sends the -Default headers and blocks the key with 429 once the minute's budget is spent", async () => {
    const { sandbox, url } = await start({ rateLimitPerMinute: 2 });
    const { apiKey } = sandbox.addUser({ username: "ada" });
    const get = () => fetch(`${url}/v2/me`, { headers: { authorization: `Bearer ${apiKey}` } });
    const first = await get();
    expect(first.headers.get("x-ratelimit-limit-default")).toBe("2");
    expect(first.headers.get("x-ratelimit-remaining-default")).toBe("1");
    expect(Number(first.headers.get("x-ratelimit-reset-default"))).toBeGreaterThan(0);
    expect(first.headers.get("retry-after")).toBeNull();
    await get();
    const limited = await get();
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({ error: { code: "ThrottlerException", message: "CustomThrottlerGuard - Too many requests. Please try again later." } });
    const err = await createCalcomClient({ apiKey, baseUrl: url }).me.get().catch((e) => e);
    expect(err).toBeInstanceOf(CalcomRateLimitError);
    expect(err.retryAfterMs).toBe(60_000);
  });
});

describe("fault injection", () => {
  it("fails or delays the next matching requests, then behaves again", async () => {
    const { sandbox, url } = await start();
    const { apiKey } = sandbox.addUser({ username: "ada" });
    sandbox.faults.inject({ path: "/v2/me", status: 503, times: 1 });
    const client = createCalcomClient({ apiKey, baseUrl: url, retryBaseMs: 1 });
    await expect(client.me.get()).resolves.toMatchObject({ username: "ada" }); // retried past the fault
    expect(sandbox.requests.filter((r) => r.path === "/v2/me")).toHaveLength(2);
    expect(sandbox.requests.every((r) => r.calApiVersion !== null && r.hadBearer)).toBe(true);

    sandbox.faults.inject({ delayMs: 300 });
    await expect(createCalcomClient({ apiKey, baseUrl: url, timeoutMs: 50, maxRetries: 0 }).me.get()).rejects.toMatchObject({ name: "CalcomTimeoutError" });
  });
});

describe("slot latency", () => {
  it("slotLatencyMs makes every slot lookup take at least that long", async () => {
    const { sandbox, url } = await start({ slotLatencyMs: 250 });
    const { user, apiKey } = sandbox.addUser({ username: "ada" });
    const eventType = sandbox.addEventType(user.id, { title: "Intro", slug: "intro", lengthInMinutes: 30 }) as { id: number };
    const client = createCalcomClient({ apiKey, baseUrl: url });
    const timed = async (run: () => Promise<unknown>) => {
      const t = performance.now();
      await run();
      return performance.now() - t;
    };
    const from = new Date().toISOString();
    const to = new Date(Date.now() + 7 * 86_400_000).toISOString();
    for (let i = 0; i < 2; i++) expect(await timed(() => client.slots.list({ eventTypeId: eventType.id, start: from, end: to }))).toBeGreaterThanOrEqual(245);
  });
});

describe("fault scoping", () => {
  it("reaches only the scoped key's requests, and clear(apiKey) leaves other keys' faults", async () => {
    const { sandbox, url } = await start();
    const a = sandbox.addUser({ username: "a" }).apiKey;
    const b = sandbox.addUser({ username: "b" }).apiKey;
    const me = (key: string) => fetch(`${url}/v2/me`, { headers: { authorization: `Bearer ${key}` } }).then((r) => r.status);
    sandbox.faults.inject({ apiKey: a, path: "/v2/me", status: 503, times: 10 });
    sandbox.faults.inject({ apiKey: b, path: "/v2/me", status: 502, times: 10 });
    expect(await me(a)).toBe(503);
    sandbox.faults.clear(a);
    expect(await me(a)).toBe(200);
    expect(await me(b)).toBe(502);
    sandbox.faults.clear();
    expect(await me(b)).toBe(200);
  });
});
