import { createHmac } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { closeAll, subscribedWorld } from "./harness";

// What the outside world does in Cal.com's web app (the booking page, the links in the emails, the host's bookings
// list) and the webhook each action fires, per actor and trigger. Tests play these through the sandbox's
// /_sandbox/web-app/… controls, over real HTTP.
afterEach(closeAll);

const START = "2049-09-06T07:00:00.000Z"; // Monday 09:00 in Rome (UTC+2)
const LATER = "2049-09-06T09:00:00.000Z";
const ALL = ["BOOKING_CREATED", "BOOKING_REQUESTED", "BOOKING_RESCHEDULED", "BOOKING_CANCELLED", "BOOKING_REJECTED", "BOOKING_NO_SHOW_UPDATED", "MEETING_ENDED"];

type World = Awaited<ReturnType<typeof subscribedWorld>>;
const web = (w: World, path: string, body: unknown = {}) => w.call("POST", `/_sandbox/web-app/bookings${path}`, { body });
const bookOnPage = (w: World, extra: Record<string, unknown> = {}) => web(w, "", { start: START, eventTypeId: w.eventType.id, attendee: w.attendee, ...extra });
const needsConfirmation = (w: World) => w.sandbox.addEventType(w.host.id, { title: "Needs OK", slug: "needs-ok", lengthInMinutes: 60, requiresConfirmation: true });
/** The events received so far, once every delivery in flight has ended. */
async function events(w: World) {
  await w.call("GET", "/_sandbox/webhook-deliveries");
  return w.hook.received.map((r) => JSON.parse(r.body));
}

describe("a booking made on the Cal.com booking page", () => {
  it("fires BOOKING_CREATED as handleNewBooking does for any booking", async () => {
    // cal.com packages/features/webhooks/lib/factory/versioned/v2021-10-20/BookingPayloadBuilder.ts@6f51e40f1217c849a6b6bb6035e0c1c81d2ca02c (BOOKING_CREATED: ACCEPTED) + docs/developing/guides/automation/webhooks.mdx@bad32a8a125ed29905ba400b202b27655f3ec247 (BOOKING_CREATED example: times without ms, metadata.videoCallUrl)
    const w = await subscribedWorld(ALL);
    const res = await bookOnPage(w, { metadata: { source: "page" } });
    expect(res.status).toBe(201);
    const [event] = await events(w);
    expect(event).toMatchObject({ triggerEvent: "BOOKING_CREATED", payload: { uid: res.body.data.uid, status: "ACCEPTED", startTime: "2049-09-06T07:00:00Z", requiresConfirmation: false } });
    expect(event.payload.metadata).toEqual({ videoCallUrl: `https://app.cal.com/video/${res.body.data.uid}`, source: "page" });
    expect((await w.call("GET", `/v2/bookings/${res.body.data.uid}`)).body.data.status).toBe("accepted");
  });

  it("carries Cal.com's hidden attendeePhoneNumber field among the responses, with the booker's phone when given", async () => {
    // cal.com docs/developing/guides/automation/webhooks.mdx@bad32a8a125ed29905ba400b202b27655f3ec247 (BOOKING_CREATED example: attendeePhoneNumber { label: "phone_number", isHidden: true })
    const w = await subscribedWorld(["BOOKING_CREATED"]);
    await bookOnPage(w);
    await bookOnPage(w, { start: LATER, attendee: { ...w.attendee, phoneNumber: "+393331234567" } });
    const [without, withPhone] = await events(w);
    expect(without.payload.responses.attendeePhoneNumber).toEqual({ label: "phone_number", isHidden: true });
    expect(withPhone.payload.responses.attendeePhoneNumber).toEqual({ label: "phone_number", value: "+393331234567", isHidden: true });
    expect(Object.keys(withPhone.payload.responses).slice(0, 3)).toEqual(["name", "email", "attendeePhoneNumber"]);
  });

  it("fires BOOKING_REQUESTED (PENDING, metadata without a video link) when the event type requires confirmation", async () => {
    // cal.com BookingPayloadBuilder.ts@6f51e40f1217c849a6b6bb6035e0c1c81d2ca02c (BOOKING_REQUESTED: PENDING) + docs webhooks.mdx@bad32a8a125ed29905ba400b202b27655f3ec247 (BOOKING_REQUESTED example: requiresConfirmation true, metadata {})
    const w = await subscribedWorld(ALL);
    const et = needsConfirmation(w);
    const res = await bookOnPage(w, { eventTypeId: et.id });
    expect(res.body.data.status).toBe("pending");
    const triggers = (await events(w)).map((e) => e.triggerEvent);
    expect(triggers).toEqual(["BOOKING_REQUESTED"]);
    const [event] = await events(w);
    expect(event.payload).toMatchObject({ uid: res.body.data.uid, status: "PENDING", requiresConfirmation: true, metadata: {}, eventTypeId: et.id });
  });

  it("makes an API booking of such an event type pending too", async () => {
    // cal.com BookingPayloadBuilder.ts@6f51e40f1217c849a6b6bb6035e0c1c81d2ca02c (BOOKING_REQUESTED) — API v2 bookings go through the same handleNewBooking
    const w = await subscribedWorld(ALL);
    const et = needsConfirmation(w);
    const res = await w.book(START, { eventTypeId: et.id });
    expect(res.body.data.status).toBe("pending");
    expect((await events(w)).map((e) => e.triggerEvent)).toEqual(["BOOKING_REQUESTED"]);
  });
});

