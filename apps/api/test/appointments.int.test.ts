import type { NewEventType } from "@agni/calcom-sandbox";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "./support/test-api";
import { createActiveTool } from "./support/tools";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api?.close());
// A failed test must not leave its injected Cal.com faults to the next one.
afterEach(() => api?.sandbox.faults.clear());

const MANAGE = "/api/v1/calcom/appointments/manage";
const ALL = ["book", "reschedule", "cancel", "suggest", "availability"];

/**
 * An organisation with an agent whose private Cal.com key belongs to a fresh sandbox user (host in `hostZone`, with
 * the sandbox's default Mon–Fri 09:00–17:00 schedule), a 30-minute event type, and a calendar tool.
 */
async function setup(options: { hostZone?: string; functions?: string[]; bookingFields?: NewEventType["bookingFields"]; tool?: boolean; connect?: boolean } = {}) {
  const { auth, orgId } = await api.org();
  const host = api.calcomUser(options.hostZone ?? "America/New_York");
  const eventType = api.sandbox.addEventType(host.id, {
    title: "Intro call",
    slug: `intro-${host.id}`,
    lengthInMinutes: 30,
    ...(options.bookingFields ? { bookingFields: options.bookingFields } : {}),
  }) as { id: number };
  const agent = (await api.request("POST", "/api/v1/agents/", { auth, body: { agentName: "Front desk", calcomEventTypeId: eventType.id } })).body.data;
  if (options.connect !== false) {
    const res = await api.request("POST", `/api/v1/calcom/agents/${agent.id}/connect`, { auth, body: { api_key: host.apiKey, api_base_url: api.sandboxUrl } });
    expect(res.status).toBe(201);
  }
  if (options.tool !== false) {
    await createActiveTool(api, auth, { name: "book_appointment", type: "calcom", agentId: agent.id, enabledFunctions: { values: options.functions ?? ALL } });
  }
  const manage = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    api.request("POST", MANAGE, { auth, headers, body: { agent_id: agent.id, timezone: "Europe/Berlin", ...body } });
  return { auth, orgId, agent, host, eventType, manage };
}

/** The first time `suggest` offers, as an instant. */
async function firstFreeSlot(manage: Awaited<ReturnType<typeof setup>>["manage"], timezone = "Europe/Berlin") {
  const res = await manage({ action: "suggest", timezone });
  expect(res.status).toBe(200);
  return res.body.data.slot_times[0] as string;
}

const bookingsOf = (hostId: number) => (api.sandbox.bookings() as { userId?: number; hostId?: number; uid: string; status: string; start: string }[]).filter((b: any) => (b.userId ?? b.hostId ?? b.hosts?.[0]?.id) === hostId);

