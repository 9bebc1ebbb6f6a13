import { busyFor } from "../busy";
import { sendJson, sendSuccess } from "../http";
import { bookability } from "../slots";
import type { SandboxStore, SandboxUser, StoredBooking, StoredEventType } from "../store";
import { checkLength, checkResponses, validateCancel, validateCreate, validateListQuery, validateReschedule } from "./booking-input";
import { BOOKINGS_VERSIONS, HttpError, type Route, type RouteContext } from "./context";
import { parseUtc } from "./slots";

// The 2024-08-13 bookings controller. Messages and their order follow calcom/cal.com
// apps/api/v2/src/ee/bookings/2024-08-13/services/{bookings,input,errors}.service.ts
// (@ cd764fd827c001adedda807a326af9ca0f924beb, 3d4e8782eb22f7e512a77fa043ecc7eafafed01c, 5b6d63e6300b8d930530b1b876d556a12fcfbd96).

const TAKEN = "User either already has booking at this time or is not available";
const OUT_OF_BOUNDS = `The event type can't be booked at the "start" time provided. This could be because it's too soon (violating the minimum booking notice) or too far in the future (outside the event's scheduling window). Try fetching available slots first using the GET /v2/slots endpoint and then make a booking with "start" time equal to one of the available slots: https://cal.com/docs/api-reference/v2/slots`;

/** `BookingOutput_2024_08_13` (output.service.ts getOutputBooking, plus the newer reschedule and cancel fields). */
export function bookingOutput(b: StoredBooking, store: SandboxStore) {
  const host = store.users.get(b.userId)!;
  const et = store.eventTypes.get(b.eventTypeId);
  return {
    id: b.id,
    uid: b.uid,
    title: b.title,
    description: "",
    hosts: [{ id: host.id, name: host.name, email: host.email, username: host.username, timeZone: host.timeZone }],
    status: b.status,
    ...(b.cancellationReason !== undefined ? { cancellationReason: b.cancellationReason, cancelledByEmail: b.cancelledBy ?? host.email } : {}),
    ...(b.reschedulingReason !== undefined ? { reschedulingReason: b.reschedulingReason } : {}),
    ...(b.rescheduledFromUid ? { rescheduledFromUid: b.rescheduledFromUid } : {}),
    ...(b.rescheduledToUid ? { rescheduledToUid: b.rescheduledToUid } : {}),
    start: new Date(b.start).toISOString(),
    end: new Date(b.end).toISOString(),
    duration: Math.round((b.end - b.start) / 60_000),
    eventTypeId: b.eventTypeId,
    eventType: { id: b.eventTypeId, slug: et?.slug ?? "" },
    meetingUrl: b.location,
    location: b.location,
    absentHost: false,
    createdAt: new Date(b.createdAt).toISOString(),
    updatedAt: new Date(b.updatedAt).toISOString(),
    metadata: b.metadata,
    attendees: [{ ...b.attendee, absent: false }],
    ...(b.guests.length ? { guests: b.guests } : {}),
    bookingFieldsResponses: b.bookingFieldsResponses,
  };
}

function findBooking(ctx: RouteContext, uid: string, notFound: string): StoredBooking {
  const b = ctx.store.bookings.get(uid);
  if (!b) throw new HttpError(404, notFound);
  return b;
}

/** getBookedEventType + handleEventTypeToBeBookedNotFound (errors.service.ts). */
function bookedEventType(store: SandboxStore, body: Record<string, any>): StoredEventType {
  if (body.eventTypeId) {
    const et = store.eventTypes.get(body.eventTypeId);
    if (!et) throw new HttpError(404, `Event type with id ${body.eventTypeId} not found.`);
    return et;
  }
  if (body.teamSlug) throw new HttpError(404, `Team with slug ${body.teamSlug} not found`);
  const user = [...store.users.values()].find((u) => u.username === body.username);
  if (!user) throw new HttpError(404, `User with username ${body.username} not found`);
  const et = [...store.eventTypes.values()].find((e) => e.ownerId === user.id && e.slug === body.eventTypeSlug);
  if (!et) throw new HttpError(404, `Event type with slug ${body.eventTypeSlug} belonging to user ${body.username} not found.`);
  return et;
}

