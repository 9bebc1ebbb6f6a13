import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "./support/test-api";
import { createActiveTool } from "./support/tools";

// Cal.com misbehaving, through the sandbox's fault injection: each fault yields the documented error within a
// bound, leaves no appointment row or pending idempotency record behind, and the next call succeeds once Cal.com
// has recovered. The test API gives each Cal.com attempt 3 s and one retry, and all Cal.com work of one request 4 s
// (AGNI_CALCOM_DEADLINE_MS): without that deadline a hanging Cal.com would take two full attempts, over 6 s.
const CALCOM_TIMEOUT_MS = 3_000;
const CALCOM_DEADLINE_MS = 4_000;
const BOUND_MS = CALCOM_DEADLINE_MS + 1_500;

let api: TestApi;
beforeAll(async () => {
  // The slot cache off: every suggest here must reach Cal.com to meet its fault (test/slot-cache.int.test.ts has the cache).
  api = await startTestApi({ config: { calcomTimeoutMs: CALCOM_TIMEOUT_MS, calcomDeadlineMs: CALCOM_DEADLINE_MS, slotCacheTtlMs: 0 } });
});
afterAll(() => api?.close());

const THROTTLED = { status: "error", error: { code: "ThrottlerException", message: "CustomThrottlerGuard - Too many requests. Please try again later." } };

const FAULTS = [
  { name: "a burst of 429s", fault: { status: 429, body: THROTTLED }, status: 429, code: "RATE_LIMITED" },
  { name: "500s", fault: { status: 500 }, status: 502, code: "BAD_GATEWAY" },
  { name: "503s", fault: { status: 503 }, status: 502, code: "BAD_GATEWAY" },
  { name: "answers slower than the deadline", fault: { delayMs: 15_000 }, status: 502, code: "BAD_GATEWAY" },
  { name: "malformed JSON", fault: { malformed: true }, status: 502, code: "BAD_GATEWAY" },
  { name: "connection resets", fault: { drop: "before" }, status: 502, code: "BAD_GATEWAY" },
] as const;

async function calendar() {
  const { auth, orgId } = await api.org();
  const host = api.calcomUser("UTC");
  const eventType = api.sandbox.addEventType(host.id, { title: "Fault call", slug: `fault-${host.id}`, lengthInMinutes: 30 }) as { id: number };
  const agent = (await api.request("POST", "/api/v1/agents/", { auth, body: { agentName: "Faulty", calcomEventTypeId: eventType.id } })).body.data;
  await api.request("POST", `/api/v1/calcom/agents/${agent.id}/connect`, { auth, body: { api_key: host.apiKey, api_base_url: api.sandboxUrl } });
  await createActiveTool(api, auth, { name: "calendar", type: "calcom", agentId: agent.id, enabledFunctions: { values: ["suggest", "book"] } });
  const manage = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    api.request("POST", "/api/v1/calcom/appointments/manage", { auth, headers, body: { agent_id: agent.id, timezone: "UTC", ...body } });
  const slot: string = (await manage({ action: "suggest" })).body.data.slot_times[0];
  const liveBookings = () => api.sandbox.bookings().filter((b: { userId?: number; hosts?: { id: number }[]; status: string }) => (b.userId ?? b.hosts?.[0]?.id) === host.id && b.status !== "cancelled");
  const leftovers = async () => ({
    appointments: await api.prisma.appointment.count({ where: { organizationId: orgId } }),
    pending: await api.prisma.idempotencyRecord.count({ where: { organizationId: orgId, state: "in_progress" } }),
  });
  // Faults are scoped to this calendar's Cal.com key: no other test's requests can meet them.
  const inject = (fault: object) => api.sandbox.faults.inject({ apiKey: host.apiKey, ...fault } as never);
  const recover = () => api.sandbox.faults.clear(host.apiKey);
  return { manage, slot, liveBookings, leftovers, inject, recover };
}

async function timed<T>(run: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = Date.now();
  const result = await run();
  return { result, ms: Date.now() - started };
}

