import { busyFor } from "../busy";
import { sendJson, sendSuccess } from "../http";
import { bookability } from "../slots";
import type { SandboxStore, SandboxUser, StoredBooking, StoredEventType } from "../store";
import { checkLength, checkResponses, type CreateBookingBody, validateCancel, validateCreate, validateListQuery, validateReschedule } from "./booking-input";
import { BOOKINGS_VERSIONS, HttpError, type Route, type RouteContext } from "./context";
import { parseUtc } from "./slots";

// The 2024-08-13 bookings controller. Messages and their order follow calcom/cal.com
// apps/api/v2/src/ee/bookings/2024-08-13/services/{bookings,input,errors}.service.ts
// (@ cd764fd827c001adedda807a326af9ca0f924beb, 3d4e8782eb22f7e512a77fa043ecc7eafafed01c, 5b6d63e6300b8d930530b1b876d556a12fcfbd96).

const TAKEN = "User either already has booking at this time or is not available";
const OUT_OF_BOUNDS = `The event type can't be booked at the "start" time provided. This could be because it's too soon (violating the minimum booking notice) or too far in the future (outside the event's scheduling window). Try fetching available slots first using the GET /v2/slots endpoint and then make a booking with "start" time equal to one of the available slots: https://cal.com/docs/api-reference/v2/slots`;

/** `BookingOutput_2024_08_13` (output.service.ts getOutputBooking, plus the newer reschedule and cancel fields). */
export function bookingOutput(b: StoredBooking, store: SandboxStore) {
  const host = store.userById(b.userId);
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
    absentHost: !!b.noShowHost,
    createdAt: new Date(b.createdAt).toISOString(),
    updatedAt: new Date(b.updatedAt).toISOString(),
    metadata: b.metadata,
    attendees: [{ name: b.attendee.name, email: b.attendee.email, timeZone: b.attendee.timeZone, language: b.attendee.language, ...(b.attendee.phoneNumber ? { phoneNumber: b.attendee.phoneNumber } : {}), absent: !!b.attendee.noShow }],
    ...(b.guests.length ? { guests: b.guests } : {}),
    bookingFieldsResponses: b.bookingFieldsResponses,
  };
}

/** What the booking flows need, whether a request or the web app drives them. */
export type BookingOps = Pick<RouteContext, "store" | "now" | "notify">;

export function findBooking(ops: Pick<BookingOps, "store">, uid: string, notFound: string): StoredBooking {
  const b = ops.store.bookings.get(uid);
  if (!b) throw new HttpError(404, notFound);
  return b;
}

