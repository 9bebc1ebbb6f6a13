import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { localDayRange } from "../src/modules/appointments/time";
import { recordAppointmentChange } from "../src/modules/events/outbox";
import { setUpCalendarAgent, setUpSharedCalendar } from "./support/api-process";
import { startTestApi, type TestApi } from "./support/test-api";

// Slots answered at once: suggest and availability are served from the slot cache while the account's calendar is
// unchanged and the slots are younger than the TTL (60 s); every change of the account's appointments — ours, or one
// applied from elsewhere — makes the next answer ask Cal.com again. Cal.com calls are counted in the sandbox's log.

const TTL = 60_000;
let api: TestApi;
/** The slot cache's clock: real time plus what a test has skipped. */
let skipped = 0;
const advance = (ms: number) => (skipped += ms);

// The cache on its own: the mirror does not hear of Cal.com's changes here (no AGNI_PUBLIC_URL, no reconciliation
// within the run), so a test decides when a change is applied. The last describe runs with the mirror live.
beforeAll(async () => {
  api = await startTestApi({ clock: () => Date.now() + skipped, mirror: { publicUrl: false, reconcileIntervalMs: 3_600_000 } });
});
afterAll(() => api?.close());
afterEach(() => {
  api?.sandbox.faults.clear();
  skipped = 0;
});

const MANAGE = "/api/v1/calcom/appointments/manage";

/** An agent on its own sandbox host (UTC, Mon–Fri 09:00–17:00, 30-minute event type) and a counter of its slot lookups. */
async function calendar() {
  const { auth, orgId } = await api.org();
  const { agent, eventType, user } = await setUpCalendarAgent(api.url, auth, { it: api.sandbox, url: api.sandboxUrl }, "Front desk", ["suggest", "availability", "book", "cancel"]);
  const manage = (body: Record<string, unknown>) => api.request("POST", MANAGE, { auth, body: { agent_id: agent.id, timezone: "UTC", ...body } });
  const lookups = () => api.sandbox.requests.filter((r) => r.path === "/v2/slots" && r.query.eventTypeId === String(eventType.id)).length;
  const suggest = async (body: Record<string, unknown> = {}) => {
    const res = await manage({ action: "suggest", ...body });
    expect(res.status).toBe(200);
    return res.body.data as { slot_times: string[]; slots_as_of: string };
  };
  return { auth, orgId, agent, eventType, user, manage, lookups, suggest };
}

