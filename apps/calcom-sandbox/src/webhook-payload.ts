import { DateTime } from "luxon";
import type { SandboxStore, StoredBooking } from "./store";

// Webhook bodies as Cal.com sends them, version 2021-10-20 (calcom/cal.com
// packages/features/webhooks/lib/factory/versioned/v2021-10-20/BookingPayloadBuilder.ts @ 6f51e40f1217c849a6b6bb6035e0c1c81d2ca02c,
// with the field formats of docs/developing/guides/automation/webhooks.mdx @ bad32a8a125ed29905ba400b202b27655f3ec247):
// the CalendarEvent spread into `payload`, organizer and attendees with `utcOffset`, event type details, and the
// trigger's extras. The CalendarEvent differs by the code path that built it:
// - handleNewBooking (created, requested, rescheduled): times `…THH:mm:ssZ`, responses labelled with `isHidden`;
// - handleCancelBooking (cancelled): times `…+00:00`, answered responses by slug, attendees with `phoneNumber`;
// - the bookings confirm handler (confirmed → BOOKING_CREATED, declined → BOOKING_REJECTED,
//   packages/trpc/server/routers/viewer/bookings/confirm.handler.ts @ 008952de0ac2d35c3056ac98034e1012033c0867 and
//   packages/features/bookings/lib/handleConfirmation.ts @ 9b88cc39b6c278345d380f3a82abe5f10937fe98): times from
//   toISOString(), responses and attendees as the cancel path words them (the docs' BOOKING_REJECTED example).

export type BookingTrigger = "BOOKING_CREATED" | "BOOKING_REQUESTED" | "BOOKING_RESCHEDULED" | "BOOKING_CANCELLED" | "BOOKING_REJECTED";

/** A change of a booking that fires webhooks. `previous`: the booking a reschedule replaced. */
export type WebhookEvent =
  | { trigger: "BOOKING_CREATED"; booking: StoredBooking; /** Made by the host's confirmation of a pending booking. */ confirmed?: boolean }
  | { trigger: "BOOKING_REQUESTED" | "BOOKING_RESCHEDULED"; booking: StoredBooking; previous?: StoredBooking; rescheduledBy?: string }
  | { trigger: "BOOKING_CANCELLED" | "BOOKING_REJECTED"; booking: StoredBooking }
  | { trigger: "BOOKING_NO_SHOW_UPDATED"; booking: StoredBooking; attendee: { email: string; noShow: boolean } };

type Path = "booking" | "cancel" | "confirm";

// Labels of Cal.com's default booking fields (i18n keys, as the BOOKING_CREATED example shows them).
const LABELS: Record<string, string> = {
  name: "your_name",
  email: "email_address",
  attendeePhoneNumber: "phone_number",
  location: "location",
  title: "what_is_this_meeting_about",
  notes: "additional_notes",
  guests: "additional_guests",
  rescheduleReason: "reason_for_reschedule",
};

const STATUS: Record<BookingTrigger, string> = {
  BOOKING_CREATED: "ACCEPTED",
  BOOKING_REQUESTED: "PENDING",
  BOOKING_RESCHEDULED: "ACCEPTED",
  BOOKING_CANCELLED: "CANCELLED",
  BOOKING_REJECTED: "REJECTED",
};

const utcOffset = (zone: string, at: number) => DateTime.fromMillis(at, { zone }).offset;
const utc = (ms: number) => DateTime.fromMillis(ms, { zone: "utc" });
const TIME_FORMATS: Record<Path, (ms: number) => string> = {
  booking: (ms) => utc(ms).toFormat("yyyy-MM-dd'T'HH:mm:ss'Z'"),
  cancel: (ms) => utc(ms).toFormat("yyyy-MM-dd'T'HH:mm:ssZZ"),
  confirm: (ms) => new Date(ms).toISOString(),
};
const videoCallUrl = (b: StoredBooking) => `https://app.cal.com/video/${b.uid}`;