describe("suggest and availability", () => {
  it("offers a few well-spread times with speakable labels in the caller's zone, deterministically", async () => {
    const { manage } = await setup({ hostZone: "America/New_York" });
    const a = await manage({ action: "suggest", timezone: "Asia/Kolkata" });
    const b = await manage({ action: "suggest", timezone: "Asia/Kolkata" });
    expect(a.status).toBe(200);
    expect(a.body.data).toEqual(b.body.data);
    const { available_slots, slot_times } = a.body.data;
    expect(slot_times.length).toBeGreaterThan(0);
    expect(slot_times.length).toBeLessThanOrEqual(5);
    for (const day of available_slots) {
      expect(day.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(day.slots.length).toBeLessThanOrEqual(2);
      for (const label of day.slots) expect(label).toMatch(/^\d{1,2}:\d{2} (AM|PM)$/);
    }
    expect(a.body.message).toMatch(/^I can offer /);
    // Host hours 09:00-17:00 New York are 19:30-03:30 the next day in Kolkata: half-hour labels prove the zone math.
    expect(available_slots.flatMap((d: { slots: string[] }) => d.slots).every((s: string) => /:(00|30) (AM|PM)$/.test(s))).toBe(true);
  });

  it("lists every open time for days_ahead, grouped by the caller's days", async () => {
    const { manage } = await setup({ hostZone: "Europe/Berlin" });
    const res = await manage({ action: "availability", days_ahead: 3, timezone: "Europe/Berlin" });
    expect(res.status).toBe(200);
    const total = res.body.data.available_slots.reduce((n: number, d: { slots: string[] }) => n + d.slots.length, 0);
    expect(total).toBe(res.body.data.slot_times.length);
    expect(res.body.data.available_slots.length).toBeLessThanOrEqual(3);
    const bad = await manage({ action: "availability", days_ahead: 31 });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe("INVALID_REQUEST");
  });
});

describe("book", () => {
  it("books a wall-clock time in the caller's zone at the right instant, and stores one appointment", async () => {
    const { manage, host, auth } = await setup({ hostZone: "America/New_York" });
    const slot = await firstFreeSlot(manage, "Asia/Kolkata");
    const local = new Intl.DateTimeFormat("sv-SE", { timeZone: "Asia/Kolkata", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false })
      .format(new Date(slot))
      .replace(" ", "T");
    const res = await manage({ action: "book", timezone: "Asia/Kolkata", name: "Asha", email: "asha@example.com", appointment_datetime: local, call_session_id: "call-1" });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ success: true, summary: "Appointment confirmed", action: "book", date_time: new Date(slot).toISOString(), agent_name: "Front desk" });
    expect(res.body.data.local_date_time).toMatch(/\+05:30$/);
    expect(res.body.message).toMatch(/^You're booked for /);
    const bookings = bookingsOf(host.id);
    expect(bookings).toHaveLength(1);
    expect(new Date(bookings[0]!.start).toISOString()).toBe(new Date(slot).toISOString());

    const id = res.body.data.appointment_id;
    const got = await api.request("GET", `/api/v1/calcom/appointments/${id}`, { auth });
    expect(got.body).toMatchObject({ success: true, message: "Appointment retrieved", data: { appointment: { id, attendee_email: "asha@example.com", attendee_timezone: "Asia/Kolkata", call_session_id: "call-1", status: "accepted" } } });
    const byUid = await api.request("GET", `/api/v1/calcom/appointments/${bookings[0]!.uid}`, { auth });
    expect(byUid.body.data.appointment.id).toBe(id);
  });

  it("answers ten concurrent duplicates with one booking and ten identical answers", async () => {
    const { manage, host } = await setup();
    const slot = await firstFreeSlot(manage);
    const body = { action: "book", name: "Dup", email: "dup@example.com", appointment_datetime: slot };
    const results = await Promise.all(Array.from({ length: 10 }, () => manage(body, { "idempotency-key": "call-42-book" })));
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(new Set(results.map((r) => JSON.stringify(r.body.data))).size).toBe(1);
    expect(bookingsOf(host.id).filter((b) => b.status !== "cancelled")).toHaveLength(1);
    // Without a header, the same call's retry is recognised from its content.
    const again = await manage(body);
    const again2 = await manage(body);
    expect(again2.body.data).toEqual(again.body.data);
  });

  it("books a fixed-length event type when duration_minutes is its length, and says which length it takes otherwise", async () => {
    // Cal.com refuses lengthInMinutes on an event type without several lengths (input.service.ts validateBookingLengthInMinutes).
    const { manage, host } = await setup();
    const slot = await firstFreeSlot(manage);
    const booked = await manage({ action: "book", name: "Ada", email: "ada@example.com", appointment_datetime: slot, duration_minutes: 30 });
    expect(booked.status).toBe(200);
    expect(bookingsOf(host.id).filter((b) => b.status === "accepted")).toHaveLength(1);
    const other = await manage({ action: "book", name: "Bo", email: "bo@example.com", appointment_datetime: slot, duration_minutes: 45 });
    expect(other.status).toBe(400);
    expect(other.body).toMatchObject({ code: "INVALID_REQUEST", message: "This appointment lasts 30 minutes." });
  });

  it("turns a taken slot into 422 SLOT_UNAVAILABLE with nearby alternatives to offer", async () => {
    const { manage } = await setup();
    const slot = await firstFreeSlot(manage);
    expect((await manage({ action: "book", name: "First", email: "first@example.com", appointment_datetime: slot })).status).toBe(200);
    const res = await manage({ action: "book", name: "Second", email: "second@example.com", appointment_datetime: slot });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe("SLOT_UNAVAILABLE");
    expect(res.body.message).toMatch(/is no longer available\. I can offer /);
    expect(res.body.details.available_slots.length).toBeGreaterThan(0);
    expect(res.body.details.slot_times).not.toContain(slot);
  });

  it("rejects a wall-clock time that does not exist (spring forward) with a sentence to say", async () => {
    const { manage } = await setup({ hostZone: "Europe/Berlin" });
    const res = await manage({ action: "book", name: "Gap", email: "gap@example.com", appointment_datetime: "2027-03-28T02:30", timezone: "Europe/Berlin" });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("INVALID_REQUEST");
    expect(res.body.message).toMatch(/does not exist/);
  });

  it("asks for a required custom question before calling Cal.com, then books with the answer", async () => {
    const question = { type: "select", slug: "company-size", label: "Company size", required: true, options: ["1-10", "11-50", "51+"] };
    const { manage, host } = await setup({ bookingFields: [question] });
    const slot = await firstFreeSlot(manage);
    const missing = await manage({ action: "book", name: "Q", email: "q@example.com", appointment_datetime: slot });
    expect(missing.status).toBe(400);
    expect(missing.body.message).toBe("I still need your company size (1-10, 11-50, 51+).");
    expect(missing.body.details).toMatchObject({ missing_field: "company-size" });
    expect(bookingsOf(host.id)).toHaveLength(0);
    const ok = await manage({ action: "book", name: "Q", email: "q@example.com", appointment_datetime: slot, responses: { "company-size": "11-50" } });
    expect(ok.status).toBe(200);
  });

  it("books a phone-only caller when the event type does not require an email", async () => {
    const { manage } = await setup({ bookingFields: [{ type: "email", slug: "email", label: "Email", required: false, isDefault: true }] });
    const slot = await firstFreeSlot(manage);
    const res = await manage({ action: "book", name: "Phone Only", phone: "+14155550123", appointment_datetime: slot });
    expect(res.status).toBe(200);
  });

  it("asks for an email when the event type requires one and the caller gave only a phone", async () => {
    const { manage } = await setup();
    const slot = await firstFreeSlot(manage);
    const res = await manage({ action: "book", name: "Phone Only", phone: "+14155550123", appointment_datetime: slot });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe("I need an email address to book this appointment.");
  });
});

