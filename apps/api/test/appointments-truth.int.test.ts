import { randomUUID } from "node:crypto";
import { createCalcomClient } from "@agni/calcom";
import type { RecordedRequest } from "@agni/calcom-sandbox";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { setUpCalendarAgent, setUpSharedCalendar } from "./support/api-process";
import { startTestApi, type TestApi } from "./support/test-api";

// What an agent tells a caller must be true when it is said: replays, alternatives, "no longer available", two agents
// on one calendar, concurrent changes of one appointment, event types of the account, times as they were said.

let api: TestApi;
beforeAll(async () => {
  // Long Cal.com bounds: some tests hold a Cal.com answer until every other caller has been answered.
  api = await startTestApi({ config: { calcomTimeoutMs: 30_000, calcomDeadlineMs: 40_000 } });
});
afterAll(() => api?.close());
// A test that fails half-way must not leave its injected Cal.com faults to the next one.
afterEach(() => api?.sandbox.faults.clear());

const MANAGE = "/api/v1/calcom/appointments/manage";
const ALL = ["book", "reschedule", "cancel", "suggest", "availability"];
const DAY = 86_400_000;
const iso = (t: string) => new Date(t).toISOString();

/** An organisation with an agent on its own sandbox host (UTC, Mon–Fri 09:00–17:00, 30-minute event type). */
async function calendar() {
  const { auth } = await api.org();
  const { agent, user, eventType, apiKey } = await setUpCalendarAgent(api.url, auth, { it: api.sandbox, url: api.sandboxUrl }, "Front desk", ALL);
  const manage = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    api.request("POST", MANAGE, { auth, headers, body: { agent_id: agent.id, timezone: "UTC", ...body } });
  const bookings = () => api.sandbox.bookings().filter((b) => b.userId === user.id);
  const open = async (daysAhead = 7) => (await manage({ action: "availability", days_ahead: daysAhead })).body.data.slot_times as string[];
  const stored = async (id: string) => (await api.request("GET", `/api/v1/calcom/appointments/${id}`, { auth })).body.data.appointment;
  /** The host's own Cal.com, as the host would change bookings there. */
  const host = createCalcomClient({ apiKey, baseUrl: api.sandboxUrl, rateLimit: false });
  return { auth, agent, user, eventType, manage, bookings, open, stored, host };
}

/** The sandbox requests sent after `mark` (the last request before the step under test). */
const since = (mark: RecordedRequest | undefined) => api.sandbox.requests.slice(mark ? api.sandbox.requests.lastIndexOf(mark) + 1 : 0);

/** A spoken sentence carries no Cal.com booking uid. */
function expectNoUid(message: string) {
  for (const b of api.sandbox.bookings()) expect(message).not.toContain(b.uid);
  expect(message).not.toMatch(/uid/i);
}

/** The next `weekday` (1 = Monday … 7 = Sunday) at least two days ahead, at `hour`:00 UTC. */
function next(weekday: number, hour: number): string {
  const d = new Date(Date.now() + 2 * DAY);
  while (((d.getUTCDay() + 6) % 7) + 1 !== weekday) d.setUTCDate(d.getUTCDate() + 1);
  d.setUTCHours(hour, 0, 0, 0);
  return d.toISOString();
}