/**
 * Responses keyed by slug. The booking path labels every field of the event type with `isHidden`, Cal.com's hidden
 * system field `attendeePhoneNumber` included (the docs' BOOKING_CREATED example); the cancel and confirm paths word
 * the stored answers by their keys.
 */
function responsesOf(store: SandboxStore, b: StoredBooking, path: Path) {
  const answers = b.bookingFieldsResponses;
  if (path !== "booking") return Object.fromEntries(Object.entries(answers).map(([slug, value]) => [slug, { label: slug, value }]));
  const fields = [...(store.eventTypes.get(b.eventTypeId)?.bookingFields ?? [])];
  if (!fields.some((f) => f.slug === "attendeePhoneNumber")) fields.splice(2, 0, { type: "phone", slug: "attendeePhoneNumber", required: false, hidden: true, isDefault: true });
  return Object.fromEntries(
    fields.map((f) => [f.slug, { label: f.isDefault ? (LABELS[f.slug] ?? f.slug) : (f.label ?? f.slug), ...(answers[f.slug] !== undefined ? { value: answers[f.slug] } : {}), isHidden: !!f.hidden }]),
  );
}

function bookingPayload(store: SandboxStore, event: Extract<WebhookEvent, { trigger: BookingTrigger }>) {
  const { trigger, booking: b } = event;
  const path: Path = trigger === "BOOKING_CANCELLED" ? "cancel" : trigger === "BOOKING_REJECTED" || (trigger === "BOOKING_CREATED" && event.confirmed) ? "confirm" : "booking";
  const time = TIME_FORMATS[path];
  const host = store.userById(b.userId);
  const et = store.eventTypes.get(b.eventTypeId);
  const answers = b.bookingFieldsResponses;
  const fields = et?.bookingFields ?? [];
  const userFieldsResponses = Object.fromEntries(fields.filter((f) => !f.isDefault && answers[f.slug] !== undefined).map((f) => [f.slug, { label: f.label ?? f.slug, value: answers[f.slug] }]));
  const notes = typeof answers.notes === "string" ? answers.notes : "";
  // handleNewBooking: { ...videoCallUrl when a meeting was created, ...the request's metadata }; the confirm handler:
  // the video link only; cancel and reject: none.
  const metadata =
    path === "confirm" && trigger === "BOOKING_CREATED"
      ? { videoCallUrl: videoCallUrl(b) }
      : path === "booking"
        ? { ...(trigger === "BOOKING_REQUESTED" ? {} : { videoCallUrl: videoCallUrl(b) }), ...b.metadata }
        : undefined;
  const previous = "previous" in event ? event.previous : undefined;
  return {
    type: et?.slug ?? "",
    title: b.title,
    description: notes,
    additionalNotes: notes,
    customInputs: {},
    startTime: time(b.start),
    endTime: time(b.end),
    organizer: {
      id: host.id,
      name: host.name,
      email: host.email,
      username: host.username,
      timeZone: host.timeZone,
      language: { locale: "en" },
      timeFormat: host.timeFormat === 24 ? "HH:mm" : "h:mma",
      utcOffset: utcOffset(host.timeZone, b.start),
    },
    attendees: [
      {
        name: b.attendee.name,
        email: b.attendee.email,
        timeZone: b.attendee.timeZone,
        ...(path !== "booking" ? { phoneNumber: b.attendee.phoneNumber ?? null } : {}),
        language: { locale: b.attendee.language },
        utcOffset: utcOffset(b.attendee.timeZone, b.start),
      },
    ],
    responses: responsesOf(store, b, path),
    userFieldsResponses,
    location: b.location,
    uid: b.uid,
    bookingId: b.id,
    eventTypeId: b.eventTypeId,
    eventTitle: et?.title ?? null,
    eventDescription: et?.description ?? null,
    requiresConfirmation: et?.requiresConfirmation ?? false,
    price: 0,
    currency: "usd",
    length: et?.lengthInMinutes ?? null,
    ...(metadata ? { metadata } : {}),
    status: STATUS[trigger],
    ...(trigger === "BOOKING_CANCELLED" ? { cancellationReason: b.cancellationReason, cancelledBy: b.cancelledBy, requestReschedule: false } : {}),
    ...(trigger === "BOOKING_REJECTED" ? { rejectionReason: b.rejectionReason } : {}),
    ...(previous
      ? {
          rescheduleId: previous.id,
          rescheduleUid: previous.uid,
          rescheduleStartTime: TIME_FORMATS.booking(previous.start),
          rescheduleEndTime: TIME_FORMATS.booking(previous.end),
        }
      : {}),
    ...("rescheduledBy" in event && event.rescheduledBy ? { rescheduledBy: event.rescheduledBy } : {}),
  };
}

