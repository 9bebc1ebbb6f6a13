// Hand-checked request bodies of the 2024-08-13 bookings endpoints. The generated types read Cal.com's OpenAPI
// document too literally in places: a property with a default becomes required (`attendee.language`), and a free-form
// `type: "object"` becomes `Record<string, never>` (`bookingFieldsResponses`, `metadata`), so no real call type-checks.
// Every field below was checked against shared/calcom/openapi-v2.json and spec/calcom-v2.md §2.4, 2.7 and 2.8;
// test/types.test.ts pins where these agree with, and where they deliberately differ from, the generated ones.
import type { components } from "../generated/openapi";

type Schemas = components["schemas"];

/** A locale Cal.com writes confirmation emails in (`CreateBookingAttendee.language`; Cal.com's default is `"en"`). */
export type CalcomLanguage = Schemas["CreateBookingAttendee"]["language"];

/** Any JSON value: what Cal.com accepts where its document says only `type: "object"`. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * Free-form data stored with a booking: at most 50 keys of up to 40 characters; values are strings (up to 500
 * characters), numbers or booleans (Cal.com's `ValidateMetadata`, calcom/cal.com packages/platform/types).
 */
export type BookingMetadata = Record<string, string | number | boolean>;

/** The person booking (`CreateBookingAttendee`): only `name` and `timeZone` are required. */
export interface BookingAttendeeInput {
  name: string;
  /** IANA zone; Cal.com uses it for the attendee's emails. */
  timeZone: string;
  email?: string;
  /** International format (+14155550123); also fills an SMS-reminder or attendee-phone booking field. */
  phoneNumber?: string;
  language?: CalcomLanguage;
}

/**
 * Where the meeting happens: one of the event type's locations. The document types `type` as a string and names
 * its one allowed value in each variant's description (`BookingInput*Location_2024_08_13`); these follow that.
 */
export type BookingLocationInput =
  | { type: "address" }
  | { type: "attendeeAddress"; address: string }
  | { type: "attendeeDefined"; location: string }
  | { type: "attendeePhone"; phone: string }
  | { type: "integration"; integration: Schemas["BookingInputIntegrationLocation_2024_08_13"]["integration"] }
  | { type: "link" }
  | { type: "phone" }
  | { type: "organizersDefaultApp" };

/**
 * Which event type to book: its id, or its slug with the owner's `username` or `teamSlug` (plus `organizationSlug`
 * inside an organisation). At least one of the three forms is required.
 */
export type EventTypeSelector =
  | { eventTypeId: number; eventTypeSlug?: string; username?: string; teamSlug?: string; organizationSlug?: string }
  | { eventTypeId?: number; eventTypeSlug: string; username: string; teamSlug?: string; organizationSlug?: string }
  | { eventTypeId?: number; eventTypeSlug: string; teamSlug: string; username?: string; organizationSlug?: string };

/** The body of `POST /v2/bookings` for one (not instant, not recurring) booking (`CreateBookingInput_2024_08_13`). */
export type CreateBookingInput = EventTypeSelector & {
  /** ISO 8601 in UTC (Cal.com mishandles offsets). */
  start: string;
  attendee: BookingAttendeeInput;
  /** Answers keyed by booking-field slug; the value's shape follows the field's type (text, select, checkbox…). */
  bookingFieldsResponses?: Record<string, JsonValue>;
  /** Guest email addresses. */
  guests?: string[];
  /** @deprecated Cal.com prefers `location`. */
  meetingUrl?: string;
  location?: BookingLocationInput;
  metadata?: BookingMetadata;
  /** For event types with several lengths (`lengthInMinutesOptions`); an integer ≥ 1. */
  lengthInMinutes?: number;
  routing?: Schemas["Routing"];
  emailVerificationCode?: string;
  /**
   * A reservation of this slot (`POST /v2/slots/reservations`) that the booking consumes: while a reservation of the
   * slot is held, only the booking that names the earliest one goes through (calcom/cal.com
   * packages/platform/types/bookings/2024-08-13/inputs/create-booking.input.ts @ 9527f3c977bbad000f98b436b17fca7aa9594fa4,
   * packages/features/bookings/lib/reservations/validateReservedSlot.ts).
   */
  reservedSlotUid?: string;
};

/**
 * The body of `POST /v2/bookings` for an instant meeting (`CreateInstantBookingInput_2024_08_13`): a booking with
 * `instant: true`, which Cal.com accepts for team event types only. `start` is now.
 */
export type CreateInstantBookingInput = Omit<CreateBookingInput, "lengthInMinutes" | "routing" | "emailVerificationCode"> & { instant: true };

/** The body of `POST /v2/bookings/{uid}/reschedule` (`RescheduleBookingInput_2024_08_13`, not the seated form). */
export interface RescheduleBookingInput {
  /** ISO 8601 in UTC. */
  start: string;
  /** Email of who reschedules; the event type owner's confirms a booking that needs confirmation. */
  rescheduledBy?: string;
  reschedulingReason?: string;
  emailVerificationCode?: string;
}

/** The body of `POST /v2/bookings/{uid}/cancel` (`CancelBookingInput_2024_08_13`, not the seated form). */
export interface CancelBookingInput {
  /** Cal.com refuses a host's cancel without one (spec/calcom-v2.md §2.8): always send it. */
  cancellationReason?: string;
  /** For a recurring booking: cancel this occurrence and every later one. */
  cancelSubsequentBookings?: boolean;
}

/** The body of `POST /v2/bookings/{uid}/decline` (`DeclineBookingInput_2024_08_13`). */
export interface DeclineBookingInput {
  /** Why the host declines it; Cal.com passes it on to the attendee (and the webhook's `rejectionReason`). */
  reason?: string;
}

type SortOrder = "asc" | "desc";

/**
 * The query of `GET /v2/bookings` (`GetBookingsInput_2024_08_13`). Lists are sent comma-joined. Time bounds are
 * ISO 8601 and inclusive (Cal.com compares with gte/lte); `afterUpdatedAt` with `sortUpdatedAt: "asc"` pages through
 * everything changed since a moment — cancellations and reschedules included, whatever the status filter (none means
 * every status). A no-show marked on an attendee does not change the booking's `updatedAt`.
 */
export interface ListBookingsQuery {
  /** None: every status. */
  status?: ("upcoming" | "recurring" | "past" | "cancelled" | "unconfirmed")[];
  attendeeEmail?: string;
  attendeeName?: string;
  bookingUid?: string;
  eventTypeId?: number;
  eventTypeIds?: number[];
  afterStart?: string;
  beforeEnd?: string;
  afterCreatedAt?: string;
  beforeCreatedAt?: string;
  afterUpdatedAt?: string;
  beforeUpdatedAt?: string;
  sortStart?: SortOrder;
  sortEnd?: SortOrder;
  sortCreated?: SortOrder;
  sortUpdatedAt?: SortOrder;
  /** 1–250 (default 100); Cal.com refuses other values with a 400. */
  take?: number;
  /** ≥ 0. */
  skip?: number;
}