/**
 * A reservation of exactly this slot held by someone else comes first (reserved-slot-bookings.e2e-spec.ts @
 * 91f65ebbfd1bfae7ffd23e1cfd4127d49025fda3); the booker's own reservation, if first in line, is consumed.
 */
function claimReservation(ctx: RouteContext, et: StoredEventType, start: number, end: number, reservedSlotUid?: string): void {
  const now = ctx.now();
  const line = [...ctx.store.reservations.values()]
    .filter((r) => r.eventTypeId === et.id && r.start === start && r.end === end && r.until > now)
    .sort((a, b) => a.createdAt - b.createdAt);
  if (line.length === 0) return;
  if (line[0]!.uid === reservedSlotUid) {
    ctx.store.reservations.delete(line[0]!.uid);
    return;
  }
  throw new HttpError(400, `Someone else reserved this booking time slot before you. This time slot will be freed up in ${Math.ceil((line[0]!.until - now) / 1000)} seconds.`);
}

/** handleNewBooking's checks of the time, in its order: past, out of bounds, then the host's availability. */
function assertBookable(ctx: RouteContext, et: StoredEventType, start: number, duration: number, exceptUid?: string): void {
  const verdict = bookability(start, duration, ctx.store.scheduleFor(et), et, busyFor(ctx.store, et, exceptUid), ctx.now());
  if (verdict === "past") throw new HttpError(400, "Attempting to book a meeting in the past.");
  if (verdict === "notice") throw new HttpError(400, OUT_OF_BOUNDS);
  if (verdict !== "ok") throw new HttpError(400, TAKEN);
}

function create(ctx: RouteContext): StoredBooking {
  const body = ctx.body;
  validateCreate(body);
  const et = bookedEventType(ctx.store, body);
  checkResponses(et, body);
  const duration = checkLength(et, body.lengthInMinutes);
  const a = body.attendee;
  const emailField = et.bookingFields.find((f) => f.slug === "email");
  // handleNewBooking parses responses with zod: a required email missing is a ZodError (ZodExceptionFilter's envelope).
  if (!a.email && emailField?.required !== false) throw new HttpError(400, "responses - {email}error_required_field, ", "zod");
  const start = parseUtc(body.start)!;
  if (start >= ctx.now()) claimReservation(ctx, et, start, start + duration * 60_000, body.reservedSlotUid);
  assertBookable(ctx, et, start, duration);
  const now = ctx.now();
  const host = ctx.store.users.get(et.ownerId)!;
  const guests: string[] = body.guests ?? [];
  const booking: StoredBooking = {
    ...ctx.store.newBookingIds(),
    userId: et.ownerId,
    eventTypeId: et.id,
    title: `${et.title} between ${host.name} and ${a.name}`,
    status: "accepted",
    start,
    end: start + duration * 60_000,
    attendee: { name: a.name, email: a.email ?? "", timeZone: a.timeZone, language: a.language ?? "en", ...(a.phoneNumber ? { phoneNumber: a.phoneNumber } : {}) },
    bookingFieldsResponses: { ...body.bookingFieldsResponses, name: a.name, email: a.email ?? "", ...(a.phoneNumber ? { attendeePhoneNumber: a.phoneNumber } : {}), ...(guests.length ? { guests } : {}) },
    guests,
    metadata: (body.metadata ?? {}) as Record<string, unknown>,
    location: "integrations:daily",
    createdAt: now,
    updatedAt: now,
  };
  ctx.store.bookings.set(booking.uid, booking);
  ctx.notify("BOOKING_CREATED", booking);
  return booking;
}

