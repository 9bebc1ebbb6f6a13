import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import {
  CalcomApiError,
  CalcomAuthError,
  CalcomConnectionError,
  CalcomNotFoundError,
  CalcomRateLimitError,
  CalcomResponseValidationError,
  CalcomSlotUnavailableError,
  CalcomTimeoutError,
  CalcomValidationError,
  createCalcomClient,
  MemoryRateLimitStore,
  verifyWebhookSignature,
} from "@agni/calcom";
import { afterEach, describe, expect, it } from "vitest";
import { createSandbox, type SandboxOptions } from "../src/index";

// libs/calcom against the sandbox over real HTTP: every error class, retries and their limits, booking-retry
// safety, the request budget under a burst, and webhook delivery.

const NOW = new Date("2030-01-07T06:00:00Z"); // Monday 07:00 in Berlin
let closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.map((c) => c()));
  closers = [];
});

async function start(options: SandboxOptions = {}) {
  const sandbox = createSandbox({ now: () => NOW, ...options });
  const server = await sandbox.listen(0);
  closers.push(server.close);
  const { user, apiKey } = sandbox.addUser({ username: "host", timeZone: "Europe/Berlin" });
  const eventType = sandbox.addEventType(user.id, {
    title: "Consultation",
    slug: "consultation",
    lengthInMinutes: 30,
    bookingFields: [{ type: "select", slug: "company-size", label: "Company size", required: true, options: ["1-10", "11-50"] }],
  });
  const cal = createCalcomClient({ apiKey, baseUrl: server.url, retryBaseMs: 1, rateLimit: { store: new MemoryRateLimitStore() } });
  return { sandbox, url: server.url, user, apiKey, eventType, cal };
}

const attendee = { name: "Ada", email: "ada@example.com", timeZone: "Europe/Berlin" };
const at = (hhmm: string) => `2030-01-07T${hhmm}:00.000Z`;

describe("error classes from the sandbox's real answers", () => {
  it("maps each Cal.com failure to its class", async () => {
    const { cal, eventType, url, sandbox } = await start();
    const book = (start: string, extra: object = {}) =>
      cal.bookings.create({ start, eventTypeId: eventType.id, attendee, bookingFieldsResponses: { "company-size": "1-10" }, ...extra });

    await expect(createCalcomClient({ apiKey: "cal_test_wrong", baseUrl: url }).me.get()).rejects.toBeInstanceOf(CalcomAuthError);
    await expect(cal.bookings.get("nope")).rejects.toBeInstanceOf(CalcomNotFoundError);
    await expect(cal.eventTypes.get(999)).rejects.toBeInstanceOf(CalcomNotFoundError);

    const missing = await cal.bookings.create({ start: at("09:00"), eventTypeId: eventType.id, attendee }).catch((e) => e);
    expect(missing).toBeInstanceOf(CalcomValidationError);
    expect(missing.field).toBe("company-size");
    expect(missing.message).toMatch(/^Missing required booking field response: company-size - it is required/);

    const first = await book(at("09:00"));
    expect(first.status).toBe("accepted");
    // Someone else finds the slot taken; the same attendee asking again gets the booking that holds it.
    const taken = await book(at("09:00"), { attendee: { ...attendee, name: "Bo", email: "bo@example.com" } }).catch((e) => e);
    expect(taken).toBeInstanceOf(CalcomSlotUnavailableError);
    expect(taken.message).toBe("User either already has booking at this time or is not available");
    expect(await book(at("09:00"))).toMatchObject({ uid: first.uid });

    const past = await book("2030-01-06T09:00:00Z").catch((e) => e);
    expect(past).toBeInstanceOf(CalcomValidationError);
    expect(past.message).toBe("Attempting to book a meeting in the past.");

    await cal.bookings.cancel(first.uid);
    // Cal.com's current envelope ("Can't cancel booking with uid=… because it has been cancelled already") reads as one stable message.
    const twice = await cal.bookings.cancel(first.uid).catch((e) => e);
    expect(twice).toBeInstanceOf(CalcomApiError);
    expect(twice).toMatchObject({ status: 400, code: "BadRequestException", message: "This booking has already been cancelled." });

    sandbox.faults.inject({ path: "/v2/me", malformed: true, times: 3 });
    await expect(cal.me.get()).rejects.toBeInstanceOf(CalcomResponseValidationError);
    sandbox.faults.clear();

    sandbox.faults.inject({ path: "/v2/me", delayMs: 500, times: 3 });
    await expect(createCalcomClient({ apiKey: "x", baseUrl: url, timeoutMs: 100, maxRetries: 0, rateLimit: false }).me.get()).rejects.toBeInstanceOf(CalcomTimeoutError);
    sandbox.faults.clear();

    sandbox.faults.inject({ path: "/v2/me", drop: "before", times: 5 });
    await expect(cal.me.get()).rejects.toBeInstanceOf(CalcomConnectionError);
  });

  it("gets Cal.com's 404 when a resource is called with the wrong cal-api-version", async () => {
    const { apiKey, url } = await start();
    const res = await fetch(`${url}/v2/bookings`, { headers: { authorization: `Bearer ${apiKey}`, "cal-api-version": "2024-09-04" } });
    expect(res.status).toBe(404);
    expect(((await res.json()) as any).error.message).toBe("Cannot GET /v2/bookings");
    const legacy = await fetch(`${url}/v2/slots/available?startTime=2030-01-07T00:00:00Z&endTime=2030-01-07T23:59:59Z&eventTypeId=1`);
    expect(legacy.status).toBe(200);
    expect(Object.values(((await legacy.json()) as any).data.slots).flat()[0]).toHaveProperty("time");
  });
});