describe("the slot cache", () => {
  it("answers repeated suggest and availability within the TTL with one Cal.com call, saying how fresh the slots are", async () => {
    const { manage, lookups, suggest } = await calendar();
    const first = await suggest();
    expect(lookups()).toBe(1);
    expect(new Date(first.slots_as_of).toISOString()).toBe(first.slots_as_of);
    expect(Date.now() - Date.parse(first.slots_as_of)).toBeLessThan(10_000);
    for (let i = 0; i < 20; i++) expect(await suggest()).toEqual(first);
    // Other zones, other ranges and the full list come from the same entry.
    for (const timezone of ["America/New_York", "Asia/Kolkata", "Pacific/Kiritimati", "Pacific/Pago_Pago"]) {
      expect((await suggest({ timezone })).slots_as_of).toBe(first.slots_as_of);
    }
    const listed = await manage({ action: "availability", days_ahead: 7 });
    expect(listed.status).toBe(200);
    expect(listed.body.data.slots_as_of).toBe(first.slots_as_of);
    expect(listed.body.data.slot_times).toEqual(expect.arrayContaining(first.slot_times));
    expect(lookups()).toBe(1);
  });

  it("offers the same times as Cal.com itself for each zone and range", async () => {
    const { manage, eventType } = await calendar();
    await manage({ action: "suggest" }); // fills the entry
    for (const [timezone, days_ahead] of [["UTC", 7], ["America/Los_Angeles", 3], ["Asia/Tokyo", 10]] as const) {
      const cached = (await manage({ action: "availability", timezone, days_ahead })).body.data;
      const { start, end } = localDayRange(timezone, new Date(), days_ahead);
      const query = new URLSearchParams({ eventTypeId: String(eventType.id), start: start.toISOString(), end: end.toISOString(), timeZone: timezone });
      const direct = await fetch(`${api.sandboxUrl}/v2/slots?${query}`, {
        headers: { "cal-api-version": "2024-09-04" },
      });
      const slots = ((await direct.json()) as { data: Record<string, { start: string }[]> }).data;
      expect(cached.slot_times).toEqual(Object.values(slots).flat().map((s) => new Date(s.start).toISOString()));
    }
  });

  it("asks Cal.com again once the TTL has passed (injected clock)", async () => {
    const { lookups, suggest } = await calendar();
    const first = await suggest();
    advance(TTL / 2);
    expect((await suggest()).slots_as_of).toBe(first.slots_as_of);
    expect(lookups()).toBe(1);
    advance(TTL / 2 + 1);
    const later = await suggest();
    expect(lookups()).toBe(2);
    expect(Date.parse(later.slots_as_of)).toBeGreaterThanOrEqual(Date.parse(first.slots_as_of) + TTL);
  });

  it("past 75% of the TTL answers from memory and refreshes once in the background", async () => {
    const { lookups, suggest } = await calendar();
    const first = await suggest();
    advance(TTL * 0.8);
    // Cal.com holds the refresh until the test lets it answer: five truly parallel hits meanwhile are all answered
    // from the entry, and start one refresh between them.
    let answer = () => {};
    api.sandbox.faults.inject({ path: "/v2/slots", until: new Promise<void>((resolve) => (answer = resolve)) });
    const hits = await Promise.all(Array.from({ length: 5 }, () => suggest()));
    expect(hits.map((h) => h.slots_as_of)).toEqual(Array(5).fill(first.slots_as_of));
    await expect.poll(lookups, { timeout: 5_000, interval: 10 }).toBe(2);
    answer();
    await expect.poll(async () => (await suggest()).slots_as_of, { timeout: 5_000, interval: 20 }).not.toBe(first.slots_as_of);
    const refreshed = await suggest();
    expect(Date.parse(refreshed.slots_as_of)).toBeGreaterThanOrEqual(Date.parse(first.slots_as_of) + TTL * 0.8);
    // The refreshed entry lives a full TTL from its own fetch: still served, no more calls.
    advance(TTL * 0.5);
    expect((await suggest()).slots_as_of).toBe(refreshed.slots_as_of);
    expect(lookups()).toBe(2);
  });

  it("keeps answering from memory while Cal.com is down, within the TTL; what it does not hold is a 502", async () => {
    const { manage, suggest } = await calendar();
    const first = await suggest();
    api.sandbox.faults.inject({ path: "/v2/slots", status: 503, times: 100 });
    expect(await suggest()).toEqual(first);
    const further = await manage({ action: "availability", days_ahead: 20 }); // beyond the cached days: Cal.com is asked
    expect(further.status).toBe(502);
    expect(further.body.code).toBe("BAD_GATEWAY");
  });

  it("makes one Cal.com call for many truly parallel misses", async () => {
    const { manage, lookups } = await calendar();
    // Cal.com takes its time, so every request arrives while the first lookup is in flight.
    api.sandbox.faults.inject({ path: "/v2/slots", delayMs: 400, times: 20 });
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => manage(i % 3 === 0 ? { action: "availability" } : { action: "suggest", timezone: i % 2 ? "UTC" : "Europe/Paris" })),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(12).fill(200));
    expect(new Set(answers.map((a) => a.body.data.slots_as_of)).size).toBe(1);
    expect(lookups()).toBe(1);
  });

  it("a booking made through Agni makes the next suggest ask Cal.com again, and the taken time is not offered", async () => {
    const { manage, lookups, suggest } = await calendar();
    const before = await suggest();
    const taken = before.slot_times[0]!;
    const booked = await manage({ action: "book", name: "Ada", email: "ada@example.com", appointment_datetime: taken });
    expect(booked.status).toBe(200);
    const after = await suggest();
    expect(lookups()).toBe(2);
    expect(after.slot_times).not.toContain(taken);
    expect((await manage({ action: "availability" })).body.data.slot_times).not.toContain(taken);
    // Cancelling it is a change too: the time is offered again.
    expect((await manage({ action: "cancel", appointment_id: booked.body.data.appointment_id })).status).toBe(200);
    expect((await manage({ action: "availability" })).body.data.slot_times).toContain(taken);
    expect(lookups()).toBe(3);
  });

  it("a change applied from elsewhere (the Cal.com mirror, another replica) bumps the calendar version: the next answer refetches", async () => {
    const { orgId, agent, eventType, lookups, suggest } = await calendar();
    const first = await suggest();
    const taken = first.slot_times[1]!;
    // Someone books on the Cal.com page: until that change is applied, the cached slots still offer the time…
    const booking = await api.sandbox.webApp.book({ start: taken, eventTypeId: eventType.id, attendee: { name: "Page", email: "page@example.com", timeZone: "UTC" } });
    expect((await suggest()).slot_times).toContain(taken);
    expect(lookups()).toBe(1);
    // …and once it is applied through the one seam every appointment change takes (as the mirror does, on any
    // process sharing the database), the next answer asks Cal.com and no longer offers it.
    const account = await api.prisma.calcomAccount.findFirstOrThrow({ where: { organizationId: orgId, ownerAgentId: agent.id } });
    await api.prisma.$transaction(async (tx) => {
      const start = new Date(taken);
      const appointment = await tx.appointment.create({
        data: {
          organizationId: orgId,
          agentId: agent.id,
          calcomAccountId: account.id,
          calcomEventTypeId: eventType.id,
          calcomBookingUid: booking.uid,
          calcomBookingUids: [booking.uid],
          attendeeName: "Page",
          attendeeEmail: "page@example.com",
          attendeeTimezone: "UTC",
          startTime: start,
          endTime: new Date(start.getTime() + 30 * 60_000),
          durationMinutes: 30,
        },
      });
      await recordAppointmentChange(tx, { type: "appointment.booked", appointment });
    });
    const after = await suggest();
    expect(lookups()).toBe(2);
    expect(after.slot_times).not.toContain(taken);
    expect(Date.parse(after.slots_as_of)).toBeGreaterThanOrEqual(Date.parse(first.slots_as_of));
  });

  it("book never trusts it: a time taken in Cal.com is 422 with fresh alternatives, and the next suggest asks again", async () => {
    const { manage, eventType, lookups, suggest } = await calendar();
    const first = await suggest();
    const taken = first.slot_times[0]!;
    await api.sandbox.webApp.book({ start: taken, eventTypeId: eventType.id, attendee: { name: "Page", email: "page@example.com", timeZone: "UTC" } });
    expect((await suggest()).slot_times).toContain(taken); // not applied yet: the cache cannot know
    const refused = await manage({ action: "book", name: "Ada", email: "ada@example.com", appointment_datetime: taken });
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe("SLOT_UNAVAILABLE");
    expect(refused.body.details.slot_times.length).toBeGreaterThan(0);
    expect(refused.body.details.slot_times).not.toContain(taken);
    const lookupsAfterRefusal = lookups(); // the alternatives were Cal.com's own
    expect(lookupsAfterRefusal).toBe(2);
    const after = await suggest();
    expect(after.slot_times).not.toContain(taken);
    expect(lookups()).toBe(3);
  });

  it("agents sharing an org-level account share its entry, and one agent's booking refreshes the other's answer", async () => {
    const { auth } = await api.org();
    const { agents, eventType } = await setUpSharedCalendar(api.url, auth, { it: api.sandbox, url: api.sandboxUrl }, ["Desk A", "Desk B"]);
    const lookups = () => api.sandbox.requests.filter((r) => r.path === "/v2/slots" && r.query.eventTypeId === String(eventType.id)).length;
    const as = (i: number, body: Record<string, unknown>) => api.request("POST", MANAGE, { auth, body: { agent_id: agents[i]!.agent.id, timezone: "UTC", ...body } });
    const a = (await as(0, { action: "suggest" })).body.data;
    const b = (await as(1, { action: "suggest" })).body.data;
    expect(b.slots_as_of).toBe(a.slots_as_of);
    expect(lookups()).toBe(1);
    const taken = a.slot_times[0];
    expect((await as(0, { action: "book", name: "Ada", email: "ada@example.com", appointment_datetime: taken })).status).toBe(200);
    expect((await as(1, { action: "suggest" })).body.data.slot_times).not.toContain(taken);
    expect(lookups()).toBe(2);
  });
});

