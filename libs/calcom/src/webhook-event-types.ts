import { CalcomError } from "./errors";

// The typed Cal.com webhook events `parseCalcomWebhook` (webhook-events.ts) reads deliveries into.

/** The triggers `parseCalcomWebhook` reads: subscribe a webhook to these. */
export const CALCOM_WEBHOOK_TRIGGERS = [
  "BOOKING_CREATED",
  "BOOKING_REQUESTED",
  "BOOKING_RESCHEDULED",
  "BOOKING_CANCELLED",
  "BOOKING_REJECTED",
  "BOOKING_NO_SHOW_UPDATED",
  "MEETING_ENDED",
] as const;
export type CalcomWebhookTrigger = (typeof CALCOM_WEBHOOK_TRIGGERS)[number];

/** Cal.com's BookingStatus, lower-cased. */
export type CalcomWebhookBookingStatus = "accepted" | "pending" | "cancelled" | "rejected" | "awaiting_host";

export interface CalcomWebhookAttendee {
  name: string;
  email: string | null;
  /** E.164 as the booker gave it; for the booker of a new booking, from the `attendeePhoneNumber` answer (or the SMS reminder number). */
  phoneNumber: string | null;
  timeZone: string | null;
  locale: string | null;
  /** Only MEETING_ENDED's booking row says it. */
  noShow: boolean | null;
}

export interface CalcomWebhookOrganizer {
  id: number | null;
  name: string | null;
  email: string | null;
  username: string | null;
  timeZone: string | null;
}

/** The booking a delivery is about. Times are ISO 8601 in UTC with milliseconds, whatever form Cal.com sent. */
export interface CalcomWebhookBooking {
  uid: string;
  /** Cal.com's numeric id. */
  id: number | null;
  eventTypeId: number | null;
  title: string | null;
  start: string;
  end: string;
  status: CalcomWebhookBookingStatus;
  organizer: CalcomWebhookOrganizer | null;
  attendees: CalcomWebhookAttendee[];
  /** What the booking was made with (Cal.com adds `videoCallUrl`); `{}` when the payload has none. */
  metadata: Record<string, unknown>;
  location: string | null;
  /** Booking-field answers by slug (values only; unanswered fields left out). */
  responses: Record<string, unknown>;
}

/** The booking a reschedule replaced (its times in the payload's own words, normalised). */
export interface CalcomWebhookPreviousBooking {
  uid: string;
  id: number | null;
  start: string | null;
  end: string | null;
}

/** A parsed delivery, discriminated by `triggerEvent`. `createdAt` is when Cal.com built the delivery. */
export type CalcomWebhookEvent =
  | { triggerEvent: "BOOKING_CREATED"; createdAt: string; booking: CalcomWebhookBooking }
  | {
      triggerEvent: "BOOKING_REQUESTED";
      createdAt: string;
      booking: CalcomWebhookBooking;
      /** Set when the pending booking is a reschedule awaiting the host. */
      previous: CalcomWebhookPreviousBooking | null;
      rescheduledBy: string | null;
    }
  | {
      triggerEvent: "BOOKING_RESCHEDULED";
      createdAt: string;
      /** The new booking (a new uid). */
      booking: CalcomWebhookBooking;
      /** The booking it replaced, now cancelled (Cal.com always names it; null only if a delivery did not). */
      previous: CalcomWebhookPreviousBooking | null;
      /** Email of who moved it (the attendee from the email link, the host, or what an API caller said). */
      rescheduledBy: string | null;
    }
  | {
      triggerEvent: "BOOKING_CANCELLED";
      createdAt: string;
      booking: CalcomWebhookBooking;
      cancellationReason: string | null;
      /** Email of who cancelled (host or attendee), when Cal.com knew. */
      cancelledBy: string | null;
      /** The host asked the attendee to pick a new time. */
      requestReschedule: boolean;
    }
  | { triggerEvent: "BOOKING_REJECTED"; createdAt: string; booking: CalcomWebhookBooking; rejectionReason: string | null }
  | {
      triggerEvent: "BOOKING_NO_SHOW_UPDATED";
      createdAt: string;
      bookingUid: string;
      bookingId: number | null;
      /** Cal.com's English sentence, e.g. "x marked as no-show". */
      message: string | null;
      attendees: { email: string; noShow: boolean }[];
    }
  | {
      triggerEvent: "MEETING_ENDED";
      /** Null in the scheduled-trigger form, which carries no delivery time. */
      createdAt: string | null;
      /** As it was when the booking was accepted (the scheduled form is frozen then). */
      booking: CalcomWebhookBooking;
      /** The uid of the booking this one was rescheduled from. */
      previousUid: string | null;
    };

/** A delivery that could not be read: `malformed` (not Cal.com's shape) or `unsupported_trigger` (a trigger not read here). */
export class CalcomWebhookParseError extends CalcomError {
  override name = "CalcomWebhookParseError";
  constructor(
    message: string,
    readonly reason: "malformed" | "unsupported_trigger",
    readonly triggerEvent: string | null,
    /** Each problem as `path: problem`, sorted. */
    readonly issues: string[] = [],
  ) {
    super(message);
  }
}
