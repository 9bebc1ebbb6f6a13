import { DateTime } from "luxon";
import { sendSuccess } from "../http";
import { computeSlots, dateKey, isBookable, type Interval, renderInstant } from "../slots";
import type { SandboxStore, StoredEventType } from "../store";
import { HttpError, LEGACY_SLOTS_VERSIONS, type Route, type RouteContext, SLOTS_VERSIONS } from "./context";

/** A host's busy times: live bookings (except one being rescheduled) and unexpired reservations. */
export function busyTimes(store: SandboxStore, userId: number, now: number, exceptBookingUid?: string | null, exceptReservationUid?: string): Interval[] {
  const bookings = [...store.bookings.values()].filter(
    (b) => b.userId === userId && (b.status === "accepted" || b.status === "pending") && b.uid !== exceptBookingUid,
  );
  const holds = [...store.reservations.values()].filter((r) => r.userId === userId && r.until > now && r.uid !== exceptReservationUid);
  return [...bookings, ...holds].map((x) => ({ start: x.start, end: x.end }));
}

/** Strict ISO 8601 read as UTC when it has no offset (Cal.com parses with zone "utc"). */
export function parseUtc(value: string | null): number | null {
  if (!value) return null;
  const dt = DateTime.fromISO(value, { zone: "utc" });
  return dt.isValid ? dt.toMillis() : null;
}

function eventTypeFrom(ctx: RouteContext, q: URLSearchParams): StoredEventType {
  const id = q.get("eventTypeId");
  if (id) {
    const et = ctx.store.eventTypes.get(Number(id));
    if (!et) throw new HttpError(404, "Event Type not found");
    return et;
  }
  const username = q.get("username");
  const slug = q.get("eventTypeSlug");
  if (username && slug) {
    const user = [...ctx.store.users.values()].find((u) => u.username === username);
    if (!user) throw new HttpError(404, `User with username ${username} not found`);
    const et = [...ctx.store.eventTypes.values()].find((e) => e.ownerId === user.id && e.slug === slug);
    if (!et) throw new HttpError(404, "Event Type not found");
    return et;
  }
  throw new HttpError(400, "Either eventTypeId or eventTypeSlug with username must be provided");
}

function validZone(zone: string | null): string | undefined {
  if (!zone) return undefined;
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return zone;
  } catch {
    throw new HttpError(400, "timeZone must be a valid IANA time zone");
  }
}

/** The slots of an event type between two UTC instants; an `end` at exactly midnight means 23:59:59Z that day. */
function slotsBetween(ctx: RouteContext, et: StoredEventType, startText: string | null, endText: string | null, duration: number | undefined, rescheduleUid: string | null) {
  const from = parseUtc(startText);
  let to = parseUtc(endText);
  if (from === null || to === null) throw new HttpError(400, "Invalid time range given - check the 'start' and 'end' query parameters.");
  if (new Date(to).toISOString().endsWith("T00:00:00.000Z")) to += 86_399_000;
  if (to < from) throw new HttpError(400, "Invalid time range given - check the 'start' and 'end' query parameters.");
  if (duration !== undefined && et.lengthInMinutesOptions && !et.lengthInMinutesOptions.includes(duration)) {
    throw new HttpError(400, `duration must be one of the event type's lengths: ${et.lengthInMinutesOptions.join(", ")}`);
  }
  const now = ctx.now();
  return computeSlots({ schedule: ctx.store.scheduleFor(et), rules: et, duration, busy: busyTimes(ctx.store, et.ownerId, now, rescheduleUid), from, to, now });
}

const reservationOutput = (r: { eventTypeId: number; start: number; end: number; duration: number; uid: string; reservationDuration: number; until: number }) => ({
  eventTypeId: r.eventTypeId,
  slotStart: new Date(r.start).toISOString(),
  slotEnd: new Date(r.end).toISOString(),
  slotDuration: r.duration,
  reservationUid: r.uid,
  reservationDuration: r.reservationDuration,
  reservationUntil: new Date(r.until).toISOString(),
});