describe("the host confirms or declines a booking that requires confirmation", () => {
  it("confirming fires BOOKING_CREATED with the confirm handler's times and only the video link as metadata", async () => {
    // cal.com packages/features/bookings/lib/handleConfirmation.ts@9b88cc39b6c278345d380f3a82abe5f10937fe98 (BOOKING_CREATED, status ACCEPTED, metadata { videoCallUrl }) + packages/trpc/server/routers/viewer/bookings/confirm.handler.ts@008952de0ac2d35c3056ac98034e1012033c0867 (evt times toISOString)
    const w = await subscribedWorld(ALL);
    const et = needsConfirmation(w);
    const uid = (await bookOnPage(w, { eventTypeId: et.id, metadata: { source: "page" } })).body.data.uid;
    const res = await web(w, `/${uid}/confirm`);
    expect(res.status).toBe(200);
    expect(res.body.data.status).toBe("accepted");
    const created = (await events(w)).find((e) => e.triggerEvent === "BOOKING_CREATED");
    expect(created.payload).toMatchObject({ uid, status: "ACCEPTED", startTime: "2049-09-06T07:00:00.000Z", endTime: "2049-09-06T08:00:00.000Z" });
    expect(created.payload.metadata).toEqual({ videoCallUrl: `https://app.cal.com/video/${uid}` });
  });

  it("declining fires BOOKING_REJECTED with the reason, as the docs' example", async () => {
    // cal.com confirm.handler.ts@008952de0ac2d35c3056ac98034e1012033c0867 (evt.rejectionReason, status REJECTED) + docs webhooks.mdx@bad32a8a125ed29905ba400b202b27655f3ec247 (BOOKING_REJECTED example: ms times, responses by slug, attendees with phoneNumber)
    const w = await subscribedWorld(ALL);
    const et = needsConfirmation(w);
    const uid = (await bookOnPage(w, { eventTypeId: et.id })).body.data.uid;
    const res = await web(w, `/${uid}/reject`, { reason: "Fully booked that week" });
    expect(res.body.data.status).toBe("rejected");
    const rejected = (await events(w)).find((e) => e.triggerEvent === "BOOKING_REJECTED");
    expect(rejected.payload).toMatchObject({ uid, status: "REJECTED", rejectionReason: "Fully booked that week", requiresConfirmation: true, startTime: "2049-09-06T07:00:00.000Z" });
    expect(rejected.payload.responses.name).toEqual({ label: "name", value: "Ada Lovelace" });
    expect(rejected.payload.attendees[0]).toMatchObject({ email: "ada@example.com", phoneNumber: null });
    expect(rejected.payload).not.toHaveProperty("metadata");
  });

  it("refuses to confirm a booking that is already accepted", async () => {
    // cal.com confirm.handler.ts@008952de0ac2d35c3056ac98034e1012033c0867 (BAD_REQUEST "Booking already confirmed")
    const w = await subscribedWorld(ALL);
    const uid = (await bookOnPage(w)).body.data.uid;
    const res = await web(w, `/${uid}/confirm`);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe("Booking already confirmed");
  });
});

