import { describe, expect, it } from "vitest";
import { CalcomRateLimitError, createCalcomClient, MemoryRateLimitStore } from "../src/index";
import { json, scriptedServer } from "./http-server";

const ME = { status: "success", data: { id: 1, username: "u", email: "u@example.com", timeZone: "UTC" } };

describe("client-side request budget", () => {
  it("queues a burst so that no window ever holds more than the limit, at the budget's pace", async () => {
    const arrivals: number[] = [];
    const s = await scriptedServer((req, res) => {
      arrivals.push(Date.now());
      json(200, ME)(req, res);
    });
    try {
      const client = createCalcomClient({ apiKey: "cal_test_burst", baseUrl: s.url, rateLimit: { limit: 20, windowMs: 500, marginMs: 150, store: new MemoryRateLimitStore() } });
      const started = Date.now();
      await Promise.all(Array.from({ length: 60 }, () => client.me.get()));
      const elapsed = Date.now() - started;
      expect(arrivals).toHaveLength(60);
      // 60 calls at 20 per (500 + 150) ms: the third batch cannot start before 1300 ms.
      expect(elapsed).toBeGreaterThanOrEqual(1300);
      expect(elapsed).toBeLessThan(3000);
      for (const t of arrivals) {
        const inWindow = arrivals.filter((u) => u >= t && u < t + 500).length;
        expect(inWindow).toBeLessThanOrEqual(20);
      }
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

  it("keys budgets by API key, and never stores the key itself", async () => {
    const store = new MemoryRateLimitStore();
    const keys: string[] = [];
    const spy = { reserve: (key: string, ...rest: [number, number, number, number]) => (keys.push(key), store.reserve(key, ...rest)) };
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
