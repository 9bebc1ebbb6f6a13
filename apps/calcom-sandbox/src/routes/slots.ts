import { DateTime } from "luxon";
import { busyFor, reservedFor, reservedForEventType } from "../busy";
import { sendJson, sendSuccess } from "../http";
import { availableSlots, dateKey, renderInstant } from "../slots";
import type { SandboxStore, StoredEventType, StoredReservation } from "../store";
import { hostSchedule, isMember, teamFreeRanges, teamOf } from "../teams";
import { bodyObject, HttpError, LEGACY_SLOTS_VERSIONS, type Route, type RouteContext, SLOTS_VERSIONS } from "./context";
import { check, type FieldError, isDateString, isTimeZone, refuse, unknownProperties } from "./validate";

/** Strict ISO 8601 read as UTC when it has no offset (Cal.com parses with zone "utc"). */
export function parseUtc(value: unknown): number | null {
  if (typeof value !== "string" || !value) return null;
  const dt = DateTime.fromISO(value, { zone: "utc" });
  return dt.isValid ? dt.toMillis() : null;
}

// GET /v2/slots query classes (calcom/cal.com packages/platform/types/slots/slots-2024-09-04/inputs/get-slots.input.ts
// @ 5b6d63e6300b8d930530b1b876d556a12fcfbd96): which one applies is decided by the keys present
// (get-slots-input.pipe.ts @ 683e0006f67ddf5c019a027eee747eeedc68c6af).
const COMMON = ["start", "end", "timeZone", "duration", "format", "bookingUidToReschedule", "rrHostSubsetIds", "type"];
const BY_ID = [...COMMON, "eventTypeId"];
const BY_SLUG = [...COMMON, "eventTypeSlug", "username", "organizationSlug"];
const BY_TEAM_SLUG = [...COMMON, "eventTypeSlug", "teamSlug", "organizationSlug"];
const BY_USERNAMES = [...COMMON, "usernames", "organizationSlug"];

function validateSlotsQuery(q: Record<string, string>): void {
  const common = (): FieldError[] => [
    ...check("start", [!isDateString(q.start) && "start must be a valid ISO 8601 date string"]),
    ...check("end", [!isDateString(q.end) && "end must be a valid ISO 8601 date string"]),
    ...(q.timeZone !== undefined ? check("timeZone", [!isTimeZone(q.timeZone) && "timeZone must be a valid IANA time zone"]) : []),
    ...(q.duration !== undefined ? check("duration", [Number.isNaN(parseInt(q.duration)) && "duration must be a number conforming to the specified constraints"]) : []),
    ...(q.format !== undefined ? check("format", [!["range", "time"].includes(q.format.toLowerCase()) && "slotFormat must be either 'range' or 'time'"]) : []),
  ];
  if ("eventTypeId" in q) return refuse([...unknownProperties(q, BY_ID), ...common(), ...check("eventTypeId", [Number.isNaN(parseInt(q.eventTypeId ?? "")) && "eventTypeId must be a number conforming to the specified constraints"])]);
  if ("username" in q && "eventTypeSlug" in q) return refuse([...unknownProperties(q, BY_SLUG), ...common()]);
  if ("teamSlug" in q && "eventTypeSlug" in q) return refuse([...unknownProperties(q, BY_TEAM_SLUG), ...common()]);
  const usernames = (q.usernames ?? "").split(",").filter(Boolean);
  refuse([
    ...unknownProperties(q, BY_USERNAMES),
    ...common(),
    ...check("usernames", [q.usernames === undefined && "each value in usernames must be a string", usernames.length < 2 && "The array must contain at least 2 elements.", q.usernames === undefined && "usernames must be an array"]),
    ...check("organizationSlug", [q.organizationSlug === undefined && "organizationSlug must be a string"]),
  ]);
  throw new HttpError(400, "Dynamic (usernames) event types are not emulated by the sandbox");
}

function eventTypeOf(store: SandboxStore, q: Record<string, string>): StoredEventType {
  if (q.eventTypeId !== undefined) {
    const et = store.eventTypes.get(parseInt(q.eventTypeId));
    if (!et) throw new HttpError(404, "Event Type not found");
    return et;
  }
  if (q.teamSlug !== undefined) {
    const team = [...store.teams.values()].find((t) => t.slug === q.teamSlug);
    if (!team) throw new HttpError(404, `Team with slug ${q.teamSlug} not found`);
    const teamEt = [...store.eventTypes.values()].find((e) => e.teamId === team.id && e.slug === q.eventTypeSlug);
    if (!teamEt) throw new HttpError(404, "Event Type not found");
    return teamEt;
  }
  const user = [...store.users.values()].find((u) => u.username === q.username);
  if (!user) throw new HttpError(404, `User with username ${q.username} not found`);
  const et = [...store.eventTypes.values()].find((e) => e.ownerId === user.id && e.slug === q.eventTypeSlug);
  if (!et) throw new HttpError(404, "Event Type not found");
  return et;
}