describe("rescheduling", () => {
  it("by the attendee from the email link: BOOKING_RESCHEDULED naming the old booking and rescheduledBy the attendee", async () => {
    // cal.com packages/lib/CalEventParser.ts@7962c13eb6928710d8bbd0cadbcedc25d017afe6 (getRescheduleLink: ?rescheduledBy=<attendee email>) + BookingPayloadBuilder.ts@6f51e40f1217c849a6b6bb6035e0c1c81d2ca02c (rescheduleId, rescheduleUid, rescheduleStartTime, rescheduleEndTime, rescheduledBy)
    const w = await subscribedWorld(ALL);
    const old = (await bookOnPage(w)).body.data;
    const res = await web(w, `/${old.uid}/reschedule`, { start: LATER, by: "attendee", reschedulingReason: "train late" });
    expect(res.status).toBe(201);
    const moved = res.body.data;
    expect(moved).toMatchObject({ rescheduledFromUid: old.uid, status: "accepted", start: LATER });
    expect((await w.call("GET", `/v2/bookings/${old.uid}`)).body.data).toMatchObject({ status: "cancelled", rescheduledToUid: moved.uid });
    const triggers = (await events(w)).map((e) => e.triggerEvent);
    expect(triggers).toEqual(["BOOKING_CREATED", "BOOKING_RESCHEDULED"]);
    const event = (await events(w))[1];
    expect(event.payload).toMatchObject({
      uid: moved.uid,
      rescheduleId: old.id,
      rescheduleUid: old.uid,
      rescheduleStartTime: "2049-09-06T07:00:00Z",
      rescheduleEndTime: "2049-09-06T08:00:00Z",
      rescheduledBy: "ada@example.com",
      status: "ACCEPTED",
    });
  });

  it("by the host in the app: rescheduledBy is the host", async () => {
    // cal.com BookingPayloadBuilder.ts@6f51e40f1217c849a6b6bb6035e0c1c81d2ca02c (rescheduledBy) + packages/features/webhooks/lib/service/WebhookTaskConsumer.ts@0a815636636fb31d52f2348e09d5be64855da62a (rescheduledBy read from the previous booking)
    const w = await subscribedWorld(["BOOKING_RESCHEDULED"]);
    const old = (await bookOnPage(w)).body.data;
    await web(w, `/${old.uid}/reschedule`, { start: LATER, by: "host" });
    const [event] = await events(w);
    expect(event.payload.rescheduledBy).toBe(w.host.email);
  });

  it("through the API: rescheduledBy is what the request said", async () => {
    // cal.com BookingPayloadBuilder.ts@6f51e40f1217c849a6b6bb6035e0c1c81d2ca02c (rescheduledBy) with RescheduleBookingInput_2024_08_13.rescheduledBy
    const w = await subscribedWorld(["BOOKING_RESCHEDULED"]);
    const old = (await w.book(START)).body.data;
    await w.call("POST", `/v2/bookings/${old.uid}/reschedule`, { body: { start: LATER, rescheduledBy: "ada@example.com" } });
    const [event] = await events(w);
    expect(event.payload).toMatchObject({ rescheduleUid: old.uid, rescheduledBy: "ada@example.com" });
  });

  it("of a booking that requires confirmation: the attendee's new time awaits the host (BOOKING_REQUESTED), the host's does not", async () => {
    // cal.com BookingPayloadBuilder.ts@6f51e40f1217c849a6b6bb6035e0c1c81d2ca02c (BOOKING_REQUESTED) + libs/calcom RescheduleBookingInput (the event type owner's rescheduledBy confirms a booking that needs confirmation)
    const w = await subscribedWorld(["BOOKING_REQUESTED", "BOOKING_RESCHEDULED"]);
    const et = needsConfirmation(w);
    const first = (await bookOnPage(w, { eventTypeId: et.id })).body.data;
    await web(w, `/${first.uid}/confirm`);
    const byAttendee = (await web(w, `/${first.uid}/reschedule`, { start: LATER, by: "attendee" })).body.data;
    expect(byAttendee.status).toBe("pending");
    const byHost = (await web(w, `/${byAttendee.uid}/reschedule`, { start: "2049-09-06T11:00:00.000Z", by: "host" })).body.data;
    expect(byHost.status).toBe("accepted");
    const received = (await events(w)).map((e) => [e.triggerEvent, e.payload.uid, e.payload.rescheduleUid]);
    expect(received).toEqual([
      ["BOOKING_REQUESTED", first.uid, undefined],
      ["BOOKING_REQUESTED", byAttendee.uid, first.uid],
      ["BOOKING_RESCHEDULED", byHost.uid, byAttendee.uid],
    ]);
  });
});

