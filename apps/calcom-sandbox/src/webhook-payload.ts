import { DateTime } from "luxon";
import type { SandboxStore, StoredBooking } from "./store";

// Booking webhook bodies as Cal.com sends them, version 2021-10-20 (calcom/cal.com
// packages/features/webhooks/lib/factory/versioned/v2021-10-20/BookingPayloadBuilder.ts @ 6f51e40f1217c849a6b6bb6035e0c1c81d2ca02c,
// with the field formats of docs/developing/guides/automation/webhooks.mdx @ bad32a8a125ed29905ba400b202b27655f3ec247):
// the CalendarEvent spread into `payload`, organizer and attendees with `utcOffset`, event type details, and the
// trigger's extras. Created and rescheduled times are `…THH:mm:ssZ`; the cancel handler formats them `…+00:00`.

export type BookingTrigger = "BOOKING_CREATED" | "BOOKING_RESCHEDULED" | "BOOKING_CANCELLED";

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

const utcOffset = (zone: string, at: number) => DateTime.fromMillis(at, { zone }).offset;
const noMillis = (ms: number, cancelled: boolean) => DateTime.fromMillis(ms, { zone: "utc" }).toFormat(cancelled ? "yyyy-MM-dd'T'HH:mm:ssZZ" : "yyyy-MM-dd'T'HH:mm:ss'Z'");

export function bookingWebhookBody(store: SandboxStore, trigger: BookingTrigger, b: StoredBooking, createdAt: number, previous?: StoredBooking) {
  const host = store.users.get(b.userId)!;
  const et = store.eventTypes.get(b.eventTypeId);
  const cancelled = trigger === "BOOKING_CANCELLED";
  const answers = b.bookingFieldsResponses;
  const fields = et?.bookingFields ?? [];
  // The cancel handler words responses by slug; booking creation by Cal.com's field labels, with isHidden.
  const responses = Object.fromEntries(
    fields
      .filter((f) => !cancelled || answers[f.slug] !== undefined)
      .map((f) => [f.slug, cancelled ? { label: f.slug, value: answers[f.slug] } : { label: f.isDefault ? (LABELS[f.slug] ?? f.slug) : (f.label ?? f.slug), ...(answers[f.slug] !== undefined ? { value: answers[f.slug] } : {}), isHidden: !!f.hidden }]),
  );
  const userFieldsResponses = Object.fromEntries(fields.filter((f) => !f.isDefault && answers[f.slug] !== undefined).map((f) => [f.slug, { label: f.label ?? f.slug, value: answers[f.slug] }]));
  const notes = typeof answers.notes === "string" ? answers.notes : "";
  return {
    triggerEvent: trigger,
    createdAt: new Date(createdAt).toISOString(),
    payload: {
      type: et?.slug ?? "",
      title: b.title,
      description: notes,
      additionalNotes: notes,
      customInputs: {},
      startTime: noMillis(b.start, cancelled),
      endTime: noMillis(b.end, cancelled),
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
          ...(cancelled ? { phoneNumber: b.attendee.phoneNumber ?? null } : {}),
          language: { locale: b.attendee.language },
          utcOffset: utcOffset(b.attendee.timeZone, b.start),
        },
      ],
      responses,
      userFieldsResponses,
      location: b.location,
      uid: b.uid,
      bookingId: b.id,
      eventTypeId: b.eventTypeId,
      eventTitle: et?.title ?? null,
      eventDescription: et?.description ?? null,
      requiresConfirmation: false,
      price: 0,
      currency: "usd",
      length: et?.lengthInMinutes ?? null,
      ...(cancelled ? {} : { metadata: { videoCallUrl: `https://app.cal.com/video/${b.uid}`, ...b.metadata } }),
      status: b.status === "cancelled" ? "CANCELLED" : b.status.toUpperCase(),
      ...(cancelled ? { cancellationReason: b.cancellationReason, cancelledBy: b.cancelledBy, requestReschedule: false } : {}),
      ...(trigger === "BOOKING_RESCHEDULED" && previous
        ? { rescheduleId: previous.id, rescheduleUid: previous.uid, rescheduleStartTime: noMillis(previous.start, false), rescheduleEndTime: noMillis(previous.end, false) }
        : {}),
    },
  };
}