describe("a replay is only ever an answer that is still true", () => {
  it("book, cancel, then the same book again (no Idempotency-Key, same call) books again", async () => {
    const { manage, bookings, open } = await calendar();
    const [slot] = await open();
    const book = { action: "book", name: "Bob", email: "bob@example.com", appointment_datetime: slot, call_session_id: "call-1" };
    const first = await manage(book);
    expect(first.status).toBe(200);
    expect((await manage({ action: "cancel", appointment_id: first.body.data.appointment_id, call_session_id: "call-1" })).status).toBe(200);

    const again = await manage(book);
    expect(again.status).toBe(200);
    expect(again.body.message).toMatch(/^You're booked for /);
    expect(again.body.data.appointment_id).not.toBe(first.body.data.appointment_id);
    expect(bookings().filter((b) => b.start === iso(slot!)).map((b) => b.status)).toEqual(["cancelled", "accepted"]);
    // The new answer holds, so it is what a retry hears.
    expect((await manage(book)).body).toEqual(again.body);
  });

  it("after a move, the same reschedule or book again does it again instead of replaying what no longer holds", async () => {
    const { manage, bookings, open, stored } = await calendar();
    const [t1, t2, t3] = await open();
    const book = { action: "book", name: "Ria", email: "ria@example.com", appointment_datetime: t1, call_session_id: "call-2" };
    const id = (await manage(book)).body.data.appointment_id as string;
    const move = (to: string) => manage({ action: "reschedule", appointment_id: id, appointment_datetime: to, call_session_id: "call-2" });
    expect((await move(t2!)).body.data.date_time).toBe(iso(t2!));
    expect((await move(t3!)).body.data.date_time).toBe(iso(t3!));

    const back = await move(t2!); // the same content as the first move
    expect(back.status).toBe(200);
    expect(back.body.data.date_time).toBe(iso(t2!));
    expect((await stored(id)).start_time).toBe(iso(t2!));

    const again = await manage(book); // the first booking has moved away from t1: book t1 again
    expect(again.status).toBe(200);
    expect(again.body.data.appointment_id).not.toBe(id);
    const live = bookings().filter((b) => b.status !== "cancelled");
    expect(live.map((b) => b.start).sort()).toEqual([iso(t1!), iso(t2!)].sort());
  });

  it("with an Idempotency-Key, a replay after a move or a cancel is a 409 naming what holds now, never the old confirmation", async () => {
    const { manage, bookings, open } = await calendar();
    const [t1, t2] = await open();
    const key = { "idempotency-key": `truth-${randomUUID()}` };
    const book = { action: "book", name: "Kim", email: "kim@example.com", appointment_datetime: t1 };
    const first = await manage(book, key);
    expect(first.status).toBe(200);
    const id = first.body.data.appointment_id as string;
    expect((await manage(book, key)).body).toEqual(first.body); // still true: replayed as it was

    expect((await manage({ action: "reschedule", appointment_id: id, appointment_datetime: t2 })).status).toBe(200);
    const moved = await manage(book, key);
    expect(moved.status).toBe(409);
    expect(moved.body).toMatchObject({ success: false, code: "CONFLICT", details: { appointment: { appointment_id: id, status: "accepted", date_time: iso(t2!) } } });
    expect(moved.body.message).toMatch(/moved to /);
    expectNoUid(moved.body.message);

    expect((await manage({ action: "cancel", appointment_id: id })).status).toBe(200);
    const gone = await manage(book, key);
    expect(gone.status).toBe(409);
    expect(gone.body).toMatchObject({ code: "CONFLICT", details: { appointment: { appointment_id: id, status: "cancelled" } } });
    expect(gone.body.message).toMatch(/cancelled/);
    expect(bookings().filter((b) => b.status !== "cancelled")).toHaveLength(0); // the replay booked nothing

    const fresh = await manage(book, { "idempotency-key": `truth-${randomUUID()}` });
    expect(fresh.status).toBe(200);
    expect(bookings().filter((b) => b.status !== "cancelled").map((b) => b.start)).toEqual([iso(t1!)]);
  });
});

describe("alternatives around the time asked for", () => {
  it("offers times on that day for a taken slot more than two weeks out, each named with its date", async () => {
    const { manage, open } = await calendar();
    const wanted = (await open(30)).find((s) => Date.parse(s) > Date.now() + 15 * DAY && new Date(s).getUTCHours() === 12 && new Date(s).getUTCMinutes() === 0)!;
    expect(wanted).toBeDefined();
    expect((await manage({ action: "book", name: "Ann", email: "ann@example.com", appointment_datetime: wanted })).status).toBe(200);

    const res = await manage({ action: "book", name: "Bob", email: "bob@example.com", appointment_datetime: wanted });
    expect(res.status).toBe(422);
    const day = new Intl.DateTimeFormat("en-US", { timeZone: "UTC", weekday: "long", month: "long", day: "numeric" }).format(new Date(wanted));
    expect(res.body.message).toMatch(new RegExp(`^${day} at 12:00 PM is no longer available\\. I can offer `));
    // The nearest open times are on that very day, and each is said with its date, not a bare weekday.
    expect(res.body.details.slot_times.map((t: string) => t.slice(0, 10))).toEqual(Array(3).fill(wanted.slice(0, 10)));
    expect(res.body.details.available_slots).toEqual([{ date: wanted.slice(0, 10), date_label: day, slots: ["11:00 AM", "11:30 AM", "12:30 PM"] }]);
    expect(res.body.message).not.toMatch(/\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday) at /);
  });

  it("moves on to the following days when the day asked for is full", async () => {
    const { manage, open } = await calendar();
    const slots = await open(30);
    const day = slots.find((s) => Date.parse(s) > Date.now() + 9 * DAY)!.slice(0, 10);
    const thatDay = slots.filter((s) => s.startsWith(day));
    for (const [i, t] of thatDay.entries()) {
      expect((await manage({ action: "book", name: `Filler ${i}`, email: `filler${i}@example.com`, appointment_datetime: t })).status).toBe(200);
    }
    const res = await manage({ action: "book", name: "Late", email: "late@example.com", appointment_datetime: thatDay[3] });
    expect(res.status).toBe(422);
    const offered = res.body.details.slot_times as string[];
    expect(offered.length).toBeGreaterThan(0);
    for (const t of offered) expect(t > `${day}T23:59`).toBe(true);
  });
});

