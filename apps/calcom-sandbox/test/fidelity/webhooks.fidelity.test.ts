import { createHmac } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { closeAll, receiver, world } from "./harness";

// Booking webhooks as Cal.com's v2021-10-20 payload builder and sendPayload deliver them.
afterEach(closeAll);

const START = "2049-09-06T07:00:00.000Z"; // Monday 09:00 in Rome (UTC+2)

async function subscribed(triggers: string[], secret?: string) {
  const w = await world();
  const hook = await receiver();
  await w.call("POST", "/v2/webhooks", { key: w.apiKey, body: { subscriberUrl: hook.url, active: true, triggers, ...(secret ? { secret } : {}) } });
  return { ...w, hook };
}

describe("webhooks", () => {
  it("sends the payload version header and signs the raw body", async () => {
    // cal.com docs/developing/guides/automation/webhooks.mdx@bad32a8a125ed29905ba400b202b27655f3ec247 (x-cal-webhook-version: 2021-10-20) + packages/features/webhooks/lib/sendPayload.ts@869be581acee93b8f5db97374627a6f0775fe0c1 (HMAC-SHA256 hex of the body)
    const w = await subscribed(["BOOKING_CREATED"], "whsec");
    await w.book(START);
    const [d] = await w.hook.next();
    expect(d!.headers["x-cal-webhook-version"]).toBe("2021-10-20");
    expect(d!.headers["x-cal-signature-256"]).toBe(createHmac("sha256", "whsec").update(d!.raw).digest("hex"));
    expect(d!.headers["content-type"]).toBe("application/json");
  });

  it("signs no-secret-provided without a secret", async () => {
    // cal.com packages/features/webhooks/lib/sendPayload.ts@869be581acee93b8f5db97374627a6f0775fe0c1 ("no-secret-provided")
    const w = await subscribed(["BOOKING_CREATED"]);
    await w.book(START);
    const [d] = await w.hook.next();
    expect(d!.headers["x-cal-signature-256"]).toBe("no-secret-provided");
  });

  it("words BOOKING_CREATED times without milliseconds and carries the event type details", async () => {
    // cal.com packages/features/webhooks/lib/factory/versioned/v2021-10-20/BookingPayloadBuilder.ts@6f51e40f1217c849a6b6bb6035e0c1c81d2ca02c (buildBookingPayload) + docs/developing/guides/automation/webhooks.mdx@bad32a8a125ed29905ba400b202b27655f3ec247 (BOOKING_CREATED example)
    const w = await subscribed(["BOOKING_CREATED"]);
    const booking = (await w.book(START)).body.data;
    const { event } = (await w.hook.next())[0]!;
    expect(event).toMatchObject({ triggerEvent: "BOOKING_CREATED", createdAt: "2049-09-05T12:00:00.000Z" });
    expect(event.payload).toMatchObject({
      type: "frisbee-match",
      startTime: "2049-09-06T07:00:00Z",
      endTime: "2049-09-06T08:00:00Z",
      uid: booking.uid,
      bookingId: booking.id,
      eventTypeId: w.eventType.id,
      eventTitle: "Frisbee match",
      length: 60,
      price: 0,
      currency: "usd",
      status: "ACCEPTED",
      location: "integrations:daily",
    });
  });

  it("gives organizer and attendees their utcOffset at the booking's start", async () => {
    // cal.com packages/features/webhooks/lib/factory/versioned/v2021-10-20/BookingPayloadBuilder.ts@6f51e40f1217c849a6b6bb6035e0c1c81d2ca02c (getUTCOffsetByTimezone(timeZone, startTime))
    const w = await subscribed(["BOOKING_CREATED"]);
    await w.book(START, { attendee: { ...w.attendee, timeZone: "America/New_York" } });
    const { event } = (await w.hook.next())[0]!;
    expect(event.payload.organizer).toMatchObject({ name: "Rome Host", timeZone: "Europe/Rome", language: { locale: "en" }, utcOffset: 120, timeFormat: "h:mma" });
    expect(event.payload.attendees).toEqual([expect.objectContaining({ name: "Ada Lovelace", timeZone: "America/New_York", language: { locale: "en" }, utcOffset: -240 })]);
  });

  it("keys responses by slug as { label, value, isHidden }", async () => {
    // cal.com docs/developing/guides/automation/webhooks.mdx@bad32a8a125ed29905ba400b202b27655f3ec247 (responses in the BOOKING_CREATED example)
    const w = await subscribed(["BOOKING_CREATED"]);
    await w.book(START);
    const { event } = (await w.hook.next())[0]!;
    expect(event.payload.responses.name).toEqual({ label: "your_name", value: "Ada Lovelace", isHidden: false });
    expect(event.payload.responses.email).toEqual({ label: "email_address", value: "ada@example.com", isHidden: false });
  });

  it("sends BOOKING_CANCELLED with +00:00 times, the reason and requestReschedule false", async () => {
    // cal.com docs/developing/guides/automation/webhooks.mdx@bad32a8a125ed29905ba400b202b27655f3ec247 (BOOKING_CANCELLED example) + v2021-10-20/BookingPayloadBuilder.ts@6f51e40f1217c849a6b6bb6035e0c1c81d2ca02c (cancelledBy, cancellationReason, requestReschedule)
    const w = await subscribed(["BOOKING_CANCELLED"]);
    const booking = (await w.book(START)).body.data;
    await w.call("POST", `/v2/bookings/${booking.uid}/cancel`, { key: w.apiKey, body: { cancellationReason: "Travelling" } });
    const { event } = (await w.hook.next())[0]!;
    expect(event.triggerEvent).toBe("BOOKING_CANCELLED");
    expect(event.payload).toMatchObject({ startTime: "2049-09-06T07:00:00+00:00", endTime: "2049-09-06T08:00:00+00:00", status: "CANCELLED", cancellationReason: "Travelling", requestReschedule: false, uid: booking.uid });
  });

  it("sends BOOKING_RESCHEDULED with the new booking and the old one's uid, id and times", async () => {
    // cal.com packages/features/webhooks/lib/factory/versioned/v2021-10-20/BookingPayloadBuilder.ts@6f51e40f1217c849a6b6bb6035e0c1c81d2ca02c (rescheduleId, rescheduleUid, rescheduleStartTime, rescheduleEndTime) + docs webhooks.mdx@bad32a8a125ed29905ba400b202b27655f3ec247
    const w = await subscribed(["BOOKING_RESCHEDULED"]);
    const old = (await w.book(START)).body.data;
    const moved = (await w.call("POST", `/v2/bookings/${old.uid}/reschedule`, { body: { start: "2049-09-06T09:00:00.000Z" } })).body.data;
    const { event } = (await w.hook.next())[0]!;
    expect(event.payload).toMatchObject({
      uid: moved.uid,
      bookingId: moved.id,
      startTime: "2049-09-06T09:00:00Z",
      rescheduleId: old.id,
      rescheduleUid: old.uid,
      rescheduleStartTime: "2049-09-06T07:00:00Z",
      rescheduleEndTime: "2049-09-06T08:00:00Z",
      status: "ACCEPTED",
    });
  });
});
