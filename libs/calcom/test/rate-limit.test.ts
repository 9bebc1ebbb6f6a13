import { describe, expect, it } from "vitest";
import { CalcomRateLimitError, createCalcomClient, MemoryRateLimitStore } from "../src/index";
import { json, scriptedServer } from "./http-server";

const ME = { status: "success", data: { id: 1, username: "u", email: "u@example.com", timeZone: "UTC" } };

describe("client-side request budget", () => {
  it("queues a burst so that no window ever holds more than the limit, at the budget's pace", async () => {
    const s = await scriptedServer(json(200, ME));
    const sends: number[] = [];
    const recordingFetch: typeof fetch = (input, init) => {
      sends.push(Date.now());
      return fetch(input, init);
    };
    try {
      const client = createCalcomClient({
        apiKey: "cal_test_burst",
        baseUrl: s.url,
        fetch: recordingFetch,
        rateLimit: { limit: 20, windowMs: 1_000, marginMs: 500, store: new MemoryRateLimitStore() },
      });
      const started = Date.now();
      await Promise.all(Array.from({ length: 60 }, () => client.me.get()));
      const elapsed = Date.now() - started;
      expect(s.seen).toHaveLength(60);
      // 60 calls at 20 per (1000 + 500) ms: the third batch cannot start before 3000 ms.
      expect(elapsed).toBeGreaterThanOrEqual(3000);
      // Places are taken 1500 ms apart per 20; the margin absorbs the time between taking a place and the request
      // leaving (on a loaded CI machine that has exceeded 150 ms), so no 1000 ms window (Cal.com's, here) ever sees
      // more than 20.
      for (const t of sends) expect(sends.filter((u) => u >= t && u < t + 1_000).length).toBeLessThanOrEqual(20);
      expect(new Set(s.seen.map((r) => r.url))).toEqual(new Set(["/v2/me"]));
    } finally {
      await s.close();
    }
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
