import { sendSuccess } from "../http";
import type { StoredBooking } from "../store";
import { type BookingOps, findBooking } from "./booking-flows";
import { bookingOutput } from "./bookings";
import { BOOKINGS_VERSIONS, bodyObject, HttpError, type Route } from "./context";

// The host's decision on a booking that requires confirmation, from the web app or the API
// (calcom/cal.com apps/api/v2/src/ee/bookings/2024-08-13/controllers/bookings.controller.ts
// @ cf5215774e07efb16d8f1d4fd9e59b9764f248ad and services/bookings.service.ts
// @ cd764fd827c001adedda807a326af9ca0f924beb: `POST /v2/bookings/{uid}/confirm|decline` run the web app's
// packages/trpc/server/routers/viewer/bookings/confirm.handler.ts @ 008952de0ac2d35c3056ac98034e1012033c0867 with
// `confirmed: true|false` for the API key's owner, who must be the booking's host; 200 with the booking).

/** Waiting for the host: confirm and decline refuse anything else ("Booking already confirmed" for an accepted one). */
function pending(b: StoredBooking): StoredBooking {
  if (b.status === "accepted") throw new HttpError(400, "Booking already confirmed");
  if (b.status !== "pending") throw new HttpError(400, "Booking is not awaiting confirmation");
  return b;
}

/** The host accepts: BOOKING_CREATED with the confirm handler's payload. */
export async function confirmBooking(ops: BookingOps, booking: StoredBooking): Promise<StoredBooking> {
  const b = pending(booking);
  Object.assign(b, { status: "accepted", updatedAt: ops.now() });
  await ops.notify({ trigger: "BOOKING_CREATED", booking: b, confirmed: true });
  return b;
}

/** The host declines: BOOKING_REJECTED with `rejectionReason`. */
export async function declineBooking(ops: BookingOps, booking: StoredBooking, reason: string | undefined): Promise<StoredBooking> {
  const b = pending(booking);
  Object.assign(b, { status: "rejected", rejectionReason: reason, updatedAt: ops.now() });
  await ops.notify({ trigger: "BOOKING_REJECTED", booking: b });
  return b;
}

/** Only the booking's host decides on it. */
function hostsBooking(userId: number, b: StoredBooking): StoredBooking {
  if (b.userId !== userId) throw new HttpError(403, "You do not have permission to confirm or decline this booking");
  return b;
}

export const bookingDecisionRoutes: Route[] = [
  {
    method: "POST",
    pattern: /^\/v2\/bookings\/([^/]+)\/confirm\/?$/,
    versions: BOOKINGS_VERSIONS,
    auth: "required",
    handle: async (ctx) => {
      const b = hostsBooking(ctx.user.id, findBooking(ctx, ctx.params[0], `Booking with uid=${ctx.params[0]} was not found in the database`));
      sendSuccess(ctx.res, bookingOutput(await confirmBooking(ctx, b), ctx.store));
    },
  },
  {
    method: "POST",
    pattern: /^\/v2\/bookings\/([^/]+)\/decline\/?$/,
    versions: BOOKINGS_VERSIONS,
    auth: "required",
    handle: async (ctx) => {
      const reason = bodyObject(ctx.body)?.reason;
      if (reason !== undefined && typeof reason !== "string") throw new HttpError(400, "reason must be a string");
      const b = hostsBooking(ctx.user.id, findBooking(ctx, ctx.params[0], `Booking with uid=${ctx.params[0]} was not found in the database`));
      sendSuccess(ctx.res, bookingOutput(await declineBooking(ctx, b, reason), ctx.store));
    },
  },
];
