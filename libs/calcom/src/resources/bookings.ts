import { z } from "zod";
import { CalcomSlotUnavailableError } from "../errors";
import type { QueryValue, Transport } from "../http";
import { isAlreadyCancelled } from "../parse-error";
import { CAL_API_VERSIONS } from "../versions";
import type { CancelBookingInput, CreateBookingInput, CreateInstantBookingInput, DeclineBookingInput, ListBookingsQuery, RescheduleBookingInput } from "./booking-inputs";

const version = CAL_API_VERSIONS.bookings;

/** The booking fields the product relies on (`BookingOutput_2024_08_13`); everything else passes through. */
export const CalcomBookingSchema = z
  .object({
    id: z.number().int(),
    uid: z.string(),
    title: z.string().optional(),
    status: z.string(),
    start: z.string(),
    end: z.string(),
    duration: z.number().optional(),
    eventTypeId: z.number().int().nullable().optional(),
    eventType: z.object({ id: z.number().int(), slug: z.string().optional() }).passthrough().nullable().optional(),
    /**
     * The booking's host (its organizer; for a round-robin team event, the member it was given to). A booking with no
     * host yet (an instant meeting awaiting one) names Cal.com's placeholder, every field "unknown", id included
     * (calcom/cal.com apps/api/v2/src/ee/bookings/2024-08-13/services/output.service.ts getHost @ 05a62d6e5c73662b37d2b2bae5433474cb1b566b).
     */
    hosts: z.array(z.object({ id: z.union([z.number().int(), z.literal("unknown")]).optional(), name: z.string().nullable().optional(), email: z.string().nullable().optional(), username: z.string().nullable().optional() }).passthrough()).optional(),
    attendees: z
      .array(z.object({ name: z.string(), email: z.string().nullable().optional(), timeZone: z.string().optional(), phoneNumber: z.string().nullable().optional() }).passthrough())
      .default([]),
    location: z.string().nullable().optional(),
    rescheduledFromUid: z.string().nullable().optional(),
    rescheduledToUid: z.string().nullable().optional(),
    cancellationReason: z.string().nullable().optional(),
    /** What the creator attached (Cal.com echoes `metadata` from the create request). */
    metadata: z.record(z.unknown()).nullable().optional(),
    bookingFieldsResponses: z.record(z.unknown()).optional(),
  })
  .passthrough();
export type CalcomBooking = z.output<typeof CalcomBookingSchema>;

/** Sent when a cancel names no reason: Cal.com requires one from the host (the API key's owner). */
export const DEFAULT_CANCELLATION_REASON = "Cancelled";

const sameInstant = (a: string, b: string) => Date.parse(a) === Date.parse(b);

