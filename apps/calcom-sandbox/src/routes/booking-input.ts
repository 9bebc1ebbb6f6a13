import type { StoredEventType } from "../store";
import { HttpError } from "./context";
import { check, type FieldError, isDateString, isInt, isObject, isTimeZone, refuse, unknownProperties } from "./validate";

// Request bodies of the 2024-08-13 bookings controller, checked as Cal.com's pipes and services do.

// CreateBookingInput_2024_08_13 (+ reservedSlotUid, instant, recurrenceCount of its siblings): calcom/cal.com
// packages/platform/types/bookings/2024-08-13/inputs/create-booking.input.ts @ 9527f3c977bbad000f98b436b17fca7aa9594fa4
const CREATE = ["start", "attendee", "bookingFieldsResponses", "eventTypeId", "eventTypeSlug", "username", "teamSlug", "organizationSlug", "guests", "meetingUrl", "location", "metadata", "lengthInMinutes", "routing", "emailVerificationCode", "reservedSlotUid", "instant", "recurrenceCount"];
const ATTENDEE = ["name", "email", "timeZone", "phoneNumber", "language"];
// E.164-shaped once spaces, dashes, dots and brackets are left out; Cal.com checks with libphonenumber's
// isValidPhoneNumber, which reads "+1 415 555 0100" as well as "+14155550100", and keeps the number as given
// (calcom/cal.com packages/platform/types/bookings/2024-08-13/inputs/create-booking.input.ts
// @ 01b0c0955a3fe9b485c8599a62d37449ffcadf7e; the sandbox does not ship libphonenumber's metadata).
const E164 = /^\+[1-9]\d{6,14}$/;
const PHONE = { test: (value: string) => E164.test(value.replace(/[\s().-]/g, "")) };
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function attendeeErrors(a: unknown): FieldError[] {
  if (!isObject(a)) return [{ property: "attendee", constraints: ["attendee should not be null or undefined"] }];
  const children = [
    ...unknownProperties(a, ATTENDEE),
    ...check("name", [typeof a.name !== "string" && "name must be a string"]),
    ...check("email", [a.email !== undefined && a.email !== "" && !(typeof a.email === "string" && EMAIL.test(a.email)) && "Invalid email format"]),
    ...check("timeZone", [!isTimeZone(a.timeZone) && "timeZone must be a valid IANA time zone"]),
    ...check("phoneNumber", [a.phoneNumber !== undefined && a.phoneNumber !== "" && !(typeof a.phoneNumber === "string" && PHONE.test(a.phoneNumber)) && "Invalid phone number format. Please use international format."]),
    ...check("attendee email or phone", [!a.email && !a.phoneNumber && "Attendee must have at least one contact method (email or phone number)"]),
  ];
  return children.length ? [{ property: "attendee", constraints: [], children }] : [];
}

/** A create body once validateCreate has passed it: what is checked is typed; the rest stays unknown. */
export interface CreateBookingBody {
  [property: string]: unknown;
  start: string;
  attendee: { name: string; email?: string; timeZone: string; phoneNumber?: string; language?: unknown };
  bookingFieldsResponses?: Record<string, unknown>;
  eventTypeId?: number;
  guests?: string[];
  metadata?: Record<string, unknown>;
  lengthInMinutes?: number;
}

/** A reschedule body once validateReschedule has passed it. */
export interface RescheduleBookingBody {
  [property: string]: unknown;
  start: string;
}

/** CreateBookingInputPipe (create-booking-input.pipe.ts @ 51442f5ecb3ff25bfdf6f5cb5b75c014b058f149). */
export function validateCreate(body: unknown): asserts body is CreateBookingBody {
  if (!isObject(body)) throw new HttpError(400, "Body is required");
  const b = body;
  refuse([
    ...unknownProperties(b, CREATE),
    ...check("start", [!isDateString(b.start) && "start must be a valid ISO 8601 date string"]),
    ...attendeeErrors(b.attendee),
    ...(b.bookingFieldsResponses !== undefined ? check("bookingFieldsResponses", [!isObject(b.bookingFieldsResponses) && "bookingFieldsResponses must be an object"]) : []),
    ...(b.eventTypeId !== undefined ? check("eventTypeId", [!isInt(b.eventTypeId) && "eventTypeId must be an integer number"]) : []),
    ...(b.guests !== undefined
      ? check("guests", [!(Array.isArray(b.guests) && b.guests.every((g) => typeof g === "string")) && "each value in guests must be a string", !Array.isArray(b.guests) && "guests must be an array"])
      : []),
    ...(b.metadata !== undefined ? check("metadata", [!isObject(b.metadata) && "metadata must be an object"]) : []),
    ...(b.lengthInMinutes !== undefined
      ? check("lengthInMinutes", [!(typeof b.lengthInMinutes === "number" && b.lengthInMinutes >= 1) && "lengthInMinutes must not be less than 1", !isInt(b.lengthInMinutes) && "lengthInMinutes must be an integer number"])
      : []),
    ...check("eventTypeId or eventTypeSlug + username", [
      !(b.eventTypeId || (b.eventTypeSlug && b.username) || (b.eventTypeSlug && b.teamSlug)) && "Either eventTypeId or eventTypeSlug + username or eventTypeSlug + teamSlug must be provided",
    ]),
  ]);
}

