import { describe, expect, it } from "vitest";
import { CalcomRateLimitError, createCalcomClient, MemoryRateLimitStore } from "./index";
import { json, scriptedServer } from "../test/http-server";
import { fakeFetch, success, virtualClock } from "../test/virtual-clock";

const ME = { status: "success", data: { id: 1, username: "u", email: "u@example.com", timeZone: "UTC" } };

describe("client-side request budget", () => {
  it("queues a burst so that no window ever holds more than the limit, at the budget's pace", async () => {
    const time = virtualClock();
    const sends: number[] = [];
    const cal = fakeFetch(() => {
      sends.push(time.now());
      return success(ME.data);
    });
    const client = createCalcomClient({
      apiKey: "cal_test_burst",
      baseUrl: "https://cal.test",
      fetch: cal.fetch,
      clock: time.clock,
      rateLimit: { limit: 20, windowMs: 1_000, marginMs: 500, store: new MemoryRateLimitStore() },
    });
    await time.run(Promise.all(Array.from({ length: 60 }, () => client.me.get())));
    expect(cal.calls).toHaveLength(60);
    expect(new Set(cal.calls.map((c) => new URL(c.url).pathname))).toEqual(new Set(["/v2/me"]));
    // 60 calls at 20 per (1000 + 500) ms: three batches, each a full window (plus the 1 ms wake-up) after the last.
    const batches = [0, 20, 40].map((i) => sends.slice(i, i + 20));
    for (const batch of batches) expect(new Set(batch).size).toBe(1);
    expect(batches.map((b) => b[0]! - sends[0]!)).toEqual([0, 1_501, 3_002]);
    // Places are taken a window-plus-margin apart per 20, so no window of Cal.com's (1000 ms here) sees more than 20.
    for (const t of sends) expect(sends.filter((u) => u >= t && u < t + 1_500).length).toBeLessThanOrEqual(20);
  });

  it("fails fast, without sending, when the wait would exceed maxWaitMs", async () => {
    const s = await scriptedServer(json(200, ME));
    try {
      const client = createCalcomClient({ apiKey: "cal_test_full", baseUrl: s.url, rateLimit: { limit: 2, windowMs: 60_000, maxWaitMs: 100, store: new MemoryRateLimitStore() } });
      await client.me.get();
      await client.me.get();
      const err = await client.me.get().catch((e) => e);
      expect(err).toBeInstanceOf(CalcomRateLimitError);
      expect(err.code).toBe("CLIENT_RATE_LIMIT");
      expect(s.seen).toHaveLength(2);
    } finally {
      await s.close();
    }
  });

  it("holds each caller to its share of a key's budget, leaving the rest to the others", async () => {
    const s = await scriptedServer(json(200, ME));
    try {
      const store = new MemoryRateLimitStore();
      const client = (id: string) =>
        createCalcomClient({ apiKey: "cal_test_shared", baseUrl: s.url, rateLimit: { limit: 3, windowMs: 60_000, maxWaitMs: 100, store, share: { id, limit: 2 } } });
      const [a, b] = [client("agent-a"), client("agent-b")];
      await a.me.get();
      await a.me.get();
      const spent = await a.me.get().catch((e) => e);
      expect(spent).toBeInstanceOf(CalcomRateLimitError);
      expect(spent.message).toMatch(/share of the request budget for this Cal\.com API key \(2 of 3 per 61 s\)/);
      await b.me.get(); // the key still has room, and b has its own share
      expect(await b.me.get().catch((e) => e)).toBeInstanceOf(CalcomRateLimitError); // now the key is full (3)
      expect(s.seen).toHaveLength(3);
    } finally {
      await s.close();
    }
  });

  it("keys budgets by API key, and never stores the key itself", async () => {
    const store = new MemoryRateLimitStore();
    const keys: string[] = [];
    const spy = { take: (key: string, ...rest: [number, number, number]) => (keys.push(key), store.take(key, ...rest)) };
    const s = await scriptedServer(json(200, ME));
    try {
      await createCalcomClient({ apiKey: "cal_test_aaaa", baseUrl: s.url, rateLimit: { store: spy } }).me.get();
      await createCalcomClient({ apiKey: "cal_test_bbbb", baseUrl: s.url, rateLimit: { store: spy } }).me.get();
      expect(new Set(keys).size).toBe(2);
      expect(keys.join()).not.toContain("cal_test");
    } finally {
      await s.close();
    }
  });
});
