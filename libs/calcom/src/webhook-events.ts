import { z } from "zod";
import {
  type CalcomWebhookBooking,
  type CalcomWebhookBookingStatus,
  type CalcomWebhookEvent,
  CalcomWebhookParseError,
} from "./webhook-event-types";

// Cal.com webhook deliveries (payload version 2021-10-20), read into one typed shape per trigger. Sources (calcom/cal.com):
// - booking triggers: `{ triggerEvent, createdAt, payload }`, the payload a CalendarEvent plus the trigger's extras
//   (packages/features/webhooks/lib/factory/versioned/v2021-10-20/BookingPayloadBuilder.ts @ 6f51e40f1217c849a6b6bb6035e0c1c81d2ca02c);
//   times come as `…Z`, `…+00:00` (cancel) or with milliseconds (confirm/decline); the attendees carry `phoneNumber`
//   only in the cancel and decline payloads, new-booking payloads keep the booker's phone in the `attendeePhoneNumber`
//   answer (docs/developing/guides/automation/webhooks.mdx @ bad32a8a125ed29905ba400b202b27655f3ec247);
// - BOOKING_NO_SHOW_UPDATED: `{ message, attendees: [{ email, noShow }], bookingUid, bookingId? }`
//   (packages/features/webhooks/lib/sendPayload.ts @ 008952de0ac2d35c3056ac98034e1012033c0867, BookingNoShowUpdatedPayload);
// - MEETING_ENDED: sent by the scheduled-triggers cron as the booking row flattened beside `triggerEvent`, with no
//   `payload` and no delivery time (packages/features/webhooks/lib/scheduleTrigger.ts @ 008952de0ac2d35c3056ac98034e1012033c0867),
//   or by the versioned builder as `{ triggerEvent, createdAt, payload: booking }`
//   (factory/versioned/v2021-10-20/MeetingPayloadBuilder.ts @ 5a61bcdddbc8a3d909f557a3022ed9516b4fd7c3).
// Unknown fields are ignored; fields Cal.com leaves out in some paths read as null.

export * from "./webhook-event-types";

const time = z.string().transform((value, ctx) => {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) {
    ctx.addIssue({ code: "custom", message: "not a date-time" });
    return z.NEVER;
  }
  return new Date(ms).toISOString();
});
const text = z.string().nullish();
const int = z.number().int().nullish();
const STATUSES = ["accepted", "pending", "cancelled", "rejected", "awaiting_host"] as const;
const status = z
  .string()
  .transform((s) => s.toLowerCase())
  .pipe(z.enum(STATUSES, { errorMap: () => ({ message: "not a booking status" }) }))
  .nullish();

const attendee = z
  .object({
    name: z.string().nullish(),
    email: text,
    phoneNumber: text,
    timeZone: text,
    language: z.object({ locale: text }).passthrough().nullish(),
    locale: text,
    noShow: z.boolean().nullish(),
  })
  .passthrough();

const person = z.object({ id: int, name: text, email: text, username: text, timeZone: text }).passthrough();

/** The fields every booking trigger's payload and the MEETING_ENDED booking row share. */
const bookingFields = {
  uid: z.string(),
  eventTypeId: int,
  title: text,
  startTime: time,
  endTime: time,
  status,
  attendees: z.array(attendee).nullish(),
  metadata: z.record(z.unknown()).nullish(),
  location: text,
  responses: z.record(z.unknown()).nullish(),
  smsReminderNumber: text,
};

const bookingPayload = z
  .object({
    ...bookingFields,
    bookingId: int,
    organizer: person.nullish(),
    rescheduleId: int,
    rescheduleUid: text,
    rescheduleStartTime: time.nullish(),
    rescheduleEndTime: time.nullish(),
    rescheduledBy: text,
    cancellationReason: text,
    cancelledBy: text,
    requestReschedule: z.boolean().nullish(),
    rejectionReason: text,
  })
  .passthrough();

const bookingRow = z.object({ ...bookingFields, id: int, userId: int, user: person.nullish(), fromReschedule: text }).passthrough();

const noShowPayload = z
  .object({
    bookingUid: z.string(),
    bookingId: int,
    message: text,
    attendees: z.array(z.object({ email: z.string(), noShow: z.boolean() }).passthrough()),
  })
  .passthrough();

const envelope = <T extends z.ZodTypeAny>(payload: T) => z.object({ createdAt: time, payload }).passthrough();

const STATUS_OF: Record<string, CalcomWebhookBookingStatus> = {
  BOOKING_CREATED: "accepted",
  BOOKING_RESCHEDULED: "accepted",
  BOOKING_REQUESTED: "pending",
  BOOKING_CANCELLED: "cancelled",
  BOOKING_REJECTED: "rejected",
  MEETING_ENDED: "accepted",
};

const isRecord = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);

/** Answers by slug: `{ label, value }` → value; a labelled field without a value was not answered. */
function answers(responses: Record<string, unknown> | null | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [slug, v] of Object.entries(responses ?? {})) {
    if (isRecord(v) && "label" in v) {
      if (v.value !== undefined) out[slug] = v.value;
    } else if (v !== undefined) out[slug] = v;
  }
  return out;
}

type BookingFields = z.output<z.ZodObject<typeof bookingFields>>;