describe("'no longer available' only for a time that was open", () => {
  it("a time the host never works (a Saturday, 3 AM) is 'not available', asking Cal.com at most once more", async () => {
    const { manage, open, bookings } = await calendar();
    for (const t of [next(6, 10), next(3, 3)]) {
      const mark = api.sandbox.requests.at(-1);
      const res = await manage({ action: "book", name: "Sam", email: "sam@example.com", appointment_datetime: t });
      expect(res.status).toBe(422);
      expect(res.body.code).toBe("SLOT_UNAVAILABLE");
      expect(res.body.message).toMatch(/ is not available\. I can offer /);
      expect(since(mark).filter((r) => r.path.startsWith("/v2/schedules")).length).toBeLessThanOrEqual(1);
    }
    // A reschedule to a closed time says the same.
    const [slot] = await open();
    const id = (await manage({ action: "book", name: "Sam", email: "sam@example.com", appointment_datetime: slot })).body.data.appointment_id;
    const closed = await manage({ action: "reschedule", appointment_id: id, appointment_datetime: next(7, 10) });
    expect(closed.status).toBe(422);
    expect(closed.body.message).toMatch(/ is not available\. /);
    // An open time someone took is "no longer available".
    const taken = await manage({ action: "book", name: "Other", email: "other@example.com", appointment_datetime: slot });
    expect(taken.status).toBe(422);
    expect(taken.body.message).toMatch(/ is no longer available\. /);
    expect(bookings().filter((b) => b.status !== "cancelled")).toHaveLength(1);
  });
});