export function bookingsResource(request: Transport) {
  const get = (uid: string) =>
    request({ method: "GET", path: `/v2/bookings/${encodeURIComponent(uid)}`, version, schema: CalcomBookingSchema });

  const list = (query: ListBookingsQuery = {}) =>
    request({
      method: "GET",
      path: "/v2/bookings",
      version,
      query: query as Record<string, QueryValue>,
      schema: z.array(CalcomBookingSchema),
    });

  /** The booking `input` would have created, if Cal.com already has it (same event type, start and attendee). */
  async function findCreated(input: CreateBookingInput): Promise<CalcomBooking | undefined> {
    const { eventTypeId, attendee } = input;
    const start = new Date(Date.parse(input.start));
    const candidates = await list({
      eventTypeId,
      attendeeEmail: attendee.email,
      attendeeName: attendee.email ? undefined : attendee.name,
      afterStart: new Date(start.getTime() - 60_000).toISOString(),
      beforeEnd: new Date(start.getTime() + 24 * 3_600_000).toISOString(),
      take: 50,
    });
    return candidates.find(
      (b) =>
        sameInstant(b.start, input.start) &&
        b.status !== "cancelled" &&
        b.status !== "rejected" &&
        (eventTypeId === undefined || (b.eventType?.id ?? b.eventTypeId) === eventTypeId) &&
        b.attendees.some((a) => (attendee.email ? a.email === attendee.email : a.name === attendee.name && (!attendee.phoneNumber || a.phoneNumber === attendee.phoneNumber))),
    );
  }

  /**
   * Creates a booking, or finds the one that already is what `input` asks for. Cal.com has no idempotency key, so a
   * failed attempt is never blindly repeated: before each retry the booking is looked up (same event type, start and
   * attendee) and returned if the failed attempt made it. A slot taken by such a booking (an earlier request's whose
   * answer was lost, or one Cal.com finished after a timeout — or any booking of that attendee at that time) is
   * returned too, with `found: true`: whose it is, the caller decides (its `metadata`).
   */
  async function createOrFind(input: CreateBookingInput, options: { lookupFirst?: boolean } = {}): Promise<{ booking: CalcomBooking; found: boolean }> {
    // After a crash mid-booking, an earlier attempt may have booked already: look before the first try too.
    if (options.lookupFirst) {
      const existing = await findCreated(input);
      if (existing) return { booking: existing, found: true };
    }
    let earlierFailure: unknown; // an attempt that failed in a way that may still have booked
    for (let n = 0; ; n++) {
      try {
        return { booking: await request({ method: "POST", path: "/v2/bookings", version, body: input, schema: CalcomBookingSchema, retry: false }), found: false };
      } catch (err) {
        if (err instanceof CalcomSlotUnavailableError) {
          const ours = await findCreated(input).catch(() => null);
          if (ours) return { booking: ours, found: true };
          // The slot may be held by our own earlier attempt, unverifiable now: the outcome is unknown, not a conflict.
          throw ours === null && earlierFailure ? earlierFailure : err;
        }
        await request.backoff(n, err);
        earlierFailure = err;
        const existing = await findCreated(input).catch(() => undefined);
        if (existing) return { booking: existing, found: true };
      }
    }
  }

  return {
    get,
    list,
    createOrFind,
    /** `createOrFind`, for callers that do not need to know whether the booking was made now. */
    create: async (input: CreateBookingInput, options: { lookupFirst?: boolean } = {}): Promise<CalcomBooking> => (await createOrFind(input, options)).booking,
    /**
     * Starts an instant meeting (`POST /v2/bookings` with `instant: true`). Cal.com answers with a booking awaiting a
     * host (`status: "awaiting_host"`, its Cal Video link as `location`), notifies the team's members and fires
     * INSTANT_MEETING; a non-team event type is a 400 (calcom/cal.com
     * apps/api/v2/src/ee/bookings/2024-08-13/services/bookings.service.ts @ 015b57aa35e8f11ded25dc1cedd7460a58440f72,
     * packages/features/instant-meeting/handleInstantMeeting.ts @ 008b94bb87bdf05f6f9b39de430cd58e0c133310). Sent
     * once: every try would ring the team again, and Cal.com has no way to find the first one's booking.
     */
    createInstant: (input: CreateInstantBookingInput): Promise<CalcomBooking> =>
      request({ method: "POST", path: "/v2/bookings", version, body: input, schema: CalcomBookingSchema, retry: false }),
    /**
     * Moves a booking; Cal.com answers with a new booking (new uid) and cancels the old one. Before a retry the old
     * booking is read: if it already points to its replacement, that replacement is the answer.
     */
    async reschedule(uid: string, input: RescheduleBookingInput): Promise<CalcomBooking> {
      for (let n = 0; ; n++) {
        try {
          return await request({ method: "POST", path: `/v2/bookings/${encodeURIComponent(uid)}/reschedule`, version, body: input, schema: CalcomBookingSchema, retry: false });
        } catch (err) {
          await request.backoff(n, err);
          const old = await get(uid).catch(() => undefined);
          if (old?.rescheduledToUid) return get(old.rescheduledToUid);
        }
      }
    },
    /**
     * The host accepts a booking that awaits confirmation (`POST /v2/bookings/{uid}/confirm`, 200 with the booking).
     * Cal.com refuses a booking that is not pending with a 400 (calcom/cal.com
     * apps/api/v2/src/ee/bookings/2024-08-13/controllers/bookings.controller.ts @ cf5215774e07efb16d8f1d4fd9e59b9764f248ad,
     * services/bookings.service.ts @ cd764fd827c001adedda807a326af9ca0f924beb, which run the web app's confirm handler).
     */
    confirm: (uid: string): Promise<CalcomBooking> =>
      request({ method: "POST", path: `/v2/bookings/${encodeURIComponent(uid)}/confirm`, version, schema: CalcomBookingSchema, retry: false }),
    /** The host declines a booking that awaits confirmation (`POST /v2/bookings/{uid}/decline`, reason optional). */
    decline: (uid: string, input: DeclineBookingInput = {}): Promise<CalcomBooking> =>
      request({ method: "POST", path: `/v2/bookings/${encodeURIComponent(uid)}/decline`, version, body: input, schema: CalcomBookingSchema, retry: false }),
    /**
     * Cancels a booking (200). Cal.com refuses a host's cancel (an API key of the booking's owner) without a reason,
     * so a missing or blank `cancellationReason` is sent as {@link DEFAULT_CANCELLATION_REASON}. Retried like a
     * read; when a retry meets "already cancelled" (in any of Cal.com's wordings), the earlier attempt did the work
     * and the cancelled booking is returned.
     */
    async cancel(uid: string, input: CancelBookingInput = {}): Promise<CalcomBooking> {
      const reason = "cancellationReason" in input && input.cancellationReason?.trim() ? input.cancellationReason : DEFAULT_CANCELLATION_REASON;
      const body = { ...input, cancellationReason: reason };
      for (let n = 0; ; n++) {
        try {
          return await request({ method: "POST", path: `/v2/bookings/${encodeURIComponent(uid)}/cancel`, version, body, schema: CalcomBookingSchema, retry: false });
        } catch (err) {
          if (n > 0 && isAlreadyCancelled(err)) return get(uid);
          await request.backoff(n, err);
        }
      }
    },
  };
}
