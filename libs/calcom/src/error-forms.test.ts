import { describe, expect, it } from "vitest";
import {
  ALREADY_CANCELLED_MESSAGE,
  CalcomApiError,
  CalcomAuthError,
  CalcomNotFoundError,
  CalcomSlotUnavailableError,
  CalcomValidationError,
  isAlreadyCancelled,
  parseCalcomError,
} from "./index";

// Every error form real Cal.com sends (old and new wordings and envelopes), as parseCalcomError reads it. Bodies are
// shaped as Cal.com's filters and handlers produce them (calcom/cal.com apps/api/v2/src/filters/*, the 2024-08-13
// bookings services and handleCancelBooking; see apps/calcom-sandbox/README.md for the commits).
const h = new Headers();
const envelope = (status: number, code: string, message: string) => ({
  status: "error",
  timestamp: "2049-09-05T12:00:00.000Z",
  path: "/v2/bookings",
  error: { code, message, details: { message, error: "Bad Request", statusCode: status } },
});
const bare = (status: number, message: string) => ({ statusCode: status, message });

describe("Cal.com error forms", () => {
  it("reads the cancel-twice answer in both wordings as one condition, with a stable message and no uid", () => {
    const old = parseCalcomError(400, bare(400, "This booking has already been cancelled."), h);
    const current = parseCalcomError(
      400,
      envelope(400, "BadRequestException", "Can't cancel booking with uid=abc123 because it has been cancelled already. Please provide uid of a booking that is not cancelled."),
      h,
    );
    for (const err of [old, current]) {
      expect(err).toBeInstanceOf(CalcomValidationError);
      expect(err.message).toBe(ALREADY_CANCELLED_MESSAGE);
      expect(isAlreadyCancelled(err)).toBe(true);
    }
    expect(current.code).toBe("BadRequestException");
    expect(JSON.stringify(current.body)).toContain("abc123"); // the raw answer stays on the error
  });

  it("words the two reschedule refusals without the uids they name", () => {
    const cancelled = parseCalcomError(400, envelope(400, "BadRequestException", "Can't reschedule booking with uid=abc because it has been cancelled. Please provide uid of a booking that is not cancelled."), h);
    expect(cancelled.message).toBe("This booking was cancelled, so it can't be rescheduled.");
    const moved = parseCalcomError(
      400,
      envelope(400, "BadRequestException", "Can't reschedule booking with uid=abc because it has been cancelled and rescheduled already to booking with uid=def. You probably want to reschedule def instead by passing it within the request URL."),
      h,
    );
    expect(moved.message).toBe("This booking was already rescheduled.");
    expect(isAlreadyCancelled(moved)).toBe(false);
  });

  it("reads the host-needs-a-reason refusal (a bare core HttpError)", () => {
    const err = parseCalcomError(400, bare(400, "Cancellation reason is required when you are the host"), h);
    expect(err).toBeInstanceOf(CalcomValidationError);
    expect(err.message).toBe("Cancellation reason is required when you are the host");
  });

  it("treats a slot held by someone else's reservation as unavailable", () => {
    const err = parseCalcomError(400, envelope(400, "BadRequestException", "Someone else reserved this booking time slot before you. This time slot will be freed up in 240 seconds."), h);
    expect(err).toBeInstanceOf(CalcomSlotUnavailableError);
  });

  it("names the field in the current booking-field messages", () => {
    const field = (message: string) => (parseCalcomError(400, envelope(400, "BadRequestException", message), h) as CalcomValidationError).field;
    expect(field("Missing required booking field response: company-size - it is required by the event type booking fields, but missing in the bookingFieldsResponses. You can fetch the event type with ID 7 to see the required fields.")).toBe("company-size");
    expect(field("Invalid option '9' for booking field 'company-size'. Allowed options are: 1, 2, 3.")).toBe("company-size");
    expect(field("One or more invalid options for booking field 'topics'. Allowed options are: sales, support.")).toBe("topics");
    expect(field("Invalid type for booking field 'team'. Expected type string (compatible with field type 'text'), but received number.")).toBe("team");
    expect(field("Invalid option for booking field company-size")).toBe("company-size"); // older wording
  });

  it("names the property in the input pipes' wording, nested ones with a dot", () => {
    const err = parseCalcomError(400, envelope(400, "BadRequestException", "attendee property is wrong, timeZone property is wrong,timeZone must be a valid IANA time zone "), h);
    expect(err).toBeInstanceOf(CalcomValidationError);
    expect((err as CalcomValidationError).field).toBe("attendee.timeZone");
    expect((parseCalcomError(400, envelope(400, "BadRequestException", "colour property is wrong,property colour should not exist "), h) as CalcomValidationError).field).toBe("colour");
  });

  it("reads the ZodExceptionFilter's envelope (BAD_REQUEST, trailing comma) and names the response", () => {
    const err = parseCalcomError(400, { status: "error", timestamp: "t", path: "/v2/bookings", error: { code: "BAD_REQUEST", message: "responses - {email}error_required_field, " } }, h);
    expect(err).toMatchObject({ code: "BAD_REQUEST", field: "email" });
  });

  it("reads the ErrorWithCode envelope (code and data, no details)", () => {
    const err = parseCalcomError(400, { status: "error", timestamp: "t", path: "/v2/bookings", error: { code: "BadRequest", message: "Something about the booking", data: { x: 1 } } }, h);
    expect(err).toBeInstanceOf(CalcomValidationError);
    expect(err).toMatchObject({ code: "BadRequest", message: "Something about the booking" });
  });

  it("maps the throttler's invalid-key refusal and the missing-credentials message to auth errors", () => {
    expect(parseCalcomError(401, envelope(401, "UnauthorizedException", "CustomThrottlerGuard - Invalid API Key"), h)).toBeInstanceOf(CalcomAuthError);
    expect(parseCalcomError(401, envelope(401, "UnauthorizedException", "ApiAuthStrategy - api key - Invalid or missing CALCOM_LICENSE_KEY environment variable"), h)).toBeInstanceOf(CalcomAuthError);
  });

  it("maps the current not-found texts to CalcomNotFoundError", () => {
    for (const message of ["Booking with uid=x was not found in the database", "Booking with uid=x not found", "Event type with id 9 not found.", "Event Type with ID=9 not found", "Booking with UID=x does not exist."]) {
      expect(parseCalcomError(404, envelope(404, "NotFoundException", message), h)).toBeInstanceOf(CalcomNotFoundError);
    }
  });

  it("keeps other 400s as they are", () => {
    const err = parseCalcomError(400, bare(400, "Cannot cancel a booking that has already ended"), h);
    expect(err).toBeInstanceOf(CalcomApiError);
    expect(err.message).toBe("Cannot cancel a booking that has already ended");
    expect(isAlreadyCancelled(err)).toBe(false);
  });
});
