import type { CalcomBooking, CalcomWebhookBooking } from "@agni/calcom";
import { describe, expect, it } from "vitest";
import { changeFromWebhook, observationFromBooking } from "./observation";

const booking: CalcomWebhookBooking = {
  uid: "new-uid",
  id: 7,
  eventTypeId: 3,
  title: "Call",
  start: "2026-12-10T09:00:00.000Z",
  end: "2026-12-10T09:30:00.000Z",
  status: "accepted",
  organizer: null,
  attendees: [{ name: "Ada", email: "ada@example.com", phoneNumber: "+4915112345678", timeZone: "Europe/Berlin", locale: null, noShow: null }],
  metadata: { agni_agent_id: "0192f5d4-8a1e-7c3b-9d2a-5b6c7d8e9f01", call_session_id: "call-1" },
  location: null,
  responses: { notes: "Side door" },
};
const createdAt = "2026-12-02T09:00:00.000Z";

describe("what the mirror reads from a Cal.com delivery", () => {
  it("a created booking replaced none; a reschedule names its predecessor; a cancel or decline does not say", () => {
    expect(changeFromWebhook({ triggerEvent: "BOOKING_CREATED", createdAt, booking })).toEqual({
      kind: "booking",
      observation: {
        uid: "new-uid",
        previousUid: null,
        status: "accepted",
        start: new Date(booking.start),
        end: new Date(booking.end),
        eventTypeId: 3,
        attendee: { name: "Ada", email: "ada@example.com", phone: "+4915112345678", timeZone: "Europe/Berlin" },
        agentId: "0192f5d4-8a1e-7c3b-9d2a-5b6c7d8e9f01",
        callSessionId: "call-1",
        notes: "Side door",
        reason: null,
        hostName: null,
      },
    });
    const previous = { uid: "old-uid", id: 6, start: null, end: null };
    expect(changeFromWebhook({ triggerEvent: "BOOKING_RESCHEDULED", createdAt, booking, previous, rescheduledBy: null })).toMatchObject({ observation: { previousUid: "old-uid", status: "accepted" } });
    expect(changeFromWebhook({ triggerEvent: "BOOKING_REQUESTED", createdAt, booking: { ...booking, status: "pending" }, previous: null, rescheduledBy: null })).toMatchObject({
      observation: { previousUid: null, status: "pending" },
    });
    const cancelled = changeFromWebhook({ triggerEvent: "BOOKING_CANCELLED", createdAt, booking, cancellationReason: "Ill", cancelledBy: null, requestReschedule: false });
    expect(cancelled).toMatchObject({ observation: { status: "cancelled", reason: "Ill" } });
    expect(cancelled?.kind === "booking" && cancelled.observation.previousUid).toBeUndefined();
    expect(changeFromWebhook({ triggerEvent: "BOOKING_REJECTED", createdAt, booking, rejectionReason: "Busy" })).toMatchObject({ observation: { status: "rejected", reason: "Busy" } });
  });

  it("a no-show mark is its own change; a meeting that ended changes nothing", () => {
    const attendees = [{ email: "ada@example.com", noShow: true }];
    expect(changeFromWebhook({ triggerEvent: "BOOKING_NO_SHOW_UPDATED", createdAt, bookingUid: "u", bookingId: 1, message: null, attendees })).toEqual({ kind: "no_show", uid: "u", noShow: true });
    expect(changeFromWebhook({ triggerEvent: "MEETING_ENDED", createdAt: null, booking, previousUid: null })).toBeNull();
  });
});

describe("what the mirror reads from a Cal.com bookings page", () => {
  const listed: CalcomBooking = {
    id: 8,
    uid: "b-2",
    status: "accepted",
    start: "2026-12-10T10:00:00.000Z",
    end: "2026-12-10T10:45:00.000Z",
    eventTypeId: 3,
    attendees: [{ name: "Bob", email: "bob@example.com", timeZone: "UTC" }],
    rescheduledFromUid: "b-1",
    metadata: {},
  };

  it("names the booking it replaced, and skips one that was replaced (its successor carries the chain)", () => {
    expect(observationFromBooking(listed)).toMatchObject({ uid: "b-2", previousUid: "b-1", status: "accepted", agentId: null, attendee: { name: "Bob", phone: null } });
    expect(observationFromBooking({ ...listed, status: "cancelled", rescheduledToUid: "b-3" })).toBeNull();
    expect(observationFromBooking({ ...listed, status: "rejected", rejectionReason: "Busy" })).toMatchObject({ status: "rejected", reason: "Busy" });
    expect(observationFromBooking({ ...listed, status: "awaiting_host" })).toBeNull();
  });
});