describe("Cal.com faults during a call", () => {
  afterEach(() => api?.sandbox.faults.clear());

  it.each(FAULTS)("suggest meets $name: $status $code in time, then recovers", async ({ fault, status, code }) => {
    const { manage, inject, recover } = await calendar();
    inject({ path: /^\/v2\/slots/, times: 100, ...fault });
    const { result: failed, ms } = await timed(() => manage({ action: "suggest" }));
    expect(failed.status).toBe(status);
    expect(failed.body).toMatchObject({ success: false, code });
    expect(typeof failed.body.message).toBe("string");
    expect(ms).toBeLessThan(BOUND_MS);
    if (status === 429) expect(Number(failed.headers.get("retry-after"))).toBeGreaterThan(0);

    recover(); // Cal.com recovers
    const next = await manage({ action: "suggest" });
    expect(next.status).toBe(200);
    expect(next.body.data.slot_times.length).toBeGreaterThan(0);
  }, 30_000);

  it.each(FAULTS)("book meets $name: $status $code in time, nothing half-written, the retry books once", async ({ fault, status, code }) => {
    const { manage, slot, liveBookings, leftovers, inject, recover } = await calendar();
    const body = { action: "book", name: "Fault Caller", email: "fault@example.com", appointment_datetime: slot };
    inject({ path: "/v2/bookings", method: "POST", times: 100, ...fault });
    const { result: failed, ms } = await timed(() => manage(body, { "idempotency-key": "fault-book" }));
    expect(failed.status).toBe(status);
    expect(failed.body).toMatchObject({ success: false, code });
    expect(ms).toBeLessThan(BOUND_MS);
    expect(await leftovers()).toEqual({ appointments: 0, pending: 0 });
    // A slow answer may still have been acted on by Cal.com after we gave up; then the retry must find that booking.
    expect(liveBookings().length).toBeLessThanOrEqual(fault === FAULTS[3].fault ? 1 : 0);

    recover();
    const retried = await manage(body, { "idempotency-key": "fault-book" });
    expect(retried.status).toBe(200);
    expect(liveBookings()).toHaveLength(1);
    const row = await api.prisma.appointment.findUnique({ where: { id: retried.body.data.appointment_id } });
    expect(row?.calcomBookingUid).toBe(liveBookings()[0]!.uid);
    expect(await leftovers()).toEqual({ appointments: 1, pending: 0 });
  }, 30_000);

  it("book whose answer is lost after Cal.com booked: the booking is found again, recorded once", async () => {
    const { manage, slot, liveBookings, leftovers, inject } = await calendar();
    inject({ path: "/v2/bookings", method: "POST", drop: "after", times: 1 });
    const res = await manage({ action: "book", name: "Lost Answer", email: "lost@example.com", appointment_datetime: slot });
    expect(res.status).toBe(200);
    expect(liveBookings()).toHaveLength(1);
    expect(await leftovers()).toEqual({ appointments: 1, pending: 0 });
    const row = await api.prisma.appointment.findUnique({ where: { id: res.body.data.appointment_id } });
    expect(row?.calcomBookingUid).toBe(liveBookings()[0]!.uid);
  });

  it("book that Cal.com completed after we gave up: the retry gets that booking, not 'no longer available'", async () => {
    const { manage, slot, liveBookings, leftovers, inject, recover } = await calendar();
    const body = { action: "book", name: "Late Answer", email: "late@example.com", appointment_datetime: slot };
    // Cal.com books but never answers, and the lookups that could find the booking within the call fail too.
    inject({ path: "/v2/bookings", method: "POST", drop: "hang", times: 1 });
    inject({ path: "/v2/bookings", method: "GET", status: 500, times: 100 });
    const failed = await manage(body);
    expect(failed.status).toBe(502);
    expect(liveBookings()).toHaveLength(1);
    // Cal.com's webhook for the booking it made reached the Cal.com mirror: the appointment is recorded (as this agent's:
    // the booking's metadata names it) although the call that made it failed; nothing is left pending.
    await api.mirrorSettled();
    expect(await leftovers()).toEqual({ appointments: 1, pending: 0 });

    recover();
    const retried = await manage(body);
    expect(retried.status).toBe(200);
    expect(retried.body.data).toMatchObject({ action: "book", summary: "Appointment confirmed" });
    expect(liveBookings()).toHaveLength(1);
    const row = await api.prisma.appointment.findUnique({ where: { id: retried.body.data.appointment_id } });
    expect(row?.calcomBookingUid).toBe(liveBookings()[0]!.uid);
    expect(await leftovers()).toEqual({ appointments: 1, pending: 0 });
  }, 30_000);
});
