import { describe, expect, expectTypeOf, it } from "vitest";
import { type CalcomWebhookEvent, CalcomWebhookParseError, parseCalcomWebhook } from "./index";
import * as docs from "../test/fixtures/calcom-webhook-examples";

// parseCalcomWebhook against the bodies Cal.com's documentation shows (fixtures/calcom-webhook-examples.ts), the
// variations Cal.com really sends, and malformed input.
const raw = (body: unknown) => JSON.stringify(body);
const parse = (body: unknown) => parseCalcomWebhook(raw(body));

describe("parseCalcomWebhook on Cal.com's documented examples", () => {
  it("BOOKING_CREATED: the booking, its people, metadata and answers", () => {
    const event = parse(docs.BOOKING_CREATED);
    expect(event).toEqual({
      triggerEvent: "BOOKING_CREATED",
      createdAt: "2024-01-01T00:00:00.000Z",
      booking: {
        uid: "unique-booking-id",
        id: 100,
        eventTypeId: 123,
        title: "Strategy Session between Organizer and Guest",
        start: "2024-01-01T10:00:00.000Z",
        end: "2024-01-01T10:15:00.000Z",
        status: "accepted",
        organizer: { id: 1, name: "Organizer Name", email: "organizer@example.com", username: "organizer-handle", timeZone: "UTC" },
        attendees: [
          { name: "Guest User", email: "guest@example.com", phoneNumber: null, timeZone: "UTC", locale: "en", noShow: null },
          { name: "Additional Guest", email: "additional-guest@example.com", phoneNumber: null, timeZone: "UTC", locale: "en", noShow: null },
        ],
        metadata: { videoCallUrl: "https://app.example.com/video/unique-booking-id" },
        location: "integrations:video-provider",
        responses: {
          name: "Guest User",
          email: "guest@example.com",
          location: { optionValue: "", value: "integrations:video-provider" },
          guests: ["additional-guest@example.com"],
        },
      },
    });
  });

  it("BOOKING_RESCHEDULED: the new booking and the one it replaced", () => {
    const event = parse(docs.BOOKING_RESCHEDULED);
    if (event.triggerEvent !== "BOOKING_RESCHEDULED") throw new Error("wrong trigger");
    expect(event.booking).toMatchObject({ uid: "new-booking-unique-id", id: 201, start: "2024-01-10T14:30:00.000Z", status: "accepted" });
    expect(event.previous).toEqual({ uid: "previous-booking-unique-id", id: 200, start: "2024-01-05T14:30:00.000Z", end: "2024-01-05T14:45:00.000Z" });
    expect(event.rescheduledBy).toBeNull();
  });

  it("BOOKING_CANCELLED: the reason, who cancelled, and the cancel handler's +00:00 times", () => {
    const event = parse(docs.BOOKING_CANCELLED);
    expect(event).toMatchObject({
      triggerEvent: "BOOKING_CANCELLED",
      cancellationReason: "I am no longer able to attend this session.",
      cancelledBy: null,
      requestReschedule: false,
      booking: { uid: "unique-booking-identifier", id: 200, status: "cancelled", start: "2024-01-04T10:00:00.000Z", metadata: {} },
    });
  });

  it("BOOKING_REQUESTED and BOOKING_REJECTED: pending, then declined with a reason", () => {
    const requested = parse(docs.BOOKING_REQUESTED);
    expect(requested).toMatchObject({ triggerEvent: "BOOKING_REQUESTED", previous: null, booking: { uid: "unique-booking-id", status: "pending", metadata: {} } });
    const rejected = parse(docs.BOOKING_REJECTED);
    expect(rejected).toMatchObject({
      triggerEvent: "BOOKING_REJECTED",
      rejectionReason: "The organizer is no longer available at this time.",
      booking: { uid: "unique-booking-identifier", status: "rejected", start: "2024-01-01T15:00:00.000Z" },
    });
  });

  it("BOOKING_NO_SHOW_UPDATED: the booking uid and the attendees marked or unmarked", () => {
    expect(parse(docs.BOOKING_NO_SHOW_MARKED)).toEqual({
      triggerEvent: "BOOKING_NO_SHOW_UPDATED",
      createdAt: "2025-12-01T12:34:34.774Z",
      bookingUid: "5vQFqxDFMjdgKGMijqtqRw",
      bookingId: 31,
      message: "test@example.com marked as no-show",
      attendees: [{ email: "test@example.com", noShow: true }],
    });
    expect(parse(docs.BOOKING_NO_SHOW_UNMARKED)).toMatchObject({ attendees: [{ email: "test@example.com", noShow: false }] });
  });

  it("MEETING_ENDED in the scheduled-trigger form: the flattened booking row, with no delivery time", () => {
    const event = parse(docs.MEETING_ENDED);
    expect(event).toMatchObject({
      triggerEvent: "MEETING_ENDED",
      createdAt: null,
      previousUid: null,
      booking: {
        uid: "unique-booking-identifier",
        id: 100,
        eventTypeId: 50,
        status: "accepted",
        start: "2024-01-01T10:00:00.000Z",
        organizer: { id: 10, name: "Organizer Name", email: "organizer@example.com", username: "organizer-handle", timeZone: "UTC" },
      },
    });
    if (event.triggerEvent !== "MEETING_ENDED") throw new Error("wrong trigger");
    expect(event.booking.attendees[0]).toEqual({ name: "Guest User", email: "guest@example.com", phoneNumber: null, timeZone: "UTC", locale: "en", noShow: false });
  });
});