describe("cancelling", () => {
  it("by the host in the app: cancelledBy the host, with the reason the host must give", async () => {
    // cal.com BookingPayloadBuilder.ts@6f51e40f1217c849a6b6bb6035e0c1c81d2ca02c (BOOKING_CANCELLED: cancelledBy, cancellationReason, requestReschedule false) + handleCancelBooking.test.ts@ce18be5f3d4eaa1cecb7d7d28949e6f63114ee01 (a host must give a reason)
    const w = await subscribedWorld(["BOOKING_CANCELLED"]);
    const uid = (await bookOnPage(w)).body.data.uid;
    const refused = await web(w, `/${uid}/cancel`, { by: "host" });
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({ statusCode: 400, message: "Cancellation reason is required when you are the host" });
    const res = await web(w, `/${uid}/cancel`, { by: "host", cancellationReason: "Sick" });
    expect(res.body.data).toMatchObject({ status: "cancelled", cancellationReason: "Sick", cancelledByEmail: w.host.email });
    const [event] = await events(w);
    expect(event.payload).toMatchObject({ uid, status: "CANCELLED", cancellationReason: "Sick", cancelledBy: w.host.email, requestReschedule: false, startTime: "2049-09-06T07:00:00+00:00" });
  });

  it("by the attendee from the email link: cancelledBy the attendee, no reason needed", async () => {
    // cal.com packages/lib/CalEventParser.ts@7962c13eb6928710d8bbd0cadbcedc25d017afe6 (getCancelLink: ?cancelledBy=<attendee email>) + packages/features/bookings/lib/cancellationReason.ts@71bc4fbd0dea7c29eafbd05be61839514ec5136f (reason mandatory for the host only)
    const w = await subscribedWorld(["BOOKING_CANCELLED"]);
    const uid = (await bookOnPage(w)).body.data.uid;
    const res = await web(w, `/${uid}/cancel`, { by: "attendee" });
    expect(res.status).toBe(200);
    const [event] = await events(w);
    expect(event.payload).toMatchObject({ uid, cancelledBy: "ada@example.com", cancellationReason: "" });
  });
});

describe("no-shows", () => {
  it("marking the attendee fires BOOKING_NO_SHOW_UPDATED in the docs' shape, without touching the booking's updatedAt", async () => {
    // cal.com packages/features/handleMarkNoShow.ts@b7e3bb65b3da7cc59c19ea43624d63195fcf6b6e (x_marked_as_no_show, attendees [{ email, noShow }], bookingUid, bookingId; only attendee rows change) + docs webhooks.mdx@bad32a8a125ed29905ba400b202b27655f3ec247 (BOOKING_NO_SHOW_UPDATED examples)
    const w = await subscribedWorld(["BOOKING_NO_SHOW_UPDATED"]);
    const booking = (await bookOnPage(w)).body.data;
    w.clock.now = Date.parse("2049-09-06T08:30:00Z");
    const res = await web(w, `/${booking.uid}/no-show`, { attendeeEmail: "ada@example.com", noShow: true });
    expect(res.status).toBe(200);
    expect(res.body.data.attendees[0].absent).toBe(true);
    expect(res.body.data.updatedAt).toBe(booking.updatedAt);
    await web(w, `/${booking.uid}/no-show`, { attendeeEmail: "ada@example.com", noShow: false });
    const [marked, unmarked] = await events(w);
    expect(marked).toEqual({
      triggerEvent: "BOOKING_NO_SHOW_UPDATED",
      createdAt: "2049-09-06T08:30:00.000Z",
      payload: { message: "ada@example.com marked as no-show", attendees: [{ email: "ada@example.com", noShow: true }], bookingUid: booking.uid, bookingId: booking.id },
    });
    expect(unmarked.payload.message).toBe("ada@example.com unmarked as no-show");
  });

  it("refuses before the meeting has started", async () => {
    // cal.com packages/features/handleMarkNoShow.ts@b7e3bb65b3da7cc59c19ea43624d63195fcf6b6e (assertCanAccessBooking: 403 "Cannot mark no-show before the meeting has started.")
    const w = await subscribedWorld(["BOOKING_NO_SHOW_UPDATED"]);
    const uid = (await bookOnPage(w)).body.data.uid;
    const res = await web(w, `/${uid}/no-show`, {});
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe("Cannot mark no-show before the meeting has started.");
  });

  it("marking the host sets absentHost and fires no webhook", async () => {
    // cal.com packages/features/handleMarkNoShow.ts@b7e3bb65b3da7cc59c19ea43624d63195fcf6b6e (noShowHost: booking updated, no webhook)
    const w = await subscribedWorld(ALL);
    const uid = (await bookOnPage(w)).body.data.uid;
    w.clock.now = Date.parse("2049-09-06T08:30:00Z");
    const res = await web(w, `/${uid}/no-show`, { host: true });
    expect(res.body.data.absentHost).toBe(true);
    expect((await events(w)).map((e) => e.triggerEvent)).toEqual(["BOOKING_CREATED"]);
  });
});