/** The slots of an event type between two UTC instants; an `end` whose UTC time is 00:00:00 means 23:59:59 that day. */
function slotsBetween(ctx: RouteContext, et: StoredEventType, from: number, rawTo: number, duration: number | undefined, timeZone: string | undefined, rescheduleUid: string | null) {
  const midnight = new Date(rawTo).toISOString().slice(11, 19) === "00:00:00";
  const to = midnight ? rawTo + 86_399_000 : rawTo;
  if (to < from) throw new HttpError(400, "Invalid time range given - check the 'start' and 'end' query parameters.");
  const now = ctx.now();
  const [firstHost] = et.hosts ?? [];
  // A team event type: the hosts' aggregated free ranges (teams.ts), the booking window in the first host's zone.
  const team = et.teamId !== undefined;
  if (team && !firstHost) return [];
  const starts = availableSlots({
    schedule: team ? hostSchedule(ctx.store, et, firstHost?.userId ?? -1) : ctx.store.scheduleFor(et),
    rules: et,
    duration,
    busy: team ? [] : busyFor(ctx.store, et, rescheduleUid),
    reserved: team ? reservedForEventType(ctx.store, et.id, now) : reservedFor(ctx.store, et.ownerId, now),
    from,
    to,
    now,
    timeZone,
    ...(team ? { free: (a: number, b: number) => teamFreeRanges(ctx.store, et, a, b, rescheduleUid) } : {}),
  });
  // With a time zone, only the requested dates (in that zone) are kept (util.ts filterSlotsByRequestedDateRange).
  if (!timeZone) return starts;
  const first = dateKey(from, timeZone);
  const last = dateKey(to, timeZone);
  return starts.filter((t) => dateKey(t, timeZone) >= first && dateKey(t, timeZone) <= last);
}

const reservationOutput = (r: StoredReservation) => ({
  eventTypeId: r.eventTypeId,
  slotStart: new Date(r.start).toISOString(),
  slotEnd: new Date(r.end).toISOString(),
  slotDuration: r.duration,
  reservationUid: r.uid,
  reservationDuration: r.reservationDuration,
  reservationUntil: new Date(r.until).toISOString(),
});

/**
 * POST /v2/slots/reservations as calcom/cal.com apps/api/v2/src/modules/slots/slots-2024-09-04/services/slots.service.ts
 * @ f0ac6126fbf673cb8202562293bf12d976ccaa49 and slots.repository.ts @ 43bc00472d50e597c946bbea59df56b90f335926:
 * overlaps are checked per event type (live bookings, then unexpired reservations); availability is not checked.
 */
function reserve(ctx: RouteContext): StoredReservation {
  const b = bodyObject(ctx.body) ?? {};
  if (b.reservationDuration && !ctx.user) {
    throw new HttpError(401, "reservationDuration can only be used for authenticated requests - use access token, api key or OAuth credentials");
  }
  const et = ctx.store.eventTypes.get(Number(b.eventTypeId));
  if (!et) throw new HttpError(404, `Event Type with ID=${b.eventTypeId} not found`);
  const team = teamOf(ctx.store, et);
  if (b.reservationDuration && ctx.user && !(team ? isMember(team, ctx.user.id) : ctx.user.id === et.ownerId)) {
    throw new HttpError(403, "authenticated user is not owner of event type, does not have memberships in common with owner of the event type, nor does belong to event type's team or org.");
  }
  const start = parseUtc(b.slotStart);
  if (start === null) throw new HttpError(400, "Invalid start date");
  if (b.slotDuration) {
    if (!et.lengthInMinutesOptions) throw new HttpError(400, "You passed 'slotDuration' but this event type is not a variable length event type.");
    if (!(typeof b.slotDuration === "number" && et.lengthInMinutesOptions.includes(b.slotDuration))) {
      throw new HttpError(400, `Provided 'slotDuration' is not one of the possible lengths for the event type. The possible lengths for this variable length event type are: ${et.lengthInMinutesOptions.join(", ")}`);
    }
  }
  const duration = Number(b.slotDuration ?? et.lengthInMinutes);
  const end = start + duration * 60_000;
  const now = ctx.now();
  const overlaps = (x: { start: number; end: number }) => x.start < end && x.end > start;
  if ([...ctx.store.bookings.values()].some((x) => x.eventTypeId === et.id && (x.status === "accepted" || x.status === "pending") && overlaps(x))) {
    throw new HttpError(422, "Can't reserve a slot if the event is already booked.");
  }
  if ([...ctx.store.reservations.values()].some((x) => x.eventTypeId === et.id && x.until > now && overlaps(x))) {
    throw new HttpError(422, "This time slot is already reserved by another user. Please choose a different time.");
  }
  const reservationDuration = Number(b.reservationDuration ?? 5);
  const r: StoredReservation = { uid: ctx.store.newReservationUid(), eventTypeId: et.id, userId: et.ownerId, start, end, duration, reservationDuration, until: now + reservationDuration * 60_000, createdAt: now };
  ctx.store.reservations.set(r.uid, r);
  return r;
}