export const slotRoutes: Route[] = [
  {
    method: "GET",
    pattern: /^\/v2\/slots\/?$/,
    versions: SLOTS_VERSIONS,
    auth: "optional",
    handle(ctx) {
      const q = ctx.url.searchParams;
      const et = eventTypeFrom(ctx, q);
      const timeZone = validZone(q.get("timeZone"));
      const duration = q.get("duration") ? Number(q.get("duration")) : undefined;
      const length = duration ?? et.lengthInMinutes;
      const range = q.get("format") === "range";
      const out: Record<string, { start: string; end?: string }[]> = {};
      for (const t of slotsBetween(ctx, et, q.get("start"), q.get("end"), duration, q.get("bookingUidToReschedule"))) {
        const item = { start: renderInstant(t, timeZone), ...(range ? { end: renderInstant(t + length * 60_000, timeZone) } : {}) };
        (out[dateKey(t, timeZone)] ??= []).push(item);
      }
      sendSuccess(ctx.res, out);
    },
  },
  {
    // The legacy shape that versions other than 2024-09-04 (and no header) reach.
    method: "GET",
    pattern: /^\/v2\/slots\/available\/?$/,
    versions: LEGACY_SLOTS_VERSIONS,
    auth: "optional",
    handle(ctx) {
      const q = ctx.url.searchParams;
      const et = eventTypeFrom(ctx, q);
      const timeZone = validZone(q.get("timeZone"));
      const duration = q.get("duration") ? Number(q.get("duration")) : undefined;
      const slots: Record<string, { time: string }[]> = {};
      for (const t of slotsBetween(ctx, et, q.get("startTime"), q.get("endTime"), duration, q.get("rescheduleUid"))) {
        (slots[dateKey(t, timeZone)] ??= []).push({ time: renderInstant(t, timeZone) });
      }
      sendSuccess(ctx.res, { slots });
    },
  },
  {
    method: "POST",
    pattern: /^\/v2\/slots\/reservations\/?$/,
    versions: SLOTS_VERSIONS,
    auth: "optional",
    handle(ctx) {
      const b = ctx.body ?? {};
      const et = ctx.store.eventTypes.get(Number(b.eventTypeId));
      if (!et) throw new HttpError(404, "Event Type not found");
      const start = parseUtc(typeof b.slotStart === "string" ? b.slotStart : null);
      if (start === null) throw new HttpError(400, "slotStart must be a valid ISO 8601 date string");
      if (b.reservationDuration !== undefined && !ctx.user) throw new HttpError(401, "reservationDuration can only be used by authenticated event type owners");
      const duration = Number(b.slotDuration ?? et.lengthInMinutes);
      const now = ctx.now();
      const overlaps = (x: { start: number; end: number }) => x.start < start + duration * 60_000 && x.end > start;
      if ([...ctx.store.bookings.values()].some((x) => x.userId === et.ownerId && x.status !== "cancelled" && overlaps(x))) {
        throw new HttpError(422, "Can't reserve a slot if the event is already booked.");
      }
      if ([...ctx.store.reservations.values()].some((x) => x.userId === et.ownerId && x.until > now && overlaps(x))) {
        throw new HttpError(422, "This time slot is already reserved by another user. Please choose a different time.");
      }
      if (isBookable(start, duration, ctx.store.scheduleFor(et), { ...et, minimumBookingNotice: 0 }, [], now) === "closed") {
        throw new HttpError(400, "The slot is not available");
      }
      const reservationDuration = Number(b.reservationDuration ?? 5);
      const r = { uid: ctx.store.newReservationUid(), eventTypeId: et.id, userId: et.ownerId, start, end: start + duration * 60_000, duration, reservationDuration, until: now + reservationDuration * 60_000 };
      ctx.store.reservations.set(r.uid, r);
      sendSuccess(ctx.res, reservationOutput(r), 201);
    },
  },
  {
    method: "GET",
    pattern: /^\/v2\/slots\/reservations\/([^/]+)\/?$/,
    versions: SLOTS_VERSIONS,
    auth: "optional",
    handle(ctx) {
      const r = ctx.store.reservations.get(ctx.params[0]!);
      if (!r || r.until <= ctx.now()) throw new HttpError(404, `Slot reservation with uid=${ctx.params[0]} not found`);
      sendSuccess(ctx.res, reservationOutput(r));
    },
  },
  {
    method: "DELETE",
    pattern: /^\/v2\/slots\/reservations\/([^/]+)\/?$/,
    versions: SLOTS_VERSIONS,
    auth: "optional",
    handle(ctx) {
      if (!ctx.store.reservations.delete(ctx.params[0]!)) throw new HttpError(404, `Slot reservation with uid=${ctx.params[0]} not found`);
      sendSuccess(ctx.res, null);
    },
  },
];