/** The body of a booking trigger or of BOOKING_NO_SHOW_UPDATED, as `{ triggerEvent, createdAt, payload }`. */
export function webhookBody(store: SandboxStore, event: WebhookEvent, createdAt: number) {
  const payload =
    event.trigger === "BOOKING_NO_SHOW_UPDATED"
      ? // handleMarkNoShow (packages/features/handleMarkNoShow.ts @ b7e3bb65b3da7cc59c19ea43624d63195fcf6b6e), one attendee:
        // "x_marked_as_no_show" / "x_unmarked_as_no_show" in English.
        {
          message: `${event.attendee.email} ${event.attendee.noShow ? "marked" : "unmarked"} as no-show`,
          attendees: [event.attendee],
          bookingUid: event.booking.uid,
          bookingId: event.booking.id,
        }
      : bookingPayload(store, event);
  return { triggerEvent: event.trigger, createdAt: new Date(createdAt).toISOString(), payload };
}

/**
 * MEETING_ENDED as a scheduled trigger stores it when the booking is accepted: the booking row flattened beside
 * `triggerEvent` (no `payload`, no delivery `createdAt` — `createdAt` is the booking's), frozen until the cron sends it
 * (packages/features/webhooks/lib/scheduleTrigger.ts @ 008952de0ac2d35c3056ac98034e1012033c0867; fields of the docs'
 * MEETING_ENDED example, those the sandbox does not model as null or empty).
 */
export function meetingEndedBody(store: SandboxStore, b: StoredBooking) {
  const host = store.userById(b.userId);
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    triggerEvent: "MEETING_ENDED",
    id: b.id,
    uid: b.uid,
    userId: b.userId,
    userPrimaryEmail: host.email,
    eventTypeId: b.eventTypeId,
    title: b.title,
    description: typeof b.bookingFieldsResponses.notes === "string" ? b.bookingFieldsResponses.notes : "",
    customInputs: {},
    responses: responsesOf(store, b, "booking"),
    startTime: iso(b.start),
    endTime: iso(b.end),
    location: b.location,
    createdAt: iso(b.createdAt),
    updatedAt: iso(b.updatedAt),
    status: b.status.toUpperCase(),
    paid: false,
    destinationCalendarId: null,
    cancellationReason: null,
    rejectionReason: null,
    rescheduled: null,
    fromReschedule: b.rescheduledFromUid ?? null,
    recurringEventId: null,
    smsReminderNumber: null,
    scheduledJobs: [],
    metadata: { videoCallUrl: videoCallUrl(b), ...b.metadata },
    isRecorded: false,
    iCalUID: `${b.uid}@Cal.com`,
    iCalSequence: 0,
    noShowHost: !!b.noShowHost,
    cancelledBy: null,
    rescheduledBy: null,
    creationSource: b.creationSource,
    user: { email: host.email, name: host.name, timeZone: host.timeZone, username: host.username },
    attendees: [
      {
        id: b.id,
        email: b.attendee.email,
        name: b.attendee.name,
        timeZone: b.attendee.timeZone,
        phoneNumber: b.attendee.phoneNumber ?? null,
        locale: b.attendee.language,
        bookingId: b.id,
        noShow: !!b.attendee.noShow,
      },
    ],
    payment: [],
    references: [],
  };
}
