// Type-level tests of the public request types: `npm test` type-checks this file (a line under @ts-expect-error that
// compiles is an error), and vitest runs the expectTypeOf assertions.
import { describe, expectTypeOf, it } from "vitest";
import type { components, operations } from "./generated/openapi";
import type { CalcomClient, CancelBookingInput, CreateBookingInput, ListBookingsQuery, RescheduleBookingInput, ReserveSlotInput } from "./index";

type Schemas = components["schemas"];
const start = "2030-01-07T09:00:00Z";
const attendee = { name: "Ada", timeZone: "Europe/Berlin" };

describe("CreateBookingInput", () => {
  it("accepts what Cal.com accepts", () => {
    // An attendee with neither language (defaulted by Cal.com) nor email; responses of every field type; metadata.
    expectTypeOf({ start, eventTypeId: 1, attendee }).toExtend<CreateBookingInput>();
    expectTypeOf({
      start,
      eventTypeId: 1,
      attendee: { name: "Ada", timeZone: "Europe/Berlin", phoneNumber: "+14155550123", language: "pt-BR" as const },
      bookingFieldsResponses: { "company-size": "1-10", seats: 3, terms: true, topics: ["a", "b"], address: { line1: "x" } },
      metadata: { agni_agent_id: "a", attempt: 2, vip: false },
      guests: ["bo@example.com"],
      lengthInMinutes: 45,
      location: { type: "integration" as const, integration: "cal-video" as const },
    }).toExtend<CreateBookingInput>();
    expectTypeOf({ start, attendee, eventTypeSlug: "intro", username: "ada" }).toExtend<CreateBookingInput>();
    expectTypeOf({ start, attendee, eventTypeSlug: "intro", teamSlug: "desk", organizationSlug: "acme" }).toExtend<CreateBookingInput>();
  });

  it("refuses what Cal.com refuses", () => {
    // @ts-expect-error no event type: neither an id nor a slug with its owner
    expectTypeOf({ start, attendee }).toExtend<CreateBookingInput>();
    // @ts-expect-error a slug without username or teamSlug
    expectTypeOf({ start, attendee, eventTypeSlug: "intro" }).toExtend<CreateBookingInput>();
    // @ts-expect-error timeZone is required
    expectTypeOf({ start, eventTypeId: 1, attendee: { name: "Ada" } }).toExtend<CreateBookingInput>();
    // @ts-expect-error an unknown language
    expectTypeOf({ start, eventTypeId: 1, attendee: { ...attendee, language: "xx" as const } }).toExtend<CreateBookingInput>();
    // @ts-expect-error metadata values are strings, numbers or booleans
    expectTypeOf({ start, eventTypeId: 1, attendee, metadata: { nested: { a: 1 } } }).toExtend<CreateBookingInput>();
    // @ts-expect-error a location type that does not exist
    expectTypeOf({ start, eventTypeId: 1, attendee, location: { type: "zoom" as const } }).toExtend<CreateBookingInput>();
    // @ts-expect-error start is required
    expectTypeOf({ eventTypeId: 1, attendee }).toExtend<CreateBookingInput>();
  });

  it("agrees with the generated types where the generated ones are right", () => {
    type Generated = Schemas["CreateBookingInput_2024_08_13"];
    expectTypeOf<CreateBookingInput["start"]>().toEqualTypeOf<Generated["start"]>();
    expectTypeOf<CreateBookingInput["guests"]>().toEqualTypeOf<Generated["guests"]>();
    expectTypeOf<CreateBookingInput["lengthInMinutes"]>().toEqualTypeOf<Generated["lengthInMinutes"]>();
    expectTypeOf<CreateBookingInput["routing"]>().toEqualTypeOf<Generated["routing"]>();
    expectTypeOf<CreateBookingInput["emailVerificationCode"]>().toEqualTypeOf<Generated["emailVerificationCode"]>();
    expectTypeOf<NonNullable<CreateBookingInput["attendee"]["language"]>>().toEqualTypeOf<Schemas["CreateBookingAttendee"]["language"]>();
    // …and differs where they are wrong: language is optional, responses and metadata hold values.
    expectTypeOf<Generated["attendee"]["language"]>().not.toEqualTypeOf<CreateBookingInput["attendee"]["language"]>();
    expectTypeOf<Generated["metadata"]>().toEqualTypeOf<Record<string, never> | undefined>();
  });

  it("is what bookings.create takes", () => {
    expectTypeOf<Parameters<CalcomClient["bookings"]["create"]>[0]>().toEqualTypeOf<CreateBookingInput>();
  });
});

