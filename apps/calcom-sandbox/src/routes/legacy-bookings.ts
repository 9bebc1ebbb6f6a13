import { sendSuccess } from "../http";
import type { SandboxStore, StoredBooking } from "../store";
import { callerOf, cancelBooking } from "./booking-flows";
import { listBookings } from "./bookings";
import { bodyObject, HttpError, LEGACY_BOOKINGS_VERSIONS, type Route } from "./context";

// The legacy bookings controller that a request without cal-api-version (or with 2024-04-15/06-11/06-14) reaches:
// calcom/cal.com apps/api/v2/src/ee/bookings/2024-04-15/controllers/bookings.controller.ts
// @ d33679261d4c3aa05def2148ec3af498847870b8. Its reads and cancel are emulated; its create/reschedule bodies are not.

/** The database-shaped booking the legacy controller answers with (getBookingInfo / getAllUserBookings). */
function legacyBooking(b: StoredBooking, store: SandboxStore) {
  const host = store.userById(b.userId);
  return {
    id: b.id,
    uid: b.uid,
    title: b.title,
    description: null,
    startTime: new Date(b.start).toISOString(),
    endTime: new Date(b.end).toISOString(),
    status: b.status.toUpperCase(),
    eventTypeId: b.eventTypeId,
    location: b.location,
    metadata: b.metadata,
    responses: b.bookingFieldsResponses,
    attendees: [{ name: b.attendee.name, email: b.attendee.email, timeZone: b.attendee.timeZone, locale: b.attendee.language }],
    user: { id: host.id, name: host.name, email: host.email },
  };
}

export const legacyBookingRoutes: Route[] = [
  {
    method: "GET",
    pattern: /^\/v2\/bookings\/?$/,
    versions: LEGACY_BOOKINGS_VERSIONS,
    auth: "required",
    handle(ctx) {
      const q = ctx.url.searchParams;
      const all = listBookings(ctx, ctx.user, new URLSearchParams(), [q.get("filters[status]") ?? "upcoming"]);
      const cursor = Number(q.get("cursor") ?? 0);
      const limit = Number(q.get("limit") ?? 10);
      sendSuccess(ctx.res, {
        bookings: all.slice(cursor, cursor + limit).map((b) => legacyBooking(b, ctx.store)),
        recurringInfo: [],
        totalCount: all.length,
        nextCursor: all.length > cursor + limit ? cursor + limit : null,
      });
    },
  },
  {
    method: "GET",
    pattern: /^\/v2\/bookings\/([^/]+)\/?$/,
    versions: LEGACY_BOOKINGS_VERSIONS,
    auth: "none",
    handle(ctx) {
      const b = ctx.store.bookings.get(ctx.params[0]);
      if (!b) throw new HttpError(404, `Booking with UID=${ctx.params[0]} does not exist.`);
      sendSuccess(ctx.res, legacyBooking(b, ctx.store));
    },
  },
  {
    method: "POST",
    pattern: /^\/v2\/bookings\/([^/]+)\/cancel\/?$/,
    versions: LEGACY_BOOKINGS_VERSIONS,
    auth: "none",
    async handle(ctx) {
      const uid = ctx.params[0];
      if (!Number.isNaN(Number(uid))) throw new HttpError(400, "Please provide booking uid instead of booking id.");
      const b = ctx.store.bookings.get(uid);
      if (!b) throw new HttpError(404, `Booking with UID=${uid} does not exist.`);
      await cancelBooking(ctx, b, bodyObject(ctx.body)?.cancellationReason, callerOf(ctx.user, b));
      sendSuccess(ctx.res, { bookingId: b.id, bookingUid: b.uid, onlyRemovedAttendee: false });
    },
  },
];
