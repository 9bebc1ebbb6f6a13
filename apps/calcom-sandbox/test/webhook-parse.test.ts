import { CALCOM_WEBHOOK_TRIGGERS, type CalcomWebhookEvent, parseCalcomWebhook, verifyWebhookSignature } from "@agni/calcom";
import { afterEach, describe, expect, it } from "vitest";
import { closeAll, subscribedWorld } from "./fidelity/harness";

// libs/calcom's parseCalcomWebhook on every delivery the sandbox makes: each trigger, each actor, each path's
// formats (the booking page, the email links, the host's confirm/decline, the no-show marks, MEETING_ENDED's cron).
afterEach(closeAll);

const START = "2049-09-06T07:00:00.000Z";

describe("parseCalcomWebhook on the sandbox's deliveries", () => {
  it("reads every trigger the mirror subscribes to, with the fields it needs", async () => {
    const w = await subscribedWorld([...CALCOM_WEBHOOK_TRIGGERS], { secret: "whsec_parse" });
    const needsOk = w.sandbox.addEventType(w.host.id, { title: "Needs OK", slug: "needs-ok", lengthInMinutes: 60, requiresConfirmation: true });
    const attendee = { ...w.attendee, phoneNumber: "+393331234567" };
    const booked = await w.sandbox.webApp.book({ start: START, eventTypeId: w.eventType.id, attendee, metadata: { crm: "42" } });
    const moved = await w.sandbox.webApp.reschedule(booked.uid, { start: "2049-09-06T09:00:00.000Z", by: "attendee" });
    w.clock.now = Date.parse("2049-09-06T10:30:00Z");
    await w.sandbox.webApp.markNoShow(moved.uid, {});
    await w.sandbox.runWebhookCron();
    const pending = await w.sandbox.webApp.book({ start: "2049-09-07T07:00:00.000Z", eventTypeId: needsOk.id, attendee });
    await w.sandbox.webApp.reject(pending.uid, { reason: "Away" });
    const again = await w.sandbox.webApp.book({ start: "2049-09-08T07:00:00.000Z", eventTypeId: needsOk.id, attendee });
    await w.sandbox.webApp.confirm(again.uid);
    await w.sandbox.webApp.cancel(again.uid, { by: "host", cancellationReason: "Ill" });
    await w.sandbox.webhooksSettled();

    for (const r of w.hook.received) expect(verifyWebhookSignature(r.body, r.headers["x-cal-signature-256"] as string, "whsec_parse")).toBe(true);
    const events: CalcomWebhookEvent[] = w.hook.received.map((r) => parseCalcomWebhook(r.body));
    expect(events.map((e) => e.triggerEvent)).toEqual([
      "BOOKING_CREATED",
      "BOOKING_RESCHEDULED",
      "BOOKING_NO_SHOW_UPDATED",
      "MEETING_ENDED",
      "BOOKING_REQUESTED",
      "BOOKING_REJECTED",
      "BOOKING_REQUESTED",
      "BOOKING_CREATED",
      "BOOKING_CANCELLED",
    ]);
    const [created, rescheduled, noShow, ended, requested, rejected, , confirmed, cancelled] = events;

    expect(created).toMatchObject({
      createdAt: "2049-09-05T12:00:00.000Z",
      booking: {
        uid: booked.uid,
        id: booked.id,
        eventTypeId: w.eventType.id,
        start: START,
        end: "2049-09-06T08:00:00.000Z",
        status: "accepted",
        organizer: { id: w.host.id, email: w.host.email, timeZone: "Europe/Rome" },
        attendees: [{ name: "Ada Lovelace", email: "ada@example.com", phoneNumber: "+393331234567", timeZone: "Europe/Rome", locale: "en" }],
        metadata: { crm: "42" },
      },
    });
    expect(rescheduled).toMatchObject({
      booking: { uid: moved.uid, start: "2049-09-06T09:00:00.000Z", status: "accepted" },
      previous: { uid: booked.uid, id: booked.id, start: START, end: "2049-09-06T08:00:00.000Z" },
      rescheduledBy: "ada@example.com",
    });
    expect(noShow).toMatchObject({ bookingUid: moved.uid, bookingId: moved.id, attendees: [{ email: "ada@example.com", noShow: true }] });
    expect(ended).toMatchObject({ createdAt: null, previousUid: booked.uid, booking: { uid: moved.uid, status: "accepted", attendees: [{ phoneNumber: "+393331234567" }] } });
    expect(requested).toMatchObject({ booking: { uid: pending.uid, status: "pending" }, previous: null });
    expect(rejected).toMatchObject({ booking: { uid: pending.uid, status: "rejected", start: "2049-09-07T07:00:00.000Z" }, rejectionReason: "Away" });
    expect(confirmed).toMatchObject({ booking: { uid: again.uid, status: "accepted", start: "2049-09-08T07:00:00.000Z" } });
    expect(cancelled).toMatchObject({ booking: { uid: again.uid, status: "cancelled" }, cancellationReason: "Ill", cancelledBy: w.host.email, requestReschedule: false });
  });
});