describe("retries", () => {
  it("retries reads through 5xx up to maxRetries, and no further", async () => {
    const { cal, sandbox } = await start();
    sandbox.faults.inject({ path: "/v2/schedules/default", status: 503, times: 2 });
    await expect(cal.schedules.getDefault()).resolves.toMatchObject({ timeZone: "Europe/Berlin" });
    sandbox.faults.inject({ path: "/v2/schedules/default", status: 503, times: 3 });
    await expect(cal.schedules.getDefault()).rejects.toMatchObject({ status: 503 });
    expect(sandbox.requests.filter((r) => r.path === "/v2/schedules/default")).toHaveLength(6);
  });

  it("books exactly once when the connection drops after Cal.com created the booking", async () => {
    const { cal, sandbox, eventType } = await start();
    sandbox.faults.inject({ path: "/v2/bookings", method: "POST", drop: "after" });
    const booking = await cal.bookings.create({ start: at("10:00"), eventTypeId: eventType.id, attendee, bookingFieldsResponses: { "company-size": "1-10" } });
    expect(booking.start).toBe(at("10:00"));
    const live = sandbox.bookings().filter((b) => b.status !== "cancelled");
    expect(live).toHaveLength(1);
    expect(live[0]!.uid).toBe(booking.uid);
    expect(sandbox.requests.filter((r) => r.method === "POST" && r.path === "/v2/bookings")).toHaveLength(1);
  });

  it("returns the new booking when a reschedule's answer is lost", async () => {
    const { cal, sandbox, eventType } = await start();
    const booking = await cal.bookings.create({ start: at("11:00"), eventTypeId: eventType.id, attendee, bookingFieldsResponses: { "company-size": "1-10" } });
    sandbox.faults.inject({ path: `/v2/bookings/${booking.uid}/reschedule`, drop: "after" });
    const moved = await cal.bookings.reschedule(booking.uid, { start: at("12:00") });
    expect(moved).toMatchObject({ start: at("12:00"), rescheduledFromUid: booking.uid });
    expect(sandbox.bookings().filter((b) => b.status === "accepted")).toHaveLength(1);
  });
});