describe("reschedule and cancel", () => {
  it("keeps one appointment id across two reschedules, then cancels it by that id", async () => {
    const { manage, auth, agent, host } = await setup();
    const suggest = await manage({ action: "availability", days_ahead: 7 });
    const [t1, t2, t3] = suggest.body.data.slot_times as string[];
    const booked = await manage({ action: "book", name: "R", email: "r@example.com", appointment_datetime: t1 });
    const id = booked.body.data.appointment_id;
    const first = await manage({ action: "reschedule", appointment_id: id, appointment_datetime: t2 });
    expect(first.status).toBe(200);
    expect(first.body.data).toMatchObject({ summary: "Rescheduled", appointment_id: id, date_time: new Date(t2!).toISOString() });
    const oldUid = (await api.request("GET", `/api/v1/calcom/appointments/${id}`, { auth })).body.data.appointment.calcom_booking_uid;
    const second = await manage({ action: "reschedule", appointment_id: oldUid, appointment_datetime: t3 });
    expect(second.body.data.appointment_id).toBe(id);

    const cancelled = await manage({ action: "cancel", appointment_id: id });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.data.summary).toBe("Cancelled");
    const stored = (await api.request("GET", `/api/v1/calcom/appointments/${id}`, { auth })).body.data.appointment;
    expect(stored.status).toBe("cancelled");
    expect(stored.calcom_booking_uids).toHaveLength(3);
    expect(bookingsOf(host.id).every((b) => b.status === "cancelled")).toBe(true);

    const list = await api.request("GET", `/api/v1/calcom/appointments?agent_id=${agent.id}&status=all`, { auth });
    expect(list.body.message).toBe("Appointments retrieved");
    expect(list.body.data.appointments.filter((a: { id: string }) => a.id === id)).toHaveLength(1);
    expect(list.body.data.appointments).toHaveLength(1); // no cancelled ghost per reschedule
  });
});

