import { confirmBooking, declineBooking } from "./routes/booking-decision";
import { validateReschedule } from "./routes/booking-input";
import { type BookingOps, cancelBooking, createBooking, findBooking, rescheduleBooking } from "./routes/booking-flows";
import { bookingOutput } from "./routes/bookings";
import { HttpError } from "./routes/context";
import type { StoredBooking } from "./store";

// The outside world acting in Cal.com's web app, for tests: the same booking flows as the API, with the actor the web
// app would record (calcom/cal.com packages/lib/CalEventParser.ts @ 7962c13eb6928710d8bbd0cadbcedc25d017afe6: the
// emails' links carry `rescheduledBy` / `cancelledBy` = the attendee's email; in the app the host acts as themself),
// plus the host's confirm/decline (packages/trpc/server/routers/viewer/bookings/confirm.handler.ts
// @ 008952de0ac2d35c3056ac98034e1012033c0867) and no-show marks (packages/features/handleMarkNoShow.ts
// @ b7e3bb65b3da7cc59c19ea43624d63195fcf6b6e). Inputs are checked as the API checks its own.

export type Actor = "host" | "attendee";
export type WebAppBooking = ReturnType<typeof bookingOutput>;

export interface WebApp {
  /** A booking made on the Cal.com booking page (body as `POST /v2/bookings`); 201 with the booking. */
  book(input: Record<string, unknown>): Promise<WebAppBooking>;
  /** The attendee from the email's reschedule link, or the host from the bookings list: the new booking. */
  reschedule(uid: string, input: { start: string; by: Actor; reschedulingReason?: string }): Promise<WebAppBooking>;
  /** The attendee from the email's cancel link, or the host in the app (who must give a reason). */
  cancel(uid: string, input: { by: Actor; cancellationReason?: string }): Promise<WebAppBooking>;
  /** The host accepts a booking that requires confirmation. */
  confirm(uid: string): Promise<WebAppBooking>;
  /** The host declines a booking that requires confirmation. */
  reject(uid: string, input?: { reason?: string }): Promise<WebAppBooking>;
  /** The host marks the attendee (by email, the booker by default) absent or present again, or marks themself absent. */
  markNoShow(uid: string, input?: { attendeeEmail?: string; noShow?: boolean; host?: boolean }): Promise<WebAppBooking>;
}

const isRecord = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);

function actorOf(input: unknown): Actor {
  const by = isRecord(input) ? input.by : undefined;
  if (by !== "host" && by !== "attendee") throw new HttpError(400, 'by must be "host" or "attendee"');
  return by;
}

function optionalString(input: Record<string, unknown>, key: string): string | undefined {
  const v = input[key];
  if (v !== undefined && typeof v !== "string") throw new HttpError(400, `${key} must be a string`);
  return v;
}

export function createWebApp(ops: () => BookingOps): WebApp {
  const find = (uid: string) => findBooking(ops(), uid, `Booking with uid=${uid} was not found`);
  const out = (b: StoredBooking) => bookingOutput(b, ops().store);
  const hostEmail = (b: StoredBooking) => ops().store.userById(b.userId).email;
  const emailOf = (b: StoredBooking, by: Actor) => (by === "host" ? hostEmail(b) : b.attendee.email);

  return {
    book: async (input) => out(await createBooking(ops(), input, "WEBAPP")),

    async reschedule(uid, input) {
      const by = actorOf(input);
      const { start, reschedulingReason } = input;
      validateReschedule({ start, ...(reschedulingReason !== undefined ? { reschedulingReason } : {}) });
      const rescheduledBy = emailOf(find(uid), by);
      return out(await rescheduleBooking(ops(), uid, { start, reschedulingReason, rescheduledBy }, "WEBAPP"));
    },

    async cancel(uid, input) {
      const by = actorOf(input);
      const reason = optionalString(input, "cancellationReason");
      const b = find(uid);
      await cancelBooking(ops(), b, reason, { email: emailOf(b, by), isHost: by === "host" });
      return out(b);
    },

    confirm: async (uid) => out(await confirmBooking(ops(), find(uid))),

    async reject(uid, input = {}) {
      const reason = optionalString(input, "reason");
      return out(await declineBooking(ops(), find(uid), reason));
    },

    async markNoShow(uid, input = {}) {
      const b = find(uid);
      if (ops().now() < b.start) throw new HttpError(403, "Cannot mark no-show before the meeting has started.");
      if (input.host !== undefined && typeof input.host !== "boolean") throw new HttpError(400, "host must be a boolean");
      if (input.noShow !== undefined && typeof input.noShow !== "boolean") throw new HttpError(400, "noShow must be a boolean");
      if (input.host) {
        // The host's mark updates the booking row (and so its updatedAt) and fires no webhook.
        Object.assign(b, { noShowHost: true, updatedAt: ops().now() });
        return out(b);
      }
      const email = optionalString(input, "attendeeEmail") ?? b.attendee.email;
      if (email !== b.attendee.email) throw new HttpError(400, `The booking has no attendee ${email}`);
      // Only the attendee row changes: the booking's updatedAt stays.
      const noShow = input.noShow ?? true;
      b.attendee.noShow = noShow;
      await ops().notify({ trigger: "BOOKING_NO_SHOW_UPDATED", booking: b, attendee: { email, noShow } });
      return out(b);
    },
  };
}