describe("request budget", () => {
  it("queues a burst of 300 calls so that none is refused, at the budget's pace", async () => {
    // The sandbox's rate limits follow its clock: this burst needs real time to pass, so the clock is not pinned.
    const { url, apiKey, sandbox } = await start({ rateLimitPerMinute: 50, rateLimitWindowMs: 1_000, now: () => new Date() });
    // The margin covers the time between the client's window opening and the sandbox seeing the request; 500 ms holds on
    // a loaded CI machine (200 ms did not: a late batch fell into the sandbox's previous window and was refused once).
    const cal = createCalcomClient({ apiKey, baseUrl: url, rateLimit: { limit: 50, windowMs: 1_000, marginMs: 500, maxWaitMs: 30_000, store: new MemoryRateLimitStore() } });
    const started = Date.now();
    const results = await Promise.allSettled(Array.from({ length: 300 }, () => cal.me.get()));
    const elapsed = Date.now() - started;
    expect(results.filter((r) => r.status === "rejected")).toEqual([]);
    expect(sandbox.requests.filter((r) => r.path === "/v2/me")).toHaveLength(300); // no 429 was retried
    expect(elapsed).toBeGreaterThanOrEqual(5 * 1_500); // six batches of 50, 1.5 s apart
    expect(elapsed).toBeLessThan(20_000);
  }, 30_000);

  it("without the budget, the same burst earns 429s (the sandbox limits like Cal.com)", async () => {
    const { url, apiKey } = await start({ rateLimitPerMinute: 50, rateLimitWindowMs: 60_000 });
    const cal = createCalcomClient({ apiKey, baseUrl: url, maxRetries: 0, rateLimit: false });
    const results = await Promise.allSettled(Array.from({ length: 60 }, () => cal.me.get()));
    const refused = results.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason);
    expect(refused.length).toBe(10);
    expect(refused.every((e) => e instanceof CalcomRateLimitError)).toBe(true);
  });
});

describe("webhooks", () => {
  it("delivers signed booking events that verifyWebhookSignature accepts, and rejects tampering", async () => {
    const received: { body: string; signature: string }[] = [];
    const receiver = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c)).on("end", () => {
        received.push({ body, signature: String(req.headers["x-cal-signature-256"]) });
        res.end("ok");
      });
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    closers.push(() => new Promise((r) => receiver.close(() => r())));
    const { cal, eventType } = await start();
    const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    await cal.webhooks.create({ subscriberUrl: hookUrl, active: true, triggers: ["BOOKING_CREATED", "BOOKING_CANCELLED"], secret: "whsec_1" });
    await expect(cal.webhooks.create({ subscriberUrl: hookUrl, active: true, triggers: ["BOOKING_CREATED"] })).rejects.toMatchObject({ status: 409 });
    const booking = await cal.bookings.create({ start: at("13:00"), eventTypeId: eventType.id, attendee, bookingFieldsResponses: { "company-size": "11-50" } });
    for (let i = 0; i < 50 && received.length < 1; i++) await new Promise((r) => setTimeout(r, 20));
    expect(received).toHaveLength(1);
    const event = JSON.parse(received[0]!.body);
    expect(event).toMatchObject({ triggerEvent: "BOOKING_CREATED", payload: { uid: booking.uid, status: "ACCEPTED" } });
    expect(verifyWebhookSignature(received[0]!.body, received[0]!.signature, "whsec_1")).toBe(true);
    expect(verifyWebhookSignature(received[0]!.body.replace("ACCEPTED", "REJECTED"), received[0]!.signature, "whsec_1")).toBe(false);
    expect(verifyWebhookSignature(received[0]!.body, received[0]!.signature, "wrong")).toBe(false);
  });
});

