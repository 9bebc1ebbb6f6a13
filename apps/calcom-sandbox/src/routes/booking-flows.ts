import { busyFor } from "../busy";
import { bookability } from "../slots";
import type { SandboxStore, SandboxUser, StoredBooking, StoredEventType } from "../store";
import { assignHosts } from "../teams";
import { checkLength, checkResponses, type CreateBookingBody, validateCreate } from "./booking-input";
import { HttpError, type RouteContext } from "./context";
import { parseUtc } from "./slots";

// The booking flows — create, reschedule, cancel — shared by the bookings controllers and the web app. Messages and
// their order follow calcom/cal.com apps/api/v2/src/ee/bookings/2024-08-13/services/{bookings,input,errors}.service.ts
// (@ cd764fd827c001adedda807a326af9ca0f924beb, 3d4e8782eb22f7e512a77fa043ecc7eafafed01c, 5b6d63e6300b8d930530b1b876d556a12fcfbd96).

const TAKEN = "User either already has booking at this time or is not available";
// A team event type's (errors.service.ts: hosts_unavailable_for_booking / no_available_users_found_error).
const TEAM_TAKEN = "One of the hosts either already has booking at this time or is not available";
const OUT_OF_BOUNDS = `The event type can't be booked at the "start" time provided. This could be because it's too soon (violating the minimum booking notice) or too far in the future (outside the event's scheduling window). Try fetching available slots first using the GET /v2/slots endpoint and then make a booking with "start" time equal to one of the available slots: https://cal.com/docs/api-reference/v2/slots`;

/** What the booking flows need, whether a request or the web app drives them. */
export type BookingOps = Pick<RouteContext, "store" | "now" | "notify">;

export function findBooking(ops: Pick<BookingOps, "store">, uid: string, notFound: string): StoredBooking {
  const b = ops.store.bookings.get(uid);
  if (!b) throw new HttpError(404, notFound);
  return b;
}

/** getBookedEventType + handleEventTypeToBeBookedNotFound (errors.service.ts). */
export function bookedEventType(store: SandboxStore, body: CreateBookingBody): StoredEventType {
  if (body.eventTypeId) {
    const et = store.eventTypes.get(body.eventTypeId);
    if (!et) throw new HttpError(404, `Event type with id ${body.eventTypeId} not found.`);
    return et;
  }
  if (body.teamSlug) {
    const team = [...store.teams.values()].find((t) => t.slug === body.teamSlug);
    if (!team) throw new HttpError(404, `Team with slug ${body.teamSlug} not found`);
    const et = [...store.eventTypes.values()].find((e) => e.teamId === team.id && e.slug === body.eventTypeSlug);
    if (!et) throw new HttpError(404, `Event type with slug ${body.eventTypeSlug} belonging to team ${body.teamSlug} not found.`);
    return et;
  }
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

/**
 * handleNewBooking's checks of the time, in its order: past, out of bounds, then the host's availability. A team event
 * type's hosts are chosen here (teams.ts `assignHosts`); a personal one's host is its owner.
 */
function assertBookable(ctx: BookingOps, et: StoredEventType, start: number, duration: number, exceptUid?: string): { organizerId: number; coHostIds: number[] } {
  if (et.teamId !== undefined) {
    const hosts = assignHosts(ctx.store, et, start, duration, ctx.now(), exceptUid ?? null);
    if (hosts === "past") throw new HttpError(400, "Attempting to book a meeting in the past.");
    if (hosts === "notice") throw new HttpError(400, OUT_OF_BOUNDS);
    if (hosts === "busy") throw new HttpError(400, TEAM_TAKEN);
    return hosts;
  }
  const verdict = bookability(start, duration, ctx.store.scheduleFor(et), et, busyFor(ctx.store, et, exceptUid), ctx.now());
  if (verdict === "past") throw new HttpError(400, "Attempting to book a meeting in the past.");
  if (verdict === "notice") throw new HttpError(400, OUT_OF_BOUNDS);
  if (verdict !== "ok") throw new HttpError(400, TAKEN);
  return { organizerId: et.ownerId, coHostIds: [] };
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
  const { organizerId, coHostIds } = assertBookable(ops, et, start, duration);
  const now = ops.now();
  const host = ops.store.userById(organizerId);
  const guests = body.guests ?? [];
  const booking: StoredBooking = {
    ...ops.store.newBookingIds(),
    userId: organizerId,
    ...(coHostIds.length ? { coHostIds } : {}),
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
  const start = utc(input.start);
  // transformInputRescheduleBooking: the new booking lasts the event type's length.
  const duration = et.lengthInMinutes;
  // A team booking's hosts are chosen again, the original round-robin host kept when the event type says so.
  const { organizerId, coHostIds } = assertBookable(ops, et, start, duration, old.uid);
  const host = ops.store.userById(organizerId);
  const now = ops.now();
  const confirmed = !et.requiresConfirmation || input.rescheduledBy === host.email;
  const booking: StoredBooking = {
    ...old,
    ...ops.store.newBookingIds(),
    userId: organizerId,
    coHostIds: coHostIds.length ? coHostIds : undefined,
    title: `${et.title} between ${host.name} and ${old.attendee.name}`,
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
