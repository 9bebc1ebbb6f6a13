import { describe, expect, it } from "vitest";
import { createCalcomClient } from "./index";

// Opt-in: runs against real Cal.com only when CALCOM_API_KEY is set (CALCOM_BASE_URL for a self-hosted one).
// Read-only calls, so it is safe on a real account.
const apiKey = process.env.CALCOM_API_KEY;

describe.skipIf(!apiKey)("live Cal.com (CALCOM_API_KEY)", () => {
  const cal = createCalcomClient({ apiKey: apiKey ?? "unused", baseUrl: process.env.CALCOM_BASE_URL, timeoutMs: 15_000 });

  it("reads the key's user, schedules, event types and a week of slots", async () => {
    const me = await cal.me.get();
    expect(me.id).toBeGreaterThan(0);
    await cal.schedules.list();
    const eventTypes = await cal.eventTypes.list({ username: me.username ?? undefined });
    const first = eventTypes[0];
    if (first) {
      const start = new Date();
      const slots = await cal.slots.list({ eventTypeId: first.id, start: start.toISOString(), end: new Date(start.getTime() + 7 * 86_400_000).toISOString(), timeZone: me.timeZone ?? "UTC" });
      expect(typeof slots).toBe("object");
    }
  });
});