function reschedule(ctx: RouteContext): StoredBooking {
  const uid = ctx.params[0]!;
  validateReschedule(ctx.body);
  const old = findBooking(ctx, uid, `Booking with uid=${uid} was not found in the database`);
  if (old.status === "cancelled" && old.rescheduledToUid) {
    throw new HttpError(
      400,
      `Can't reschedule booking with uid=${uid} because it has been cancelled and rescheduled already to booking with uid=${old.rescheduledToUid}. You probably want to reschedule ${old.rescheduledToUid} instead by passing it within the request URL.`,
    );
  }
  if (old.status === "cancelled") throw new HttpError(400, `Can't reschedule booking with uid=${uid} because it has been cancelled. Please provide uid of a booking that is not cancelled.`);
  const et = ctx.store.eventTypes.get(old.eventTypeId)!;
  const start = parseUtc(ctx.body.start)!;
  // transformInputRescheduleBooking: the new booking lasts the event type's length.
  const duration = et.lengthInMinutes;
  assertBookable(ctx, et, start, duration, old.uid);
  const now = ctx.now();
  const booking: StoredBooking = {
    ...old,
    ...ctx.store.newBookingIds(),
    start,
    end: start + duration * 60_000,
    status: "accepted",
    rescheduledFromUid: old.uid,
    rescheduledToUid: undefined,
    cancellationReason: undefined,
    cancelledBy: undefined,
    reschedulingReason: ctx.body.reschedulingReason,
    createdAt: now,
    updatedAt: now,
  };
  Object.assign(old, { status: "cancelled", rescheduledToUid: booking.uid, updatedAt: now });
  ctx.store.bookings.set(booking.uid, booking);
  ctx.notify("BOOKING_RESCHEDULED", booking, old);
  return booking;
}

/**
 * The cancel flow shared by both bookings controllers: handleCancelBooking's rules (calcom/cal.com
 * packages/features/bookings/lib/handleCancelBooking/test/handleCancelBooking.test.ts @ ce18be5f3d4eaa1cecb7d7d28949e6f63114ee01):
 * a host (the API key's owner) must give a reason, and a booking that has ended cannot be cancelled; both are core
 * HttpErrors, answered bare.
 */
export function cancelBooking(ctx: RouteContext, b: StoredBooking, reason: unknown, caller: SandboxUser | undefined): void {
  const isHost = caller?.id === b.userId;
  if (isHost && !(typeof reason === "string" && reason.trim())) throw new HttpError(400, "Cancellation reason is required when you are the host", "bare");
  if (ctx.now() > b.end) throw new HttpError(400, "Cannot cancel a booking that has already ended", "bare");
  Object.assign(b, { status: "cancelled", cancellationReason: typeof reason === "string" ? reason : "", cancelledBy: caller?.email, updatedAt: ctx.now() });
  ctx.notify("BOOKING_CANCELLED", b);
}

function cancel(ctx: RouteContext): StoredBooking {
  const uid = ctx.params[0]!;
  const body = validateCancel(ctx.body);
  if (body.seatUid !== undefined) throw new HttpError(400, "Invalid seatUid: this seat does not exist or has already been cancelled.");
  const b = findBooking(ctx, uid, `Booking with uid=${uid} not found`);
  if (b.status === "cancelled") {
    throw new HttpError(400, `Can't cancel booking with uid=${uid} because it has been cancelled already. Please provide uid of a booking that is not cancelled.`);
  }
  cancelBooking(ctx, b, body.cancellationReason, ctx.user);
  return b;
}

const STATUS_FILTERS: Record<string, (b: StoredBooking, now: number) => boolean> = {
  upcoming: (b, now) => b.status !== "cancelled" && b.status !== "rejected" && b.end >= now,
  recurring: () => false,
  past: (b, now) => b.status !== "cancelled" && b.status !== "rejected" && b.end <= now,
  cancelled: (b) => b.status === "cancelled" || b.status === "rejected",
  unconfirmed: (b, now) => b.status === "pending" && b.end >= now,
};
const STATUS_ORDER: Record<string, "asc" | "desc"> = { upcoming: "asc", recurring: "asc", past: "desc", cancelled: "desc", unconfirmed: "asc" };

/**
 * GET /v2/bookings filters and order: one status without a sort orders by that status (past and cancelled newest
 * first), otherwise the sort given, otherwise start ascending (getAllUserBookings.ts @
 * 0f7e22ccd762f77236e850dc1e43c55c60c085b1 → get.handler getOrderBy). Time bounds are inclusive (gte/lte on
 * startTime, endTime, createdAt and updatedAt: get.handler.ts @ f091f1c3c80285233555f441be604fa5d9faaa07).
 */
