import { describe, expect, it } from "vitest";
import { OrgCache } from "./org-cache";

describe("OrgCache", () => {
  it("loads once, then serves from memory until the organisation writes", async () => {
    const cache = new OrgCache();
    let loads = 0;
    const load = async () => ++loads;
    expect(await cache.get("o1", "k", load)).toBe(1);
    expect(await cache.get("o1", "k", load)).toBe(1);
    expect(await cache.get("o2", "k", load)).toBe(2); // other organisations have their own entries
    cache.invalidate("o1");
    expect(await cache.get("o1", "k", load)).toBe(3);
    expect(await cache.get("o2", "k", load)).toBe(2);
  });

  it("does not store a read that raced a write", async () => {
    const cache = new OrgCache();
    let release!: () => void;
    const slow = cache.get("o1", "k", () => new Promise<string>((resolve) => (release = () => resolve("old"))));
    cache.invalidate("o1"); // a write lands while the read is in flight
    release();
    expect(await slow).toBe("old");
    expect(await cache.get("o1", "k", async () => "new")).toBe("new");
  });

  it("does not cache failures, and expires entries after the TTL", async () => {
    let now = Date.UTC(2030, 0, 7);
    const cache = new OrgCache({ ttlMs: 20, now: () => now });
    await expect(cache.get("o1", "k", async () => Promise.reject(new Error("db down")))).rejects.toThrow("db down");
    expect(await cache.get("o1", "k", async () => "a")).toBe("a");
    now += 19;
    expect(await cache.get("o1", "k", async () => "b")).toBe("a");
    now += 1;
    expect(await cache.get("o1", "k", async () => "c")).toBe("c");
  });

  it("reads through while its invalidation bus is unhealthy and drops everything when told to", async () => {
    let healthy = true;
    let listener: (org: string | null) => void = () => undefined;
    const cache = new OrgCache({
      bus: { healthy: () => healthy, subscribe: (l) => void (listener = l), publish: async () => undefined, close: async () => undefined },
    });
    expect(await cache.get("o1", "k", async () => 1)).toBe(1);
    healthy = false;
    expect(await cache.get("o1", "k", async () => 2)).toBe(2);
    healthy = true;
    expect(await cache.get("o1", "k", async () => 3)).toBe(1);
    listener(null);
    expect(await cache.get("o1", "k", async () => 4)).toBe(4);
    listener("o1");
    expect(await cache.get("o1", "k", async () => 5)).toBe(5);
  });
});