/** getBookedEventType + handleEventTypeToBeBookedNotFound (errors.service.ts). */
function bookedEventType(store: SandboxStore, body: CreateBookingBody): StoredEventType {
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
function claimReservation(ctx: BookingOps, et: StoredEventType, start: number, end: number, reservedSlotUid: unknown): void {
  const now = ctx.now();
  const line = [...ctx.store.reservations.values()]
    .filter((r) => r.eventTypeId === et.id && r.start === start && r.end === end && r.until > now)
    .sort((a, b) => a.createdAt - b.createdAt);
  const [first] = line;
  if (!first) return;
  if (first.uid === reservedSlotUid) {
    ctx.store.reservations.delete(first.uid);
    return;
  }
  throw new HttpError(400, `Someone else reserved this booking time slot before you. This time slot will be freed up in ${Math.ceil((first.until - now) / 1000)} seconds.`);
}

/** A start the input pipe has checked as an ISO 8601 date string, as epoch milliseconds. */
function utc(value: string): number {
  const ms = parseUtc(value);
  if (ms === null) throw new HttpError(400, "start must be a valid ISO 8601 date string");
  return ms;
}

/** handleNewBooking's checks of the time, in its order: past, out of bounds, then the host's availability. */
function assertBookable(ctx: BookingOps, et: StoredEventType, start: number, duration: number, exceptUid?: string): void {
  const verdict = bookability(start, duration, ctx.store.scheduleFor(et), et, busyFor(ctx.store, et, exceptUid), ctx.now());
  if (verdict === "past") throw new HttpError(400, "Attempting to book a meeting in the past.");
  if (verdict === "notice") throw new HttpError(400, OUT_OF_BOUNDS);
  if (verdict !== "ok") throw new HttpError(400, TAKEN);
}

/**
 * handleNewBooking for a new booking, from the API (`API_V2`) or the booking page (`WEBAPP`): accepted and
 * BOOKING_CREATED, or pending and BOOKING_REQUESTED when the event type requires confirmation.
 */
export async function createBooking(ops: BookingOps, body: unknown, creationSource: StoredBooking["creationSource"]): Promise<StoredBooking> {
  validateCreate(body);
  const et = bookedEventType(ops.store, body);
  checkResponses(et, body);
  const duration = checkLength(et, body.lengthInMinutes);
  const a = body.attendee;
  const emailField = et.bookingFields.find((f) => f.slug === "email");
  // handleNewBooking parses responses with zod: a required email missing is a ZodError (ZodExceptionFilter's envelope).
  if (!a.email && emailField?.required !== false) throw new HttpError(400, "responses - {email}error_required_field, ", "zod");
  const start = utc(body.start);
  if (start >= ops.now()) claimReservation(ops, et, start, start + duration * 60_000, body.reservedSlotUid);
  assertBookable(ops, et, start, duration);
  const now = ops.now();
  const host = ops.store.userById(et.ownerId);
  const guests = body.guests ?? [];
  const booking: StoredBooking = {
    ...ops.store.newBookingIds(),
    userId: et.ownerId,
    eventTypeId: et.id,
    title: `${et.title} between ${host.name} and ${a.name}`,
    status: et.requiresConfirmation ? "pending" : "accepted",
    start,
    end: start + duration * 60_000,
    attendee: { name: a.name, email: a.email ?? "", timeZone: a.timeZone, language: typeof a.language === "string" ? a.language : "en", ...(a.phoneNumber ? { phoneNumber: a.phoneNumber } : {}) },
    bookingFieldsResponses: { ...body.bookingFieldsResponses, name: a.name, email: a.email ?? "", ...(a.phoneNumber ? { attendeePhoneNumber: a.phoneNumber } : {}), ...(guests.length ? { guests } : {}) },
    guests,
    metadata: body.metadata ?? {},
    location: "integrations:daily",
    creationSource,
    createdAt: now,
    updatedAt: now,
  };
  ops.store.bookings.set(booking.uid, booking);
  await ops.notify({ trigger: booking.status === "pending" ? "BOOKING_REQUESTED" : "BOOKING_CREATED", booking });
  return booking;
}

export interface RescheduleRequest {
  start: string;
  reschedulingReason?: string;
  /** Email of who moves it; the event type owner's keeps a booking that requires confirmation accepted. */
  rescheduledBy?: string;
}

/**
 * handleNewBooking with a rescheduleUid: a new booking (new uid, `rescheduledFromUid`), the old one cancelled and
 * pointing to it. BOOKING_RESCHEDULED, or BOOKING_REQUESTED when the event type requires confirmation and the
 * rescheduler is not its owner (the new booking then waits for the host).
 */
export async function rescheduleBooking(ops: BookingOps, uid: string, input: RescheduleRequest, creationSource: StoredBooking["creationSource"]): Promise<StoredBooking> {
  const old = findBooking(ops, uid, `Booking with uid=${uid} was not found in the database`);
  if (old.status === "cancelled" && old.rescheduledToUid) {
    throw new HttpError(
      400,
      `Can't reschedule booking with uid=${uid} because it has been cancelled and rescheduled already to booking with uid=${old.rescheduledToUid}. You probably want to reschedule ${old.rescheduledToUid} instead by passing it within the request URL.`,
    );
  }
  if (old.status === "cancelled") throw new HttpError(400, `Can't reschedule booking with uid=${uid} because it has been cancelled. Please provide uid of a booking that is not cancelled.`);
  const et = ops.store.eventTypes.get(old.eventTypeId);
  if (!et) throw new Error(`sandbox store: booking ${old.uid} has no event type`);
  const host = ops.store.userById(old.userId);
  const start = utc(input.start);
  // transformInputRescheduleBooking: the new booking lasts the event type's length.
  const duration = et.lengthInMinutes;
  assertBookable(ops, et, start, duration, old.uid);
  const now = ops.now();
  const confirmed = !et.requiresConfirmation || input.rescheduledBy === host.email;
  const booking: StoredBooking = {
    ...old,
    ...ops.store.newBookingIds(),
    attendee: { ...old.attendee, noShow: undefined },
    start,
    end: start + duration * 60_000,
    status: confirmed ? "accepted" : "pending",
    rescheduledFromUid: old.uid,
    rescheduledToUid: undefined,
    rescheduledBy: undefined,
    cancellationReason: undefined,
    cancelledBy: undefined,
    rejectionReason: undefined,
    noShowHost: undefined,
    reschedulingReason: input.reschedulingReason,
    creationSource,
    createdAt: now,
    updatedAt: now,
  };
  Object.assign(old, { status: "cancelled", rescheduledToUid: booking.uid, rescheduledBy: input.rescheduledBy, updatedAt: now });
  ops.store.bookings.set(booking.uid, booking);
  await ops.notify({ trigger: confirmed ? "BOOKING_RESCHEDULED" : "BOOKING_REQUESTED", booking, previous: old, rescheduledBy: input.rescheduledBy });
  return booking;
}

async function reschedule(ctx: RouteContext): Promise<StoredBooking> {
  const body = ctx.body;
  validateReschedule(body);
  const text = (v: unknown) => (v === undefined ? undefined : String(v));
  return rescheduleBooking(ctx, ctx.params[0], { start: body.start, reschedulingReason: text(body.reschedulingReason), rescheduledBy: text(body.rescheduledBy) }, "API_V2");
}

/** Who cancels: the API key's owner or nobody (an unauthenticated call), or the host or attendee in the web app. */
export interface Canceller {
  email?: string;
  isHost: boolean;
}

/**
 * The cancel flow shared by both bookings controllers and the web app: handleCancelBooking's rules (calcom/cal.com
 * packages/features/bookings/lib/handleCancelBooking/test/handleCancelBooking.test.ts @ ce18be5f3d4eaa1cecb7d7d28949e6f63114ee01):
 * a host must give a reason, and a booking that has ended cannot be cancelled; both are core HttpErrors, answered
 * bare. A booking cancelled already is refused first (input.service.ts's envelope).
 */
export async function cancelBooking(ops: BookingOps, b: StoredBooking, reason: unknown, by: Canceller): Promise<void> {
  if (b.status === "cancelled") {
    throw new HttpError(400, `Can't cancel booking with uid=${b.uid} because it has been cancelled already. Please provide uid of a booking that is not cancelled.`);
  }
  if (by.isHost && !(typeof reason === "string" && reason.trim())) throw new HttpError(400, "Cancellation reason is required when you are the host", "bare");
  if (ops.now() > b.end) throw new HttpError(400, "Cannot cancel a booking that has already ended", "bare");
  Object.assign(b, { status: "cancelled", cancellationReason: typeof reason === "string" ? reason : "", cancelledBy: by.email, updatedAt: ops.now() });
  await ops.notify({ trigger: "BOOKING_CANCELLED", booking: b });
}

/** The caller of a bookings request as a canceller: the key's owner, who is the host when the booking is theirs. */
export const callerOf = (user: SandboxUser | undefined, b: StoredBooking): Canceller => ({ email: user?.email, isHost: user?.id === b.userId });

async function cancel(ctx: RouteContext): Promise<StoredBooking> {
  const uid = ctx.params[0];
  const body = validateCancel(ctx.body);
  if (body.seatUid !== undefined) throw new HttpError(400, "Invalid seatUid: this seat does not exist or has already been cancelled.");
  const b = findBooking(ctx, uid, `Booking with uid=${uid} not found`);
  await cancelBooking(ctx, b, body.cancellationReason, callerOf(ctx.user, b));
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
  const [only] = statuses;
  const [key, order]: [keyof StoredBooking, string] =
    only !== undefined && statuses.length === 1 && !chosen ? ["start", STATUS_ORDER[only] ?? "asc"] : chosen ? [chosen[1], q.get(chosen[0]) ?? "asc"] : ["start", "asc"];
  return list.sort((x, y) => ((x[key] as number) - (y[key] as number)) * (order === "desc" ? -1 : 1));
}

export const bookingRoutes: Route[] = [
  {
    method: "POST",
    pattern: /^\/v2\/bookings\/?$/,
    versions: BOOKINGS_VERSIONS,
    auth: "optional",
    handle: async (ctx) => sendSuccess(ctx.res, bookingOutput(await createBooking(ctx, ctx.body, "API_V2"), ctx.store), 201),
  },
  {
    method: "GET",
    pattern: /^\/v2\/bookings\/?$/,
    versions: BOOKINGS_VERSIONS,
    auth: "required",
    handle(ctx) {
      const q = ctx.url.searchParams;
      validateListQuery(q);
      const list = listBookings(ctx, ctx.user, q, (q.get("status") ?? "").split(",").filter(Boolean));
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
    handle: (ctx) => sendSuccess(ctx.res, bookingOutput(findBooking(ctx, ctx.params[0], `Booking with uid=${ctx.params[0]} was not found in the database`), ctx.store)),
  },
  {
    method: "POST",
    pattern: /^\/v2\/bookings\/([^/]+)\/reschedule\/?$/,
    versions: BOOKINGS_VERSIONS,
    auth: "optional",
    handle: async (ctx) => sendSuccess(ctx.res, bookingOutput(await reschedule(ctx), ctx.store), 201),
  },
  {
    method: "POST",
    pattern: /^\/v2\/bookings\/([^/]+)\/cancel\/?$/,
    versions: BOOKINGS_VERSIONS,
    auth: "optional",
    handle: async (ctx) => sendSuccess(ctx.res, bookingOutput(await cancel(ctx), ctx.store)),
  },
];