export const slotRoutes: Route[] = [
  {
    method: "GET",
    pattern: /^\/v2\/slots\/?$/,
    versions: SLOTS_VERSIONS,
    auth: "none",
    handle(ctx) {
      const q = Object.fromEntries(ctx.url.searchParams);
      validateSlotsQuery(q);
      const et = eventTypeOf(ctx.store, q);
      const duration = q.duration ? parseInt(q.duration) : undefined;
      const range = q.format?.toLowerCase() === "range";
      // The query's start and end have passed isDateString.
      const [from, to] = [parseUtc(q.start) ?? NaN, parseUtc(q.end) ?? NaN];
      const length = duration ?? et.lengthInMinutes;
      const out: Record<string, { start: string; end?: string }[]> = {};
      for (const t of slotsBetween(ctx, et, from, to, duration, q.timeZone, q.bookingUidToReschedule ?? null)) {
        const item = { start: renderInstant(t, q.timeZone), ...(range ? { end: renderInstant(t + length * 60_000, q.timeZone) } : {}) };
        (out[dateKey(t, q.timeZone)] ??= []).push(item);
      }
      sendSuccess(ctx.res, out);
    },
  },
  {
    // The legacy shape that versions other than 2024-09-04 (and no header) reach.
    method: "GET",
    pattern: /^\/v2\/slots\/available\/?$/,
    versions: LEGACY_SLOTS_VERSIONS,
    auth: "none",
    handle(ctx) {
      const q = Object.fromEntries(ctx.url.searchParams);
      const et = eventTypeOf(ctx.store, q);
      const from = parseUtc(q.startTime);
      const to = parseUtc(q.endTime);
      if (from === null || to === null) throw new HttpError(400, "Invalid time range given - check the 'start' and 'end' query parameters.");
      const slots: Record<string, { time: string }[]> = {};
      for (const t of slotsBetween(ctx, et, from, to, q.duration ? parseInt(q.duration) : undefined, q.timeZone, q.rescheduleUid ?? null)) {
        (slots[dateKey(t, q.timeZone)] ??= []).push({ time: renderInstant(t, q.timeZone) });
      }
      sendSuccess(ctx.res, { slots });
    },
  },
  {
    method: "POST",
    pattern: /^\/v2\/slots\/reservations\/?$/,
    versions: SLOTS_VERSIONS,
    auth: "optional",
    handle: (ctx) => sendSuccess(ctx.res, reservationOutput(reserve(ctx)), 201),
  },
  {
    // An unknown uid is `data: null`; the read has no reservationDuration (slots-output.service.ts getReservationSlot).
    method: "GET",
    pattern: /^\/v2\/slots\/reservations\/([^/]+)\/?$/,
    versions: SLOTS_VERSIONS,
    auth: "none",
    handle(ctx) {
      const r = ctx.store.reservations.get(ctx.params[0]);
      const { reservationDuration: _omitted, ...read } = r ? reservationOutput(r) : { reservationDuration: 0 };
      sendSuccess(ctx.res, r ? read : null);
    },
  },
  {
    // deleteMany: an unknown uid is not an error, and the answer has no data.
    method: "DELETE",
    pattern: /^\/v2\/slots\/reservations\/([^/]+)\/?$/,
    versions: SLOTS_VERSIONS,
    auth: "none",
    handle(ctx) {
      ctx.store.reservations.delete(ctx.params[0]);
      sendJson(ctx.res, 200, { status: "success" });
    },
  },
];
