import type { CalcomBooking, CalcomWebhookAttendee, CalcomWebhookEvent } from "@agni/calcom";

/** A booking's state as Cal.com names it; `rejected` is a request the host declined. */
export type ObservedStatus = "accepted" | "pending" | "cancelled" | "rejected";

/** What a webhook delivery or a reconciliation page says about one Cal.com booking, in one shape. */
export interface BookingObservation {
  uid: string;
  /**
   * The booking this one replaced (a reschedule): its uid; null when it replaced none; undefined when the source does
   * not say (a cancel or a decline names only the booking itself).
   */
  previousUid: string | null | undefined;
  status: ObservedStatus;
  start: Date;
  end: Date;
  eventTypeId: number | null;
  attendee: { name: string; email: string | null; phone: string | null; timeZone: string | null };
  /** The agent that made it through Agni (`metadata.agni_agent_id`), if any. */
  agentId: string | null;
  callSessionId: string | null;
  notes: string | null;
  /** Why it was cancelled or declined. */
  reason: string | null;
  /** Its host (Cal.com's organizer), when the source names one. */
  hostName: string | null;
}

/** One thing to apply to the mirror: a booking's state, or a no-show mark. */
export type MirrorChange = { kind: "booking"; observation: BookingObservation } | { kind: "no_show"; uid: string; noShow: boolean };

const str = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);

function attendeeOf(a: Pick<CalcomWebhookAttendee, "name" | "email" | "phoneNumber" | "timeZone"> | undefined) {
  return { name: a?.name ?? "", email: a?.email ?? null, phone: a?.phoneNumber ?? null, timeZone: a?.timeZone ?? null };
}

/**
 * A parsed Cal.com delivery as a mirror change; null for what the mirror does not keep (MEETING_ENDED: the booking is
 * unchanged). A confirmation arrives as BOOKING_CREATED of the pending booking, so it needs no case of its own.
 */
export function changeFromWebhook(event: CalcomWebhookEvent): MirrorChange | null {
  if (event.triggerEvent === "MEETING_ENDED") return null;
  if (event.triggerEvent === "BOOKING_NO_SHOW_UPDATED") {
    return { kind: "no_show", uid: event.bookingUid, noShow: event.attendees.some((a) => a.noShow) };
  }
  const b = event.booking;
  const base = {
    uid: b.uid,
    start: new Date(b.start),
    end: new Date(b.end),
    eventTypeId: b.eventTypeId,
    attendee: attendeeOf(b.attendees[0]),
    agentId: str(b.metadata.agni_agent_id),
    callSessionId: str(b.metadata.call_session_id),
    notes: str(b.responses.notes),
    hostName: str(b.organizer?.name),
  };
  switch (event.triggerEvent) {
    case "BOOKING_CREATED":
      return { kind: "booking", observation: { ...base, previousUid: null, status: b.status === "pending" ? "pending" : "accepted", reason: null } };
    case "BOOKING_REQUESTED":
      return { kind: "booking", observation: { ...base, previousUid: event.previous?.uid ?? null, status: "pending", reason: null } };
    case "BOOKING_RESCHEDULED":
      return { kind: "booking", observation: { ...base, previousUid: event.previous?.uid, status: b.status === "pending" ? "pending" : "accepted", reason: null } };
    case "BOOKING_CANCELLED":
      return { kind: "booking", observation: { ...base, previousUid: undefined, status: "cancelled", reason: event.cancellationReason } };
    case "BOOKING_REJECTED":
      return { kind: "booking", observation: { ...base, previousUid: undefined, status: "rejected", reason: event.rejectionReason } };
  }
}

const STATUSES: readonly string[] = ["accepted", "pending", "cancelled", "rejected"];
const isObservedStatus = (s: string): s is ObservedStatus => STATUSES.includes(s);

/**
 * A booking as `GET /v2/bookings` lists it, as an observation; null for one that was rescheduled (its successor names
 * it as `rescheduledFromUid`, which is how the mirror learns the chain) or whose status the mirror does not keep.
 */
export function observationFromBooking(b: CalcomBooking): BookingObservation | null {
  const status = b.status;
  if (b.rescheduledToUid || !isObservedStatus(status)) return null;
  const metadata = b.metadata ?? {};
  const a = b.attendees[0];
  return {
    uid: b.uid,
    previousUid: b.rescheduledFromUid ?? null,
    status,
    start: new Date(b.start),
    end: new Date(b.end),
    eventTypeId: b.eventType?.id ?? b.eventTypeId ?? null,
    attendee: { name: a?.name ?? "", email: a?.email ?? null, phone: a?.phoneNumber ?? null, timeZone: a?.timeZone ?? null },
    agentId: str(metadata.agni_agent_id),
    callSessionId: str(metadata.call_session_id),
    notes: str(b.bookingFieldsResponses?.notes),
    reason: b.cancellationReason ?? str(b.rejectionReason),
    hostName: str(b.hosts?.[0]?.name),
  };
}
