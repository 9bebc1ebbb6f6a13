import { describe, expect, it } from "vitest";
import { SlotCache, WINDOW_DAYS } from "./slot-cache";

// The cache's own rules, with a clock and a calendar version the test sets. Its behaviour through the API (Cal.com
// calls counted by the sandbox, both databases) is in test/slot-cache.int.test.ts.

const DAY = 86_400_000;
const NOW = Date.parse("2026-03-10T15:00:00Z");

function setUp(ttlMs?: number) {
  const state = { now: NOW, version: 1 as number | null, windows: [] as { start: Date; end: Date }[], errors: [] as unknown[] };
  const cache = new SlotCache({ ttlMs, version: async () => state.version, now: () => state.now, onRefreshError: (err) => state.errors.push(err) });
  /** Cal.com, as far as the cache sees it: one start per hour of the window. */
  const fetch = async (window: { start: Date; end: Date }) => {
    state.windows.push(window);
    const first = Math.ceil(window.start.getTime() / 3_600_000) * 3_600_000;
    return Array.from({ length: Math.floor((window.end.getTime() - first) / 3_600_000) + 1 }, (_, i) => new Date(first + i * 3_600_000));
  };
  const key = { accountId: "acc-1", eventTypeId: 7 };
  const week = { start: new Date(NOW), end: new Date(NOW + 7 * DAY) };
  return { state, cache, fetch, key, week };
}

describe("SlotCache", () => {
  it("fetches whole UTC days from now, WINDOW_DAYS at a time, and answers only the range asked", async () => {
    const { cache, fetch, key, week, state } = setUp();
    const { starts } = await cache.get(key, week, fetch);
    expect(state.windows).toEqual([{ start: week.start, end: new Date(Date.parse("2026-03-10T00:00:00Z") + WINDOW_DAYS * DAY - 1) }]);
    expect(starts[0]).toEqual(week.start);
    expect(starts.at(-1)).toEqual(week.end);
    // A range reaching further than the window is another entry, of twice the days.
    await cache.get(key, { start: week.start, end: new Date(NOW + 20 * DAY) }, fetch);
    expect(state.windows[1]!.end).toEqual(new Date(Date.parse("2026-03-10T00:00:00Z") + 2 * WINDOW_DAYS * DAY - 1));
    await cache.get(key, { start: new Date(NOW + DAY), end: new Date(NOW + 2 * DAY) }, fetch);
    expect(state.windows).toHaveLength(2);
  });

  it("refetches when the calendar version moves, and keeps nothing for an account that is gone", async () => {
    const { cache, fetch, key, week, state } = setUp();
    const first = await cache.get(key, week, fetch);
    state.now += 1_000;
    state.version = 2;
    const second = await cache.get(key, week, fetch);
    expect(state.windows).toHaveLength(2);
    expect(second.asOf.getTime()).toBe(first.asOf.getTime() + 1_000);
    state.version = null;
    await cache.get(key, week, fetch);
    await cache.get(key, week, fetch);
    expect(state.windows).toHaveLength(4);
  });

  it("with a TTL of 0 asks every time", async () => {
    const { cache, fetch, key, week, state } = setUp(0);
    for (let i = 0; i < 3; i++) await cache.get(key, week, fetch);
    expect(state.windows).toEqual(Array(3).fill(week));
  });

  it("forget drops one account's entries only", async () => {
    const { cache, fetch, key, week, state } = setUp();
    const other = { ...key, accountId: "acc-2" };
    await cache.get(key, week, fetch);
    await cache.get(other, week, fetch);
    cache.forget("acc-1");
    await cache.get(key, week, fetch);
    await cache.get(other, week, fetch);
    expect(state.windows).toHaveLength(3);
  });

  it("a failed fetch reaches every waiter and is not kept; a failed refresh keeps serving the entry until it expires", async () => {
    const { cache, fetch, key, week, state } = setUp(60_000);
    const down = () => Promise.reject(new Error("Cal.com is down"));
    await expect(Promise.all([cache.get(key, week, down), cache.get(key, week, down)])).rejects.toThrow("Cal.com is down");
    const first = await cache.get(key, week, fetch);
    state.now += 50_000;
    expect((await cache.get(key, week, down)).asOf).toEqual(first.asOf);
    await expect.poll(() => state.errors.length).toBe(1);
    state.now += 10_000;
    await expect(cache.get(key, week, down)).rejects.toThrow("Cal.com is down");
  });

  it("never replaces an entry with one fetched at an older version", async () => {
    const { cache, key, week, state } = setUp();
    let answer: (starts: Date[]) => void = () => {};
    const slow = () => new Promise<Date[]>((resolve) => (answer = resolve));
    const old = cache.get(key, week, slow); // read version 1, still fetching
    state.version = 2;
    const fresh = await cache.get(key, week, async () => [new Date(NOW + DAY)]);
    answer([new Date(NOW + 2 * DAY)]);
    await old;
    expect((await cache.get(key, week, async () => [])).starts).toEqual(fresh.starts);
  });
});