describe("two agents of an organisation on one Cal.com account", () => {
  it("the same caller and time through the second agent is a 422 with alternatives, on manage and on invoke in each platform's shape", async () => {
    const { auth } = await api.org();
    const { agents, user } = await setUpSharedCalendar(api.url, auth, { it: api.sandbox, url: api.sandboxUrl }, ["Sales", "Support"]);
    const [a, b] = agents as [(typeof agents)[0], (typeof agents)[0]];
    const manageAs = (agentId: string, body: Record<string, unknown>) => api.request("POST", MANAGE, { auth, body: { agent_id: agentId, timezone: "UTC", ...body } });
    const slot = (await manageAs(a.agent.id, { action: "suggest" })).body.data.slot_times[0] as string;
    const book = { action: "book", name: "Bob", email: "bob@example.com", appointment_datetime: slot };
    const first = await manageAs(a.agent.id, book);
    expect(first.status).toBe(200);

    const second = await manageAs(b.agent.id, book);
    expect(second.status).toBe(422);
    expect(second.body).toMatchObject({ success: false, code: "SLOT_UNAVAILABLE" });
    expect(second.body.message).toMatch(/ is already booked for you/);
    expect(second.body.details.slot_times.length).toBeGreaterThan(0);
    expectNoUid(second.body.message);

    const args = { name: "Bob", email: "bob@example.com", timezone: "UTC", appointment_datetime: slot };
    const invoke = (format: string, body: unknown) => api.request("POST", `/api/v1/tools/${b.tool.id}/invoke?format=${format}&function=book_appointment`, { auth, body });
    const retell = await invoke("retell", { call: { call_id: "retell-1" }, name: "book_appointment", args });
    expect(retell.status).toBe(200);
    expect(retell.body).toMatchObject({ success: false, result: expect.stringMatching(/ is already booked for you/), data: { code: "SLOT_UNAVAILABLE" } });
    const vapi = await invoke("vapi", { message: { type: "tool-calls", call: { id: "vapi-1" }, toolCallList: [{ id: "tc_1", type: "function", function: { name: "book_appointment", arguments: JSON.stringify(args) } }] } });
    expect(vapi.status).toBe(200);
    expect(vapi.body).toEqual({ results: [{ toolCallId: "tc_1", result: expect.stringMatching(/ is already booked for you/) }] });
    const eleven = await invoke("elevenlabs", args);
    expect(eleven.status).toBe(200);
    expect(eleven.body).toMatchObject({ success: false, result: expect.stringMatching(/ is already booked for you/) });

    const live = api.sandbox.bookings().filter((x) => x.userId === user.id && x.status !== "cancelled");
    expect(live).toHaveLength(1);
    expect(await api.prisma.appointment.count({ where: { calcomBookingUids: { has: live[0]!.uid } } })).toBe(1);
    // The first agent's own retry in another call still gets its booking.
    const retry = await manageAs(a.agent.id, { ...book, call_session_id: "another-call" });
    expect(retry.status).toBe(200);
    expect(retry.body.data.appointment_id).toBe(first.body.data.appointment_id);
  });
});

describe("concurrent changes of one appointment", () => {
  it("ten parallel reschedules to ten times: one moves it, nine hear a clear conflict, and the time told is the time that holds", async () => {
    const { manage, bookings, open, stored } = await calendar();
    const slots = await open();
    const id = (await manage({ action: "book", name: "Pat", email: "pat@example.com", appointment_datetime: slots[0] })).body.data.appointment_id as string;
    let release!: () => void;
    api.sandbox.faults.inject({ path: /\/reschedule$/, method: "POST", until: new Promise<void>((resolve) => (release = resolve)) });
    const answered: unknown[] = [];
    const all = Promise.all(
      slots.slice(1, 11).map((t, i) =>
        manage({ action: "reschedule", appointment_id: id, appointment_datetime: t, call_session_id: `line-${i}` }).then((r) => (answered.push(r), r)),
      ),
    );
    try {
      // Cal.com holds the first reschedule that reaches it until every other caller has had an answer.
      await expect.poll(() => answered.length, { timeout: 30_000, interval: 20 }).toBeGreaterThanOrEqual(9);
    } finally {
      release();
      api.sandbox.faults.clear();
    }
    const results = await all;
    const won = results.filter((r) => r.status === 200);
    expect(won).toHaveLength(1);
    expect(won[0]!.body.message).toMatch(/^Your appointment is moved to /);
    for (const r of results.filter((x) => x.status !== 200)) {
      expect(r.status).toBe(409);
      expect(r.body.code).toBe("CONFLICT");
      expectNoUid(r.body.message);
    }
    const holds = won[0]!.body.data.date_time as string;
    expect((await stored(id)).start_time).toBe(holds);
    expect(bookings().filter((b) => b.status !== "cancelled").map((b) => b.start)).toEqual([holds]);
  }, 60_000);

  it("ten parallel cancels all answer that it is cancelled, with one cancel sent to Cal.com", async () => {
    const { manage, open, stored } = await calendar();
    const [slot] = await open();
    const id = (await manage({ action: "book", name: "Cy", email: "cy@example.com", appointment_datetime: slot })).body.data.appointment_id as string;
    const uid = (await stored(id)).calcom_booking_uid as string;
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => manage({ action: "cancel", appointment_id: id, call_session_id: `line-${i}` })));
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    for (const r of results) {
      expect(r.body.data.summary).toBe("Cancelled");
      expect(r.body.message).toMatch(/^Your appointment for .* (is|was already) cancelled\.$/);
    }
    expect(api.sandbox.requests.filter((r) => r.method === "POST" && r.path === `/v2/bookings/${uid}/cancel`)).toHaveLength(1);
    expect((await stored(id)).status).toBe("cancelled");
  });
});