/** RescheduleBookingInput_2024_08_13 through its pipe (written like the create and cancel pipes). */
export function validateReschedule(body: unknown): asserts body is RescheduleBookingBody {
  if (!isObject(body)) throw new HttpError(400, "Body is required");
  refuse([
    ...unknownProperties(body, ["start", "rescheduledBy", "reschedulingReason", "emailVerificationCode", "seatUid"]),
    ...check("start", [!isDateString(body.start) && "start must be a valid ISO 8601 date string"]),
  ]);
}

/** CancelBookingInputPipe (cancel-booking-input.pipe.ts @ 5b6d63e6300b8d930530b1b876d556a12fcfbd96); an empty body is `{}`. */
export function validateCancel(body: unknown): Record<string, unknown> {
  const b = body === undefined ? {} : body;
  if (!isObject(b)) throw new HttpError(400, "Body should be an object");
  refuse([
    ...unknownProperties(b, ["cancellationReason", "cancelSubsequentBookings", "seatUid"]),
    ...(b.cancellationReason !== undefined ? check("cancellationReason", [typeof b.cancellationReason !== "string" && "cancellationReason must be a string"]) : []),
  ]);
  return b;
}

// GetBookingsInput_2024_08_13 (packages/platform/types/bookings/2024-08-13/inputs/get-bookings.input.ts
// @ 1b6cab4fde117ed1dd1e58506d6988464d3ddc98), in its declaration order, through the global ValidationPipe
// (apps/api/v2/src/app.ts @ 44f93d29bbeb386e8f9b1acba6ade00e27397776): a BadRequestException({ errors }), so the
// message is Nest's "Bad Request Exception" and the details carry class-validator's errors.
const LIST_DATES: [property: string, word: string][] = [
  ["afterStart", "fromDate"],
  ["beforeEnd", "toDate"],
  ["afterCreatedAt", "fromDate"],
  ["beforeCreatedAt", "toDate"],
  ["afterUpdatedAt", "fromDate"],
  ["beforeUpdatedAt", "toDate"],
];
// The input class words sortUpdatedAt's message like sortCreated's.
const LIST_SORTS: [property: string, word: string][] = [
  ["sortStart", "SortStart"],
  ["sortEnd", "SortEnd"],
  ["sortCreated", "SortCreated"],
  ["sortUpdatedAt", "SortCreated"],
];

/** The GET /v2/bookings query, checked as the global ValidationPipe checks GetBookingsInput_2024_08_13. */
export function validateListQuery(q: URLSearchParams): void {
  const target = Object.fromEntries(q);
  const errors: { target: object; value: unknown; property: string; children: []; constraints: Record<string, string> }[] = [];
  const fail = (property: string, value: unknown, constraints: Record<string, string | false>) => {
    const failed = Object.fromEntries(Object.entries(constraints).filter((e): e is [string, string] => typeof e[1] === "string"));
    if (Object.keys(failed).length) errors.push({ target, value, property, children: [], constraints: failed });
  };
  for (const [property, word] of LIST_DATES) {
    const v = q.get(property);
    if (v !== null) fail(property, v, { isIso8601: !isDateString(v) && `${word} must be a valid ISO 8601 date.` });
  }
  for (const [property, word] of LIST_SORTS) {
    const v = q.get(property);
    if (v !== null) fail(property, v, { isEnum: v !== "asc" && v !== "desc" && `${word} must be either "asc" or "desc".` });
  }
  // take and skip: @Transform(value && parseInt(value)) @IsNumber() @Min() (@Max(250) for take).
  for (const [property, min, max] of [["take", 1, 250], ["skip", 0, undefined]] as const) {
    const raw = q.get(property);
    if (raw === null) continue;
    const n = raw && parseInt(raw, 10);
    const isNumber = typeof n === "number" && !Number.isNaN(n);
    fail(property, n, {
      isNumber: !isNumber && `${property} must be a number conforming to the specified constraints`,
      min: !(isNumber && n >= min) && `${property} must not be less than ${min}`,
      ...(max !== undefined ? { max: !(isNumber && n <= max) && `${property} must not be greater than ${max}` } : {}),
    });
  }
  if (errors.length) throw new HttpError(400, "Bad Request Exception", "envelope", { errors });
}