function toBooking(p: BookingFields, trigger: string, id: number | null | undefined, organizer: z.output<typeof person> | null | undefined): CalcomWebhookBooking {
  const responses = answers(p.responses);
  const bookerPhone = [responses.attendeePhoneNumber, p.smsReminderNumber].find((v): v is string => typeof v === "string" && v !== "") ?? null;
  return {
    uid: p.uid,
    id: id ?? null,
    eventTypeId: p.eventTypeId ?? null,
    title: p.title ?? null,
    start: p.startTime,
    end: p.endTime,
    status: p.status ?? STATUS_OF[trigger] ?? "accepted",
    organizer: organizer ? { id: organizer.id ?? null, name: organizer.name ?? null, email: organizer.email ?? null, username: organizer.username ?? null, timeZone: organizer.timeZone ?? null } : null,
    attendees: (p.attendees ?? []).map((a, i) => ({
      name: a.name ?? "",
      email: a.email ?? null,
      phoneNumber: a.phoneNumber ?? (i === 0 ? bookerPhone : null),
      timeZone: a.timeZone ?? null,
      locale: a.language?.locale ?? a.locale ?? null,
      noShow: a.noShow ?? null,
    })),
    metadata: p.metadata ?? {},
    location: p.location ?? null,
    responses,
  };
}

function check<T extends z.ZodTypeAny>(schema: T, value: unknown, trigger: string): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues
    .map((i) => `${i.path.join(".") || "body"}: ${i.code === "invalid_type" && i.received === "undefined" ? "required" : i.message}`)
    .sort();
  throw new CalcomWebhookParseError(`The Cal.com ${trigger} webhook is malformed: ${issues.join("; ")}.`, "malformed", trigger, issues);
}

/**
 * Reads a Cal.com webhook delivery (the raw request body, after its `X-Cal-Signature-256` has been verified) into
 * a {@link CalcomWebhookEvent}. Throws {@link CalcomWebhookParseError}: `malformed` for a body that is not JSON or
 * lacks what its trigger needs (each problem listed), `unsupported_trigger` for a trigger outside
 * {@link CALCOM_WEBHOOK_TRIGGERS}. Custom `payloadTemplate` bodies are not Cal.com's shape and are refused.
 */
export function parseCalcomWebhook(rawBody: string | Uint8Array): CalcomWebhookEvent {
  let body: unknown;
  try {
    body = JSON.parse(typeof rawBody === "string" ? rawBody : new TextDecoder().decode(rawBody));
  } catch {
    throw new CalcomWebhookParseError("The Cal.com webhook body is not JSON.", "malformed", null);
  }
  if (!isRecord(body) || typeof body.triggerEvent !== "string") {
    throw new CalcomWebhookParseError("The Cal.com webhook body is not an object with a triggerEvent.", "malformed", null);
  }
  const trigger = body.triggerEvent;
  switch (trigger) {
    case "BOOKING_NO_SHOW_UPDATED": {
      const { createdAt, payload } = check(envelope(noShowPayload), body, trigger);
      return {
        triggerEvent: trigger,
        createdAt,
        bookingUid: payload.bookingUid,
        bookingId: payload.bookingId ?? null,
        message: payload.message ?? null,
        attendees: payload.attendees.map((a) => ({ email: a.email, noShow: a.noShow })),
      };
    }
    case "MEETING_ENDED": {
      const wrapped = isRecord(body.payload);
      const { createdAt, row } = wrapped
        ? (({ createdAt, payload }) => ({ createdAt, row: payload }))(check(envelope(bookingRow), body, trigger))
        : { createdAt: null, row: check(bookingRow, body, trigger) };
      const organizer = row.user ? { ...row.user, id: row.user.id ?? row.userId } : null;
      return { triggerEvent: trigger, createdAt, booking: toBooking(row, trigger, row.id, organizer), previousUid: row.fromReschedule ?? null };
    }
    case "BOOKING_CREATED":
    case "BOOKING_REQUESTED":
    case "BOOKING_RESCHEDULED":
    case "BOOKING_CANCELLED":
    case "BOOKING_REJECTED": {
      const { createdAt, payload: p } = check(envelope(bookingPayload), body, trigger);
      const booking = toBooking(p, trigger, p.bookingId, p.organizer);
      switch (trigger) {
        case "BOOKING_CREATED":
          return { triggerEvent: trigger, createdAt, booking };
        case "BOOKING_REQUESTED":
        case "BOOKING_RESCHEDULED": {
          const previous = p.rescheduleUid ? { uid: p.rescheduleUid, id: p.rescheduleId ?? null, start: p.rescheduleStartTime ?? null, end: p.rescheduleEndTime ?? null } : null;
          return { triggerEvent: trigger, createdAt, booking, previous, rescheduledBy: p.rescheduledBy ?? null };
        }
        case "BOOKING_CANCELLED":
          return { triggerEvent: trigger, createdAt, booking, cancellationReason: p.cancellationReason ?? null, cancelledBy: p.cancelledBy ?? null, requestReschedule: p.requestReschedule ?? false };
        case "BOOKING_REJECTED":
          return { triggerEvent: trigger, createdAt, booking, rejectionReason: p.rejectionReason ?? null };
      }
      break;
    }
  }
  throw new CalcomWebhookParseError(`The Cal.com webhook trigger ${trigger} is not one this library reads.`, "unsupported_trigger", trigger);
}