describe("reschedule, cancel and reserve inputs", () => {
  it("match the document", () => {
    expectTypeOf<RescheduleBookingInput>().toEqualTypeOf<Schemas["RescheduleBookingInput_2024_08_13"]>();
    expectTypeOf<CancelBookingInput>().toEqualTypeOf<Schemas["CancelBookingInput_2024_08_13"]>();
    expectTypeOf<ReserveSlotInput>().toEqualTypeOf<Schemas["ReserveSlotInput_2024_09_04"]>();
    expectTypeOf<Parameters<CalcomClient["bookings"]["reschedule"]>[1]>().toEqualTypeOf<RescheduleBookingInput>();
    expectTypeOf<Parameters<CalcomClient["bookings"]["cancel"]>[1]>().toEqualTypeOf<CancelBookingInput | undefined>();
  });

  it("refuse what Cal.com refuses", () => {
    // @ts-expect-error reschedule needs the new start
    expectTypeOf({ reschedulingReason: "clash" }).toExtend<RescheduleBookingInput>();
    // @ts-expect-error cancelSubsequentBookings is a boolean
    expectTypeOf({ cancelSubsequentBookings: "yes" }).toExtend<CancelBookingInput>();
  });
});

describe("ListBookingsQuery", () => {
  type Generated = NonNullable<operations["BookingsController_2024_08_13_getBookings"]["parameters"]["query"]>;

  it("has the reconciliation filters and sorts of the document", () => {
    type Same = "afterUpdatedAt" | "beforeUpdatedAt" | "afterCreatedAt" | "beforeCreatedAt" | "afterStart" | "beforeEnd" | "bookingUid" | "attendeeEmail" | "attendeeName";
    type Sorts = "sortStart" | "sortEnd" | "sortCreated" | "sortUpdatedAt" | "status";
    expectTypeOf<Pick<ListBookingsQuery, Same>>().toEqualTypeOf<Pick<Generated, Same>>();
    expectTypeOf<Pick<ListBookingsQuery, Sorts>>().toEqualTypeOf<Pick<Generated, Sorts>>();
    expectTypeOf({ afterUpdatedAt: "2030-01-07T09:00:00Z", sortUpdatedAt: "asc" as const, status: ["cancelled" as const], take: 250, skip: 500 }).toExtend<ListBookingsQuery>();
  });

  it("types ids and paging as numbers where the document says string (Cal.com parses them)", () => {
    expectTypeOf<ListBookingsQuery["eventTypeId"]>().toEqualTypeOf<number | undefined>();
    expectTypeOf<ListBookingsQuery["eventTypeIds"]>().toEqualTypeOf<number[] | undefined>();
    expectTypeOf<Generated["eventTypeIds"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<ListBookingsQuery["take"]>().toEqualTypeOf<number | undefined>();
    // @ts-expect-error an unknown sort order
    expectTypeOf({ sortUpdatedAt: "newest" as const }).toExtend<ListBookingsQuery>();
    // @ts-expect-error a filter Cal.com does not have
    expectTypeOf({ updatedSince: "2030-01-07T09:00:00Z" }).toExtend<ListBookingsQuery>();
  });

  it("is what bookings.list takes", () => {
    expectTypeOf<Parameters<CalcomClient["bookings"]["list"]>[0]>().toEqualTypeOf<ListBookingsQuery | undefined>();
  });
});