describe("the variations Cal.com really sends", () => {
  it("takes the booker's phone from the attendeePhoneNumber answer when the attendee has none (new-booking payloads)", () => {
    const body = structuredClone(docs.BOOKING_CREATED) as any;
    body.payload.responses.attendeePhoneNumber = { label: "phone_number", value: "+14155550123", isHidden: false };
    const event = parse(body);
    if (event.triggerEvent !== "BOOKING_CREATED") throw new Error("wrong trigger");
    expect(event.booking.attendees.map((a) => a.phoneNumber)).toEqual(["+14155550123", null]);
  });

  it("reads MEETING_ENDED wrapped in `payload` too (the versioned MeetingPayloadBuilder)", () => {
    const { triggerEvent, ...booking } = docs.MEETING_ENDED;
    const event = parse({ triggerEvent, createdAt: "2024-01-01T10:16:00.000Z", payload: booking });
    expect(event).toMatchObject({ triggerEvent: "MEETING_ENDED", createdAt: "2024-01-01T10:16:00.000Z", booking: { uid: "unique-booking-identifier" } });
  });

  it("ignores unknown fields, tolerates missing optional ones, and reads rescheduledBy and cancelledBy", () => {
    const body = structuredClone(docs.BOOKING_RESCHEDULED) as any;
    body.payload.somethingNew = { nested: true };
    body.payload.rescheduledBy = "guest@example.com";
    delete body.payload.organizer;
    delete body.payload.metadata;
    delete body.payload.title;
    const event = parse(body);
    expect(event).toMatchObject({ rescheduledBy: "guest@example.com", booking: { organizer: null, metadata: {}, title: null } });
    const cancelled = structuredClone(docs.BOOKING_CANCELLED) as any;
    cancelled.payload.cancelledBy = "organizer@example.com";
    expect(parse(cancelled)).toMatchObject({ cancelledBy: "organizer@example.com" });
  });

  it("accepts the body as bytes, as a server receives it", () => {
    expect(parseCalcomWebhook(Buffer.from(raw(docs.BOOKING_CREATED))).triggerEvent).toBe("BOOKING_CREATED");
    expect(parseCalcomWebhook(new TextEncoder().encode(raw(docs.BOOKING_CREATED))).triggerEvent).toBe("BOOKING_CREATED");
  });

  it("narrows by trigger", () => {
    const event: CalcomWebhookEvent = parse(docs.BOOKING_CANCELLED);
    if (event.triggerEvent === "BOOKING_CANCELLED") expectTypeOf(event.cancellationReason).toEqualTypeOf<string | null>();
    if (event.triggerEvent === "BOOKING_NO_SHOW_UPDATED") expectTypeOf(event.attendees).toEqualTypeOf<{ email: string; noShow: boolean }[]>();
    if (event.triggerEvent === "BOOKING_RESCHEDULED") expectTypeOf(event.previous).toEqualTypeOf<{ uid: string; id: number | null; start: string | null; end: string | null } | null>();
  });
});

describe("malformed input", () => {
  const refusal = (input: string | Uint8Array) => {
    try {
      parseCalcomWebhook(input);
    } catch (err) {
      return err as CalcomWebhookParseError;
    }
    throw new Error("accepted");
  };

  it("refuses a body that is not JSON, or not an object with a triggerEvent", () => {
    expect(refusal("not json")).toMatchObject({ name: "CalcomWebhookParseError", reason: "malformed", message: "The Cal.com webhook body is not JSON." });
    expect(refusal("[1]").message).toBe("The Cal.com webhook body is not an object with a triggerEvent.");
    expect(refusal(raw({ payload: {} })).message).toBe("The Cal.com webhook body is not an object with a triggerEvent.");
  });

  it("names the fields a booking trigger lacks or gets wrong", () => {
    const body = structuredClone(docs.BOOKING_CANCELLED) as any;
    delete body.payload.uid;
    body.payload.startTime = "yesterday";
    const err = refusal(raw(body));
    expect(err).toBeInstanceOf(CalcomWebhookParseError);
    expect(err.reason).toBe("malformed");
    expect(err.triggerEvent).toBe("BOOKING_CANCELLED");
    expect(err.issues).toEqual(["payload.startTime: not a date-time", "payload.uid: required"]);
    expect(err.message).toBe("The Cal.com BOOKING_CANCELLED webhook is malformed: payload.startTime: not a date-time; payload.uid: required.");
  });

  it("refuses a payload without its payload object, and a no-show without attendees", () => {
    expect(refusal(raw({ triggerEvent: "BOOKING_CREATED", createdAt: "2024-01-01T00:00:00.000Z" })).issues).toEqual(["payload: required"]);
    const noShow = structuredClone(docs.BOOKING_NO_SHOW_MARKED) as any;
    noShow.payload.attendees = [{ email: "x@example.com" }];
    expect(refusal(raw(noShow)).issues).toEqual(["payload.attendees.0.noShow: required"]);
  });

  it("says a trigger it does not handle is unsupported rather than malformed", () => {
    const err = refusal(raw({ triggerEvent: "OOO_CREATED", createdAt: "2024-01-01T08:00:00.000Z", payload: { oooEntry: {} } }));
    expect(err).toMatchObject({ reason: "unsupported_trigger", triggerEvent: "OOO_CREATED", message: "The Cal.com webhook trigger OOO_CREATED is not one this library reads." });
  });
});