describe("MEETING_ENDED", () => {
  it("is sent by the scheduled-triggers cron once the meeting has ended: the booking row flattened beside triggerEvent, signed, no version header", async () => {
    // cal.com packages/features/webhooks/lib/scheduleTrigger.ts@008952de0ac2d35c3056ac98034e1012033c0867 (payload JSON.stringify({ triggerEvent, ...booking }), startAfter = endTime) + handleWebhookScheduledTriggers.ts@00eb5dc8947c5c986f53f7dc34485f43c023f090 (Content-Type and X-Cal-Signature-256 only) + docs webhooks.mdx@bad32a8a125ed29905ba400b202b27655f3ec247 (MEETING_ENDED example)
    const w = await subscribedWorld(["MEETING_ENDED"], { secret: "whsec" });
    const booking = (await bookOnPage(w)).body.data;
    await w.call("POST", "/_sandbox/webhook-cron");
    expect(w.hook.received).toHaveLength(0); // not yet ended
    w.clock.now = Date.parse("2049-09-06T08:00:00Z");
    await w.call("POST", "/_sandbox/webhook-cron");
    const [d] = await w.hook.next();
    expect(d!.event).toMatchObject({ triggerEvent: "MEETING_ENDED", id: booking.id, uid: booking.uid, startTime: START, endTime: "2049-09-06T08:00:00.000Z", status: "ACCEPTED", eventTypeId: w.eventType.id });
    expect(d!.event).not.toHaveProperty("payload");
    expect(d!.event.attendees[0]).toMatchObject({ email: "ada@example.com", name: "Ada Lovelace", noShow: false });
    expect(d!.headers["x-cal-signature-256"]).toBe(createHmac("sha256", "whsec").update(d!.raw).digest("hex"));
    expect(d!.headers["x-cal-webhook-version"]).toBeUndefined();
    await w.call("POST", "/_sandbox/webhook-cron");
    expect(w.hook.received).toHaveLength(1); // sent once, then deleted
  });

  it("is not sent for a cancelled or rescheduled booking, and a trigger more than a day overdue is deleted unsent", async () => {
    // cal.com scheduleTrigger.ts@008952de0ac2d35c3056ac98034e1012033c0867 (deleteWebhookScheduledTriggers on cancel/reschedule) + handleWebhookScheduledTriggers.ts@00eb5dc8947c5c986f53f7dc34485f43c023f090 (deleteMany startAfter <= now - 1 day first)
    const w = await subscribedWorld(["MEETING_ENDED"]);
    const cancelled = (await bookOnPage(w)).body.data;
    await web(w, `/${cancelled.uid}/cancel`, { by: "attendee" });
    const moved = (await bookOnPage(w, { start: "2049-09-06T10:00:00.000Z" })).body.data;
    const replacement = (await web(w, `/${moved.uid}/reschedule`, { start: "2049-09-07T10:00:00.000Z", by: "attendee" })).body.data;
    w.clock.now = Date.parse("2049-09-06T23:00:00Z");
    await w.call("POST", "/_sandbox/webhook-cron");
    expect(w.hook.received).toHaveLength(0);
    w.clock.now = Date.parse("2049-09-09T00:00:00Z"); // the replacement ended over a day ago
    await w.call("POST", "/_sandbox/webhook-cron");
    expect(w.hook.received).toHaveLength(0);
    expect(replacement.uid).toBeTruthy();
  });
});