export function listBookings(ctx: RouteContext, user: SandboxUser, q: URLSearchParams, statuses: string[]): StoredBooking[] {
  const now = ctx.now();
  const ids = [q.get("eventTypeId"), ...(q.get("eventTypeIds") ?? "").split(",")].filter(Boolean).map(Number);
  const bound = (name: string) => parseUtc(q.get(name));
  const [afterStart, beforeEnd, afterCreated, beforeCreated, afterUpdated, beforeUpdated] = ["afterStart", "beforeEnd", "afterCreatedAt", "beforeCreatedAt", "afterUpdatedAt", "beforeUpdatedAt"].map(bound);
  const within = (v: number, after: number | null | undefined, before: number | null | undefined) => (after == null || v >= after) && (before == null || v <= before);
  const list = [...ctx.store.bookings.values()].filter(
    (b) =>
      b.userId === user.id &&
      (!statuses.length || statuses.some((s) => STATUS_FILTERS[s]?.(b, now))) &&
      (!ids.length || ids.includes(b.eventTypeId)) &&
      (!q.get("attendeeEmail") || b.attendee.email === q.get("attendeeEmail")) &&
      (!q.get("attendeeName") || b.attendee.name === q.get("attendeeName")) &&
      (!q.get("bookingUid") || b.uid === q.get("bookingUid")) &&
      within(b.start, afterStart, null) &&
      within(b.end, null, beforeEnd) &&
      within(b.createdAt, afterCreated, beforeCreated) &&
      within(b.updatedAt, afterUpdated, beforeUpdated),
  );
  const sorts: [string, keyof StoredBooking][] = [["sortStart", "start"], ["sortEnd", "end"], ["sortCreated", "createdAt"], ["sortUpdatedAt", "updatedAt"]];
  const chosen = sorts.find(([param]) => q.get(param));
  const [key, order]: [keyof StoredBooking, string] =
    statuses.length === 1 && !chosen ? ["start", STATUS_ORDER[statuses[0]!] ?? "asc"] : chosen ? [chosen[1], q.get(chosen[0])!] : ["start", "asc"];
  return list.sort((x, y) => ((x[key] as number) - (y[key] as number)) * (order === "desc" ? -1 : 1));
}

export const bookingRoutes: Route[] = [
  {
    method: "POST",
    pattern: /^\/v2\/bookings\/?$/,
    versions: BOOKINGS_VERSIONS,
    auth: "optional",
    handle: (ctx) => sendSuccess(ctx.res, bookingOutput(create(ctx), ctx.store), 201),
  },
  {
    method: "GET",
    pattern: /^\/v2\/bookings\/?$/,
    versions: BOOKINGS_VERSIONS,
    auth: "required",
    handle(ctx) {
      const q = ctx.url.searchParams;
      validateListQuery(q);
      const list = listBookings(ctx, ctx.user!, q, (q.get("status") ?? "").split(",").filter(Boolean));
      const take = parseInt(q.get("take") ?? "100", 10);
      const skip = parseInt(q.get("skip") ?? "0", 10);
      const page = list.slice(skip, skip + take);
      sendJson(ctx.res, 200, {
        status: "success",
        data: page.map((b) => bookingOutput(b, ctx.store)),
        pagination: {
          totalItems: list.length,
          remainingItems: Math.max(0, list.length - skip - page.length),
          returnedItems: page.length,
          itemsPerPage: take,
          currentPage: Math.floor(skip / take) + 1,
          totalPages: Math.max(1, Math.ceil(list.length / take)),
          hasNextPage: skip + page.length < list.length,
          hasPreviousPage: skip > 0,
        },
      });
    },
  },
  {
    method: "GET",
    pattern: /^\/v2\/bookings\/([^/]+)\/?$/,
    versions: BOOKINGS_VERSIONS,
    auth: "optional",
    handle: (ctx) => sendSuccess(ctx.res, bookingOutput(findBooking(ctx, ctx.params[0]!, `Booking with uid=${ctx.params[0]} was not found in the database`), ctx.store)),
  },
  {
    method: "POST",
    pattern: /^\/v2\/bookings\/([^/]+)\/reschedule\/?$/,
    versions: BOOKINGS_VERSIONS,
    auth: "optional",
    handle: (ctx) => sendSuccess(ctx.res, bookingOutput(reschedule(ctx), ctx.store), 201),
  },
  {
    method: "POST",
    pattern: /^\/v2\/bookings\/([^/]+)\/cancel\/?$/,
    versions: BOOKINGS_VERSIONS,
    auth: "optional",
    handle: (ctx) => sendSuccess(ctx.res, bookingOutput(cancel(ctx), ctx.store)),
  },
];