describe("changes made where we did not hear of them", () => {
  it("a booking moved and then cancelled in Cal.com itself is caught up with, never answered with Cal.com's words", async () => {
    const { manage, open, stored, host } = await calendar();
    const [t1, t2, t3] = await open();
    const id = (await manage({ action: "book", name: "Host", email: "host@example.com", appointment_datetime: t1 })).body.data.appointment_id as string;
    await host.bookings.reschedule((await stored(id)).calcom_booking_uid, { start: iso(t2!) });

    const moved = await manage({ action: "reschedule", appointment_id: id, appointment_datetime: t3 });
    expect(moved.status).toBe(200);
    expect(moved.body.data.date_time).toBe(iso(t3!));
    expect((await stored(id)).calcom_booking_uids).toHaveLength(3);

    await host.bookings.cancel((await stored(id)).calcom_booking_uid, { cancellationReason: "Host is away" });
    const cancelled = await manage({ action: "cancel", appointment_id: id });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.message).toMatch(/^Your appointment for .* was already cancelled\.$/);
    const again = await manage({ action: "reschedule", appointment_id: id, appointment_datetime: t1 });
    expect(again.status).toBe(409);
    expect(again.body.message).toBe("That appointment was cancelled, so it can't be moved; I can book a new one instead.");
  });

  it("a change whose holder died (its lease ran out) is taken over: caught up with Cal.com first, then done", async () => {
    const { manage, open, stored, host, bookings } = await calendar();
    const [t1, t2, t3] = await open();
    const id = (await manage({ action: "book", name: "Dee", email: "dee@example.com", appointment_datetime: t1 })).body.data.appointment_id as string;
    // A replica took the lease, moved the booking in Cal.com and died before recording it.
    await api.prisma.appointment.update({ where: { id }, data: { changeLockedBy: "dead-replica", changeLockedUntil: new Date(Date.now() + 60_000) } });
    await host.bookings.reschedule((await stored(id)).calcom_booking_uid, { start: iso(t2!) });
    // While its lease lasts, a reschedule hears that a change is in progress.
    const busy = await manage({ action: "reschedule", appointment_id: id, appointment_datetime: t3 });
    expect(busy.status).toBe(409);
    expect(busy.body.message).toBe("Your appointment is being changed right now, so I haven't moved it; please ask me again in a moment.");
    // Once it has run out, a cancel takes over, finds the booking where Cal.com has it, and cancels that one.
    await api.prisma.appointment.update({ where: { id }, data: { changeLockedUntil: new Date(Date.now() - 1) } });
    const cancelled = await manage({ action: "cancel", appointment_id: id });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.data.date_time).toBe(iso(t2!));
    expect(bookings().filter((b) => b.status !== "cancelled")).toHaveLength(0);
    expect(await api.prisma.appointment.findUnique({ where: { id } })).toMatchObject({ status: "cancelled", changeLockedUntil: null });
  });
});

describe("event types of the agent's account only", () => {
  it("availability and suggest refuse another account's event type, and ask Cal.com at most once for the agent's own", async () => {
    const { manage, eventType } = await calendar();
    const other = api.calcomUser("UTC");
    const foreign = api.sandbox.addEventType(other.id, { title: "Theirs", slug: `theirs-${other.id}`, lengthInMinutes: 30 });
    const paths: string[] = [];
    for (const action of ["suggest", "availability"]) {
      const res = await manage({ action, event_type_id: foreign.id });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: "INVALID_REQUEST", message: `Event type ${foreign.id} was not found on the agent's Cal.com account` });
      for (const body of [{ action }, { action, event_type_id: eventType.id }]) {
        const mark = api.sandbox.requests.at(-1);
        expect((await manage(body)).status).toBe(200);
        paths.push(...since(mark).map((r) => r.path));
      }
    }
    // No event type read for the agent's own; its slots are looked up once and then served by the slot cache.
    expect(paths).toEqual(["/v2/slots"]);
  });
});
