import { afterEach, describe, expect, it } from "vitest";
import { closeAll, world } from "./harness";

// POST /v2/bookings (2024-08-13): the input pipe, the bookings service's field checks and the errors service's
// messages, in the order Cal.com runs them.
afterEach(closeAll);

const MON_0900 = "2049-09-06T07:00:00.000Z"; // Monday 09:00 in Rome
const MON_1000 = "2049-09-06T08:00:00.000Z";

async function withQuestions() {
  const w = await world();
  const et = w.sandbox.addEventType(w.host.id, {
    title: "Consultation",
    slug: "consultation",
    lengthInMinutes: 60,
    bookingFields: [
      { type: "select", slug: "company-size", label: "Company size", required: true, options: ["1", "2", "3"] },
      { type: "multiselect", slug: "topics", label: "Topics", required: false, options: ["sales", "support"] },
      { type: "text", slug: "team", label: "Team", required: false },
    ],
  });
  return { ...w, et, answer: (responses: Record<string, unknown>) => w.book(MON_0900, { eventTypeId: et.id, bookingFieldsResponses: responses }) };
}

describe("bookings create: input pipe", () => {
  it("books and answers 201 with BookingOutput", async () => {
    // cal.com apps/api/v2/src/ee/bookings/2024-08-13/controllers/bookings.controller.ts@cf5215774e07efb16d8f1d4fd9e59b9764f248ad (createBooking) + services/output.service.ts@f2fcf7492fc52cadd9963359566b61e4894ce702 (getOutputBooking)
    const w = await world();
    const res = await w.book(MON_0900);
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ status: "accepted", start: MON_0900, end: MON_1000, duration: 60, eventTypeId: w.eventType.id, attendees: [{ name: "Ada Lovelace", email: "ada@example.com", timeZone: "Europe/Rome", language: "en", absent: false }] });
  });

  it("refuses unknown body properties", async () => {
    // cal.com packages/platform/types/bookings/2024-08-13/inputs/create-booking-input.pipe.ts@51442f5ecb3ff25bfdf6f5cb5b75c014b058f149 (whitelist + forbidNonWhitelisted, formatErrors)
    const w = await world();
    const res = await w.book(MON_0900, { colour: "blue" });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe("colour property is wrong,property colour should not exist ");
  });

  it("refuses a body without an event type identifier with 400, not 404", async () => {
    // cal.com packages/platform/types/bookings/2024-08-13/inputs/create-booking.input.ts@9527f3c977bbad000f98b436b17fca7aa9594fa4 (RequireEventTypeIdentification)
    const w = await world();
    const res = await w.call("POST", "/v2/bookings", { body: { start: MON_0900, attendee: w.attendee } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe("eventTypeId or eventTypeSlug + username property is wrong,Either eventTypeId or eventTypeSlug + username or eventTypeSlug + teamSlug must be provided ");
  });

  it("refuses an attendee time zone that is not IANA", async () => {
    // cal.com packages/platform/types/bookings/2024-08-13/inputs/create-booking.input.ts@9527f3c977bbad000f98b436b17fca7aa9594fa4 (CreateBookingAttendee.timeZone @IsTimeZone)
    const w = await world();
    const res = await w.book(MON_0900, { attendee: { ...w.attendee, timeZone: "Rome" } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe("attendee property is wrong, timeZone property is wrong,timeZone must be a valid IANA time zone ");
  });

  it("requires at least one contact method", async () => {
    // cal.com packages/platform/types/bookings/2024-08-13/inputs/create-booking.input.ts@9527f3c977bbad000f98b436b17fca7aa9594fa4 (RequireEmailOrPhone)
    const w = await world();
    const res = await w.book(MON_0900, { attendee: { name: "Ada", timeZone: "Europe/Rome" } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe("attendee property is wrong, attendee email or phone property is wrong,Attendee must have at least one contact method (email or phone number) ");
  });

  it("refuses a phone number not in international format", async () => {
    // cal.com packages/platform/types/bookings/2024-08-13/inputs/create-booking.input.ts@9527f3c977bbad000f98b436b17fca7aa9594fa4 (phoneNumber: "Invalid phone number format. Please use international format.")
    const w = await world();
    const res = await w.book(MON_0900, { attendee: { ...w.attendee, phoneNumber: "0612345678" } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain("phoneNumber property is wrong,Invalid phone number format. Please use international format.");
  });

  it("accepts guests and echoes them", async () => {
    // cal.com packages/platform/types/bookings/2024-08-13/inputs/create-booking.input.ts@9527f3c977bbad000f98b436b17fca7aa9594fa4 (guests: string[]) + services/output.service.ts@f2fcf7492fc52cadd9963359566b61e4894ce702 (guests: bookingResponses.guests)
    const w = await world();
    const res = await w.book(MON_0900, { guests: ["grace@example.com"] });
    expect(res.status).toBe(201);
    expect(res.body.data.guests).toEqual(["grace@example.com"]);
    expect(res.body.data.bookingFieldsResponses.guests).toEqual(["grace@example.com"]);
  });
});

describe("bookings create: event type and lengths", () => {
  it("answers 404 for an unknown event type id with the errors service's text", async () => {
    // cal.com apps/api/v2/src/ee/bookings/2024-08-13/services/errors.service.ts@5b6d63e6300b8d930530b1b876d556a12fcfbd96 (handleEventTypeToBeBookedNotFound)
    const w = await world();
    const res = await w.book(MON_0900, { eventTypeId: 9999 });
    expect(res.status).toBe(404);
    expect(res.body.error.message).toBe("Event type with id 9999 not found.");
  });

  it("answers 404 for an unknown slug of a user", async () => {
    // cal.com apps/api/v2/src/ee/bookings/2024-08-13/services/errors.service.ts@5b6d63e6300b8d930530b1b876d556a12fcfbd96 (slug + username)
    const w = await world();
    const res = await w.call("POST", "/v2/bookings", { body: { start: MON_0900, eventTypeSlug: "nope", username: "rome-host", attendee: w.attendee } });
    expect(res.status).toBe(404);
    expect(res.body.error.message).toBe("Event type with slug nope belonging to user rome-host not found.");
  });

  it("books by username and event type slug", async () => {
    // cal.com apps/api/v2/src/ee/bookings/2024-08-13/services/bookings.service.ts@cd764fd827c001adedda807a326af9ca0f924beb (getBookedEventType by username + eventTypeSlug)
    const w = await world();
    const res = await w.call("POST", "/v2/bookings", { body: { start: MON_0900, eventTypeSlug: "frisbee-match", username: "rome-host", attendee: w.attendee } });
    expect(res.status).toBe(201);
    expect(res.body.data.eventTypeId).toBe(w.eventType.id);
  });

  it("refuses lengthInMinutes on a fixed-length event type", async () => {
    // cal.com apps/api/v2/src/ee/bookings/2024-08-13/services/input.service.ts@3d4e8782eb22f7e512a77fa043ecc7eafafed01c (validateBookingLengthInMinutes)
    const w = await world();
    const res = await w.book(MON_0900, { lengthInMinutes: 60 });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe("Can't specify 'lengthInMinutes' because event type does not have multiple possible lengths. Please, remove the 'lengthInMinutes' field from the request.");
  });

  it("refuses a lengthInMinutes that is not one of the lengths, and books one that is", async () => {
    // cal.com apps/api/v2/src/ee/bookings/2024-08-13/services/input.service.ts@3d4e8782eb22f7e512a77fa043ecc7eafafed01c (validateBookingLengthInMinutes)
    const w = await world();
    const variable = w.sandbox.addEventType(w.host.id, { title: "Variable", slug: "variable", lengthInMinutes: 60, lengthInMinutesOptions: [30, 60] });
    const bad = await w.book(MON_0900, { eventTypeId: variable.id, lengthInMinutes: 45 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toBe("Provided 'lengthInMinutes' is not one of the possible lengths for the event type. The possible lengths are: 30, 60");
    const good = await w.book(MON_0900, { eventTypeId: variable.id, lengthInMinutes: 30 });
    expect(good.body.data).toMatchObject({ duration: 30, end: "2049-09-06T07:30:00.000Z" });
  });
});

describe("bookings create: booking field responses", () => {
  it("names a missing required field in Cal.com's words", async () => {
    // cal.com apps/api/v2/src/ee/bookings/2024-08-13/services/bookings.service.ts@cd764fd827c001adedda807a326af9ca0f924beb (hasRequiredBookingFieldsResponses)
    const w = await withQuestions();
    const res = await w.answer({});
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(
      `Missing required booking field response: company-size - it is required by the event type booking fields, but missing in the bookingFieldsResponses. You can fetch the event type with ID ${w.et.id} to see the required fields.`,
    );
  });

  it("counts an empty string as an answer (only null or absent is missing)", async () => {
    // cal.com apps/api/v2/src/ee/bookings/2024-08-13/services/bookings.service.ts@cd764fd827c001adedda807a326af9ca0f924beb (required check is === null || === undefined)
    const w = await world();
    const et = w.sandbox.addEventType(w.host.id, { title: "Q", slug: "q", lengthInMinutes: 60, bookingFields: [{ type: "text", slug: "team", label: "Team", required: true }] });
    expect((await w.book(MON_0900, { eventTypeId: et.id, bookingFieldsResponses: { team: "" } })).status).toBe(201);
  });

  it("refuses a select answer that is not an option, listing them", async () => {
    // cal.com apps/api/v2/src/ee/bookings/2024-08-13/services/bookings.service.ts@cd764fd827c001adedda807a326af9ca0f924beb (case "select": isValidSingleOptionValue)
    const w = await withQuestions();
    const res = await w.answer({ "company-size": "9" });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe("Invalid option '9' for booking field 'company-size'. Allowed options are: 1, 2, 3.");
  });

  it("accepts a select answer given as a number", async () => {
    // cal.com apps/api/v2/src/ee/bookings/2024-08-13/services/bookings.service.ts@cd764fd827c001adedda807a326af9ca0f924beb (select: "string or number"; options compared with String(value))
    const w = await withQuestions();
    expect((await w.answer({ "company-size": 2 })).status).toBe(201);
  });

  it("refuses a multiselect with an unknown option", async () => {
    // cal.com apps/api/v2/src/ee/bookings/2024-08-13/services/bookings.service.ts@cd764fd827c001adedda807a326af9ca0f924beb (case "multiselect": areValidMultipleOptionValues)
    const w = await withQuestions();
    const res = await w.answer({ "company-size": "1", topics: ["sales", "gossip"] });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe("One or more invalid options for booking field 'topics'. Allowed options are: sales, support.");
  });

  it("refuses an answer of the wrong type", async () => {
    // cal.com apps/api/v2/src/ee/bookings/2024-08-13/services/bookings.service.ts@cd764fd827c001adedda807a326af9ca0f924beb (Invalid type for booking field …)
    const w = await withQuestions();
    const res = await w.answer({ "company-size": "1", team: 7 });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe("Invalid type for booking field 'team'. Expected type string (compatible with field type 'text'), but received number.");
  });
});

describe("bookings create: time and availability", () => {
  it("answers 400 (not 409) for a taken slot", async () => {
    // cal.com apps/api/v2/src/ee/bookings/2024-08-13/services/errors.service.ts@5b6d63e6300b8d930530b1b876d556a12fcfbd96 (no_available_users_found_error)
    const w = await world();
    await w.book(MON_0900);
    const res = await w.book(MON_0900, { attendee: { ...w.attendee, email: "bo@example.com" } });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: "BadRequestException", message: "User either already has booking at this time or is not available" });
  });

  it("refuses a time inside another booking's own after-buffer", async () => {
    // cal.com packages/lib/getBusyTimes.ts@3a0dbfa4fc6bfcad91aaa66f88c4cd76f0321a1f (existing booking's afterEventBuffer is busy)
    const w = await world();
    const buffered = w.sandbox.addEventType(w.host.id, { title: "Buffered", slug: "buffered", lengthInMinutes: 60, afterEventBuffer: 30 });
    expect((await w.book(MON_0900, { eventTypeId: buffered.id })).status).toBe(201);
    const res = await w.book("2049-09-06T08:15:00.000Z"); // 10:15 Rome, inside 10:00–10:30 buffer
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe("User either already has booking at this time or is not available");
  });

  it("words a start inside the minimum notice as the errors service does", async () => {
    // cal.com apps/api/v2/src/ee/bookings/2024-08-13/services/errors.service.ts@5b6d63e6300b8d930530b1b876d556a12fcfbd96 (booking_time_out_of_bounds_error)
    const w = await world();
    const noticed = w.sandbox.addEventType(w.host.id, { title: "Noticed", slug: "noticed", lengthInMinutes: 60, minimumBookingNotice: 48 * 60 });
    const res = await w.book(MON_0900, { eventTypeId: noticed.id });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(
      `The event type can't be booked at the "start" time provided. This could be because it's too soon (violating the minimum booking notice) or too far in the future (outside the event's scheduling window). Try fetching available slots first using the GET /v2/slots endpoint and then make a booking with "start" time equal to one of the available slots: https://cal.com/docs/api-reference/v2/slots`,
    );
  });

  it("refuses a time in the past", async () => {
    // cal.com apps/api/v2/src/ee/bookings/2024-08-13/services/errors.service.ts@5b6d63e6300b8d930530b1b876d556a12fcfbd96 ("Attempting to book a meeting in the past.")
    const w = await world();
    const res = await w.book("2049-09-02T07:00:00.000Z");
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe("Attempting to book a meeting in the past.");
  });

  it("refuses a slot someone else reserved, saying when it frees up", async () => {
    // cal.com apps/api/v2/src/ee/bookings/2024-08-13/controllers/e2e/reserved-slot-bookings.e2e-spec.ts@91f65ebbfd1bfae7ffd23e1cfd4127d49025fda3 ("Someone else reserved this booking time slot before you …")
    const w = await world();
    await w.call("POST", "/v2/slots/reservations", { body: { eventTypeId: w.eventType.id, slotStart: MON_0900 } });
    const res = await w.book(MON_0900);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe("Someone else reserved this booking time slot before you. This time slot will be freed up in 300 seconds.");
  });

  it("books a slot with its own reservedSlotUid and removes that reservation", async () => {
    // cal.com apps/api/v2/src/ee/bookings/2024-08-13/controllers/e2e/reserved-slot-bookings.e2e-spec.ts@91f65ebbfd1bfae7ffd23e1cfd4127d49025fda3 ("should create booking with reservedSlotUid from request body and remove selected slot")
    const w = await world();
    const uid = (await w.call("POST", "/v2/slots/reservations", { body: { eventTypeId: w.eventType.id, slotStart: MON_0900 } })).body.data.reservationUid;
    expect((await w.book(MON_0900, { reservedSlotUid: uid })).status).toBe(201);
    expect((await w.call("GET", `/v2/slots/reservations/${uid}`)).body.data).toBeNull();
  });
});