describe("slots, reservations and credits", () => {
  it("computes slots from the schedule, removes reserved and booked times, and honours bookingUidToReschedule", async () => {
    const { cal, eventType } = await start();
    const day = () => cal.slots.list({ eventTypeId: eventType.id, start: "2030-01-07", end: "2030-01-07", timeZone: "Europe/Berlin" });
    const before = (await day())["2030-01-07"]!.map((s) => s.start);
    expect(before[0]).toBe("2030-01-07T09:00:00.000+01:00");
    expect(before.at(-1)).toBe("2030-01-07T16:30:00.000+01:00");
    const r = await cal.slots.reserve({ eventTypeId: eventType.id, slotStart: "2030-01-07T08:00:00Z" });
    const booking = await cal.bookings.create({ start: "2030-01-07T08:30:00Z", eventTypeId: eventType.id, attendee, bookingFieldsResponses: { "company-size": "1-10" } });
    const after = (await day())["2030-01-07"]!.map((s) => s.start);
    expect(after).not.toContain("2030-01-07T09:00:00.000+01:00");
    expect(after).not.toContain("2030-01-07T09:30:00.000+01:00");
    await expect(cal.slots.reserve({ eventTypeId: eventType.id, slotStart: "2030-01-07T08:00:00Z" })).rejects.toMatchObject({ status: 422 });
    await cal.slots.deleteReservation(r.reservationUid);
    const rescheduling = await cal.slots.list({ eventTypeId: eventType.id, start: "2030-01-07", end: "2030-01-07", timeZone: "Europe/Berlin", bookingUidToReschedule: booking.uid });
    expect(rescheduling["2030-01-07"]!.map((s) => s.start)).toContain("2030-01-07T09:30:00.000+01:00");
  });

  it("charges credits once per externalRef", async () => {
    const { cal } = await start();
    const before = await cal.credits.available();
    await cal.credits.charge({ credits: 5, creditFor: "AI_AGENT", externalRef: "call-1" });
    await cal.credits.charge({ credits: 5, creditFor: "AI_AGENT", externalRef: "call-1" });
    const after = await cal.credits.available();
    expect(before.balance.monthlyRemaining - after.balance.monthlyRemaining).toBe(5);
  });
});

describe("the host's decision through the API (bookings.confirm / bookings.decline)", () => {
  it("confirms or declines a pending booking with the key of its host; refuses anything else in Cal.com's words", async () => {
    const { cal, sandbox, user, url } = await start();
    const et = sandbox.addEventType(user.id, { title: "Needs OK", slug: "needs-ok", lengthInMinutes: 30, requiresConfirmation: true });
    const first = await cal.bookings.create({ start: at("09:00"), eventTypeId: et.id, attendee });
    const second = await cal.bookings.create({ start: at("10:00"), eventTypeId: et.id, attendee: { ...attendee, email: "bob@example.com" } });
    expect([first.status, second.status]).toEqual(["pending", "pending"]);

    // Another Cal.com user's key may not decide on the host's booking.
    const other = sandbox.addUser({ username: "other", timeZone: "UTC" });
    const stranger = createCalcomClient({ apiKey: other.apiKey, baseUrl: url, retryBaseMs: 1, rateLimit: { store: new MemoryRateLimitStore() } });
    await expect(stranger.bookings.confirm(first.uid)).rejects.toBeInstanceOf(CalcomApiError);

    expect(await cal.bookings.confirm(first.uid)).toMatchObject({ uid: first.uid, status: "accepted" });
    expect(await cal.bookings.decline(second.uid, { reason: "Away" })).toMatchObject({ uid: second.uid, status: "rejected" });
    await expect(cal.bookings.confirm(first.uid)).rejects.toThrow(/Booking already confirmed/);
    await expect(cal.bookings.decline(second.uid)).rejects.toThrow(/Booking is not awaiting confirmation/);
    await expect(cal.bookings.confirm("no-such-uid")).rejects.toBeInstanceOf(CalcomNotFoundError);
  });
});