describe("failures an agent can say", () => {
  it("cancels with blank notes: a reason still reaches Cal.com, which refuses a host's cancel without one", async () => {
    const { manage, host } = await setup();
    const slot = await firstFreeSlot(manage);
    const id = (await manage({ action: "book", name: "N", email: "n@example.com", appointment_datetime: slot })).body.data.appointment_id;
    const res = await manage({ action: "cancel", appointment_id: id, notes: "   " });
    expect(res.status).toBe(200);
    expect(res.body.data.summary).toBe("Cancelled");
    expect(bookingsOf(host.id).map((b) => b.status)).toEqual(["cancelled"]);
  });

  it("a booking cancelled in Cal.com meanwhile: cancel says it was already cancelled, naming no booking uid", async () => {
    const { manage, host, auth } = await setup();
    const slot = await firstFreeSlot(manage);
    const id = (await manage({ action: "book", name: "C", email: "c@example.com", appointment_datetime: slot })).body.data.appointment_id;
    const uid = (await api.request("GET", `/api/v1/calcom/appointments/${id}`, { auth })).body.data.appointment.calcom_booking_uid as string;
    // Cancelled in Cal.com directly; Cal.com now answers a second cancel with an envelope whose text names the uid.
    const headers = { authorization: `Bearer ${host.apiKey}`, "cal-api-version": "2024-08-13", "content-type": "application/json" };
    expect((await fetch(`${api.sandboxUrl}/v2/bookings/${uid}/cancel`, { method: "POST", headers, body: JSON.stringify({ cancellationReason: "Host cancelled" }) })).status).toBe(200);
    // Cal.com's refusal of the second cancel (its new envelope names the uid) makes us catch up with the booking: the
    // caller hears the truth, in our words.
    const res = await manage({ action: "cancel", appointment_id: id });
    expect(res.status).toBe(200);
    expect(res.body.message).toMatch(/^Your appointment for .* was already cancelled\.$/);
    expect(JSON.stringify(res.body)).not.toContain(uid);
  });

  it("a key Cal.com rejects during a call shows as invalid at once, though the agent's reads are cached", async () => {
    const { auth, agent, host, manage } = await setup();
    const status = async () => (await api.request("GET", `/api/v1/calcom/agents/${agent.id}/status`, { auth })).body.data.status;
    expect((await manage({ action: "suggest" })).status).toBe(200); // the agent is now cached
    expect(await status()).toBe("active");
    const slot = await firstFreeSlot(manage);
    api.sandbox.revokeKey(host.apiKey);
    // Cal.com's GET /v2/slots has no auth guard (and its throttler still knows the key for an hour), so the refusal
    // comes from a guarded call: booking reads the event type (ApiAuthGuard).
    const refused = await manage({ action: "book", name: "Ada", email: "ada@example.com", appointment_datetime: slot });
    expect(refused.body).toMatchObject({ success: false, code: "BAD_GATEWAY" });
    expect(await status()).toBe("invalid");
  });

  it("a tool change between two calls of a conversation applies to the next call", async () => {
    const { auth, agent, manage } = await setup();
    expect((await manage({ action: "suggest" })).status).toBe(200);
    const tool = (await api.request("GET", `/api/v1/tools/?agentId=${agent.id}`, { auth })).body.data[0];
    const patched = await api.request("PATCH", `/api/v1/tools/${tool.id}/`, { auth, body: { enabledFunctions: { values: ["book"] } } });
    expect(patched.status).toBe(200);
    expect((await manage({ action: "suggest" })).status).toBe(403);
  });

  it("400 NOT_CONNECTED without an effective account", async () => {
    const { manage } = await setup({ connect: false });
    const res = await manage({ action: "suggest" });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("NOT_CONNECTED");
  });

  it("400 naming the event type when it is not on the agent's Cal.com account", async () => {
    const { manage } = await setup();
    for (const action of ["suggest", "availability"]) {
      const res = await manage({ action, event_type_id: 987_654 });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: "INVALID_REQUEST", message: "Event type 987654 was not found on the agent's Cal.com account" });
    }
  });

  it("403 when the calendar tool does not enable the action, and without a calendar tool", async () => {
    const { manage } = await setup({ functions: ["suggest", "availability"] });
    expect((await manage({ action: "cancel", appointment_id: "abc" })).status).toBe(403);
    const none = await setup({ tool: false });
    expect((await none.manage({ action: "suggest" })).status).toBe(403);
  });

  it("502 BAD_GATEWAY within a bounded time when Cal.com fails or hangs, and books nothing", async () => {
    const { manage, host } = await setup();
    const slot = await firstFreeSlot(manage);
    api.sandbox.faults.inject({ apiKey: host.apiKey, path: "/v2/bookings", status: 503, times: 5 });
    const failed = await manage({ action: "book", name: "F", email: "f@example.com", appointment_datetime: slot });
    expect(failed.status).toBe(502);
    expect(failed.body.code).toBe("BAD_GATEWAY");
    api.sandbox.faults.clear(host.apiKey);

    api.sandbox.faults.inject({ apiKey: host.apiKey, path: /^\/v2\/slots/, delayMs: 10_000, times: 4 });
    const started = Date.now();
    const slow = await manage({ action: "suggest", days_ahead: 20 }); // further than the cached slots reach: Cal.com is asked
    expect(slow.status).toBe(502);
    expect(Date.now() - started).toBeLessThan(10_000);
    api.sandbox.faults.clear(host.apiKey);
    expect(bookingsOf(host.id)).toHaveLength(0);
  }, 30_000);

  it("429 RATE_LIMITED when Cal.com has blocked the key, and a failure is not replayed to the retry", async () => {
    const { manage, host } = await setup();
    const slot = await firstFreeSlot(manage);
    const throttled = { status: "error", error: { code: "ThrottlerException", message: "CustomThrottlerGuard - Too many requests. Please try again later." } };
    api.sandbox.faults.inject({ apiKey: host.apiKey, path: "/v2/bookings", method: "POST", status: 429, body: throttled, times: 1 });
    const body = { action: "book", name: "Retry", email: "retry@example.com", appointment_datetime: slot };
    const limited = await manage(body, { "idempotency-key": "call-7-book" });
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe("RATE_LIMITED");
    expect(bookingsOf(host.id)).toHaveLength(0);
    const retried = await manage(body, { "idempotency-key": "call-7-book" });
    expect(retried.status).toBe(200);
    expect(bookingsOf(host.id)).toHaveLength(1);
  });

  it("404 for another organisation's agent or appointment, 400 for bad input", async () => {
    const a = await setup();
    const b = await api.org();
    const foreign = await api.request("POST", MANAGE, { auth: b.auth, body: { action: "suggest", agent_id: a.agent.id, timezone: "UTC" } });
    expect(foreign.status).toBe(404);
    expect((await a.manage({ action: "book", name: "X" })).status).toBe(400);
    expect((await a.manage({ action: "suggest", timezone: "Mars/Olympus" })).status).toBe(400);
    expect((await a.manage({ action: "cancel", appointment_id: "no-such-booking" })).status).toBe(404);
    expect((await api.request("GET", "/api/v1/calcom/appointments/abc", { auth: b.auth })).status).toBe(404);
  });
});