const TYPES: Record<string, [expected: string, ok: (v: unknown) => boolean]> = {
  phone: ["string", (v) => typeof v === "string"],
  address: ["string", (v) => typeof v === "string"],
  text: ["string", (v) => typeof v === "string"],
  textarea: ["string", (v) => typeof v === "string"],
  url: ["string", (v) => typeof v === "string"],
  number: ["number", (v) => typeof v === "number"],
  boolean: ["boolean", (v) => typeof v === "boolean"],
  multiemail: ["array", Array.isArray],
  multiselect: ["array", Array.isArray],
  checkbox: ["array", Array.isArray],
  select: ["string or number", (v) => typeof v === "string" || typeof v === "number"],
  radio: ["string or number", (v) => typeof v === "string" || typeof v === "number"],
};

/**
 * hasRequiredBookingFieldsResponses (calcom/cal.com apps/api/v2/src/ee/bookings/2024-08-13/services/bookings.service.ts
 * @ cd764fd827c001adedda807a326af9ca0f924beb): the event type's own (non-system) fields, required when null or absent,
 * typed, and options compared as strings; attendee.phoneNumber answers attendeePhoneNumber and smsReminderNumber.
 */
export function checkResponses(et: StoredEventType, body: CreateBookingBody): void {
  const responses: Record<string, unknown> = { ...body.bookingFieldsResponses, attendeePhoneNumber: body.attendee?.phoneNumber, smsReminderNumber: body.attendee?.phoneNumber };
  for (const f of et.bookingFields.filter((f) => !f.isDefault || f.slug === "smsReminderNumber")) {
    const v = responses[f.slug];
    if (f.required && (v === null || v === undefined)) {
      if (f.slug === "attendeePhoneNumber" || f.slug === "smsReminderNumber") {
        throw new HttpError(400, `Missing attendee phone number - it is required by the event type. Pass it as "attendee.phoneNumber" string in the request.`);
      }
      throw new HttpError(
        400,
        `Missing required booking field response: ${f.slug} - it is required by the event type booking fields, but missing in the bookingFieldsResponses. You can fetch the event type with ID ${et.id} to see the required fields.`,
      );
    }
    if (v === undefined) continue;
    const [expected, ok] = TYPES[f.type] ?? ["", () => true];
    if (!ok(v)) {
      throw new HttpError(400, `Invalid type for booking field '${f.slug}'. Expected type ${expected} (compatible with field type '${f.type}'), but received ${typeof v}.`);
    }
    const options = f.options ?? [];
    if (options.length === 0) continue;
    if ((f.type === "select" || f.type === "radio") && !options.includes(String(v))) {
      throw new HttpError(400, `Invalid option '${String(v)}' for booking field '${f.slug}'. Allowed options are: ${options.join(", ")}.`);
    }
    if ((f.type === "multiselect" || f.type === "checkbox") && !(v as unknown[]).every((x) => options.includes(String(x)))) {
      throw new HttpError(400, `One or more invalid options for booking field '${f.slug}'. Allowed options are: ${options.join(", ")}.`);
    }
  }
}

/** validateBookingLengthInMinutes (input.service.ts @ 3d4e8782eb22f7e512a77fa043ecc7eafafed01c). */
export function checkLength(et: StoredEventType, lengthInMinutes: unknown): number {
  if (!lengthInMinutes) return et.lengthInMinutes;
  if (!et.lengthInMinutesOptions) {
    throw new HttpError(400, "Can't specify 'lengthInMinutes' because event type does not have multiple possible lengths. Please, remove the 'lengthInMinutes' field from the request.");
  }
  if (!et.lengthInMinutesOptions.includes(Number(lengthInMinutes))) {
    throw new HttpError(400, `Provided 'lengthInMinutes' is not one of the possible lengths for the event type. The possible lengths are: ${et.lengthInMinutesOptions.join(", ")}`);
  }
  return Number(lengthInMinutes);
}