describe("the slot cache with the Cal.com mirror live", () => {
  let live: TestApi;
  beforeAll(async () => {
    live = await startTestApi();
  });
  afterAll(() => live?.close());

  it("never offers a time after the Cal.com webhook of the booking that took it has been applied", async () => {
    const { auth } = await live.org();
    const { agent, eventType } = await setUpCalendarAgent(live.url, auth, { it: live.sandbox, url: live.sandboxUrl }, "Front desk", ["suggest", "book"]);
    const suggest = async () => {
      const res = await live.request("POST", MANAGE, { auth, body: { agent_id: agent.id, timezone: "UTC", action: "suggest" } });
      expect(res.status).toBe(200);
      return res.body.data as { slot_times: string[] };
    };
    const lookups = () => live.sandbox.requests.filter((r) => r.path === "/v2/slots" && r.query.eventTypeId === String(eventType.id)).length;
    const first = await suggest();
    const taken = first.slot_times[0];
    expect(taken).toBeDefined();
    // Booked on the Cal.com page: Cal.com's webhook reaches the intake before its booking flow answers.
    await live.sandbox.webApp.book({ start: String(taken), eventTypeId: eventType.id, attendee: { name: "Page", email: "page@example.com", timeZone: "UTC" } });
    await live.mirrorSettled();
    expect((await suggest()).slot_times).not.toContain(taken);
    expect(lookups()).toBe(2);
  });
});
