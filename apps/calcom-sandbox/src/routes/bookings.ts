import { sendSuccess } from "../http";
import { isBookable } from "../slots";
import type { SandboxStore, StoredBooking, StoredEventType } from "../store";
import { BOOKINGS_VERSIONS, HttpError, type Route, type RouteContext } from "./context";
import { busyTimes, parseUtc } from "./slots";

const TAKEN = "User either already has booking at this time or is not available";
const NOTICE =
  'The event type can\'t be booked at the "start" time provided. This could be because it\'s too soon (violating the minimum booking notice) or too far in the future (outside the event\'s booking window).';
const E164 = /^\+[1-9]\d{6,14}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** `BookingOutput_2024_08_13`. */
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
    ...(b.cancellationReason !== undefined ? { cancellationReason: b.cancellationReason, cancelledByEmail: host.email } : {}),
    ...(b.reschedulingReason !== undefined ? { reschedulingReason: b.reschedulingReason } : {}),
    ...(b.rescheduledFromUid ? { rescheduledFromUid: b.rescheduledFromUid } : {}),
    ...(b.rescheduledToUid ? { rescheduledToUid: b.rescheduledToUid } : {}),
    start: new Date(b.start).toISOString(),
    end: new Date(b.end).toISOString(),
    duration: Math.round((b.end - b.start) / 60_000),
    eventTypeId: b.eventTypeId,
    eventType: { id: b.eventTypeId, slug: et?.slug ?? "" },
    location: b.location,
    absentHost: false,
    createdAt: new Date(b.createdAt).toISOString(),
    updatedAt: new Date(b.updatedAt).toISOString(),
    metadata: b.metadata,
    attendees: [{ ...b.attendee, absent: false }],
    guests: [],
    bookingFieldsResponses: b.bookingFieldsResponses,
  };
}

/** Required custom questions and answer types, with Cal.com's messages. */
function checkResponses(et: StoredEventType, responses: Record<string, unknown>) {
  for (const f of et.bookingFields) {
    if (f.isDefault) continue;
    const v = responses[f.slug];
    if (v === undefined || v === "") {
      if (f.required && !f.hidden) throw new HttpError(400, `Missing required booking field response: ${f.slug}`);
      continue;
    }
    const textual = ["text", "textarea", "phone", "address", "url", "email"];
    const ok =
      textual.includes(f.type) || f.type === "select" || f.type === "radio"
        ? typeof v === "string"
        : f.type === "number"
          ? typeof v === "number"
          : f.type === "boolean"
            ? typeof v === "boolean"
            : ["multiselect", "checkbox", "multiemail"].includes(f.type)
              ? Array.isArray(v)
              : true;
    if (!ok) throw new HttpError(400, `Invalid type for booking field '${f.slug}': expected a ${f.type} answer`);
    if (f.options && (Array.isArray(v) ? v : [v]).some((x) => !f.options!.includes(String(x)))) {
      throw new HttpError(400, `Invalid option '${String(v)}' for booking field '${f.slug}'. Allowed options: ${f.options.join(", ")}`);
    }
  }
}

function findBooking(ctx: RouteContext, uid: string, bare = false): StoredBooking {
  const b = ctx.store.bookings.get(uid);
  if (!b) throw new HttpError(bare ? 500 : 404, bare ? "Internal server error" : `Booking with uid=${uid} was not found in the database`, bare);
  return b;
}

/** Whether `start` for `duration` minutes can be booked on the event type's host right now. */
function assertBookable(ctx: RouteContext, et: StoredEventType, start: number, duration: number, exceptUid?: string) {
  const now = ctx.now();
  if (start < now) throw new HttpError(400, "Attempting to book a meeting in the past.");
  const verdict = isBookable(start, duration, ctx.store.scheduleFor(et), et, busyTimes(ctx.store, et.ownerId, now, exceptUid), now);
  if (verdict === "notice") throw new HttpError(400, NOTICE);
  if (verdict !== "ok") throw new HttpError(400, TAKEN);
}

export const bookingRoutes: Route[] = [
  {
    method: "POST",
    pattern: /^\/v2\/bookings\/?$/,
    versions: BOOKINGS_VERSIONS,
    auth: "optional",
    handle(ctx) {
      const b = ctx.body ?? {};
      const start = parseUtc(typeof b.start === "string" ? b.start : null);
      if (start === null) throw new HttpError(400, "start must be a valid ISO 8601 date string");
      const et = ctx.store.eventTypes.get(Number(b.eventTypeId));
      if (!et) throw new HttpError(404, `Event type with id=${b.eventTypeId} not found`);
      const a = b.attendee ?? {};
      if (typeof a.name !== "string" || !a.name) throw new HttpError(400, "attendee.name should not be empty");
      if (typeof a.timeZone !== "string") throw new HttpError(400, "attendee.timeZone must be a valid IANA time zone");
      if (a.email !== undefined && !EMAIL.test(a.email)) throw new HttpError(400, "attendee.email must be an email");
      if (a.phoneNumber !== undefined && !E164.test(a.phoneNumber)) throw new HttpError(400, "attendee.phoneNumber must be a valid phone number");
      const emailField = et.bookingFields.find((f) => f.slug === "email");
      if (!a.email && emailField?.required !== false) throw new HttpError(400, "Missing attendee email: the event type requires an email address");
      const responses = (b.bookingFieldsResponses ?? {}) as Record<string, unknown>;
      checkResponses(et, responses);
      const duration = b.lengthInMinutes !== undefined ? Number(b.lengthInMinutes) : et.lengthInMinutes;
      if (b.lengthInMinutes !== undefined && !(et.lengthInMinutesOptions ?? [et.lengthInMinutes]).includes(duration)) {
        throw new HttpError(400, `lengthInMinutes must be one of ${(et.lengthInMinutesOptions ?? [et.lengthInMinutes]).join(", ")}`);
      }
      assertBookable(ctx, et, start, duration);
      const now = ctx.now();
      const host = ctx.store.users.get(et.ownerId)!;
      const booking: StoredBooking = {
        ...ctx.store.newBookingIds(),
        userId: et.ownerId,
        eventTypeId: et.id,
        title: `${et.title} between ${host.name} and ${a.name}`,
        status: "accepted",
        start,
        end: start + duration * 60_000,
        attendee: { name: a.name, email: a.email ?? "", timeZone: a.timeZone, language: a.language ?? "en", ...(a.phoneNumber ? { phoneNumber: a.phoneNumber } : {}) },
        bookingFieldsResponses: { name: a.name, email: a.email ?? "", ...responses },
        metadata: (b.metadata ?? {}) as Record<string, unknown>,
        location: "integrations:daily",
        createdAt: now,
        updatedAt: now,
      };
      ctx.store.bookings.set(booking.uid, booking);
      ctx.notify("BOOKING_CREATED", booking);
      sendSuccess(ctx.res, bookingOutput(booking, ctx.store), 201);
    },
  },
  {
    method: "GET",
    pattern: /^\/v2\/bookings\/?$/,
    versions: BOOKINGS_VERSIONS,
    auth: "required",
    handle(ctx) {
      const q = ctx.url.searchParams;
      const now = ctx.now();
      const statuses = (q.get("status") ?? "").split(",").filter(Boolean);
      const ids = [q.get("eventTypeId"), ...(q.get("eventTypeIds") ?? "").split(",")].filter(Boolean).map(Number);
      const afterStart = parseUtc(q.get("afterStart"));
      const beforeEnd = parseUtc(q.get("beforeEnd"));
      let list = [...ctx.store.bookings.values()].filter((b) => b.userId === ctx.user!.id);
      if (statuses.length) {
        list = list.filter((b) =>
          statuses.some((s) =>
            s === "upcoming" ? b.status !== "cancelled" && b.end >= now : s === "past" ? b.status !== "cancelled" && b.end < now : s === "cancelled" ? b.status === "cancelled" : s === "unconfirmed" ? b.status === "pending" : false,
          ),
        );
      }
      if (ids.length) list = list.filter((b) => ids.includes(b.eventTypeId));
      if (q.get("attendeeEmail")) list = list.filter((b) => b.attendee.email === q.get("attendeeEmail"));
      if (q.get("attendeeName")) list = list.filter((b) => b.attendee.name === q.get("attendeeName"));
      if (q.get("bookingUid")) list = list.filter((b) => b.uid === q.get("bookingUid"));
      if (afterStart !== null) list = list.filter((b) => b.start >= afterStart);
      if (beforeEnd !== null) list = list.filter((b) => b.end <= beforeEnd);
      const desc = q.get("sortStart") === "desc";
      list.sort((x, y) => (desc ? y.start - x.start : x.start - y.start));
      const take = Math.min(250, Math.max(1, Number(q.get("take") ?? 100)));
      const skip = Math.max(0, Number(q.get("skip") ?? 0));
      const page = list.slice(skip, skip + take);
      const totalPages = Math.max(1, Math.ceil(list.length / take));
      const currentPage = Math.floor(skip / take) + 1;
      ctx.res.setHeader("content-type", "application/json; charset=utf-8");
      ctx.res.end(
        JSON.stringify({
          status: "success",
          data: page.map((b) => bookingOutput(b, ctx.store)),
          pagination: {
            totalItems: list.length,
            remainingItems: Math.max(0, list.length - skip - page.length),
            returnedItems: page.length,
            itemsPerPage: take,
            currentPage,
            totalPages,
            hasNextPage: skip + page.length < list.length,
            hasPreviousPage: skip > 0,
          },
        }),
      );
    },
  },
  {
    method: "GET",
    pattern: /^\/v2\/bookings\/([^/]+)\/?$/,
    versions: BOOKINGS_VERSIONS,
    auth: "optional",
    handle: (ctx) => sendSuccess(ctx.res, bookingOutput(findBooking(ctx, ctx.params[0]!), ctx.store)),
  },
  {
    method: "POST",
    pattern: /^\/v2\/bookings\/([^/]+)\/reschedule\/?$/,
    versions: BOOKINGS_VERSIONS,
    auth: "optional",
    handle(ctx) {
      // An unknown uid reaches Cal.com as a plain Error: a bare 500.
      const old = findBooking(ctx, ctx.params[0]!, true);
      if (old.status === "cancelled" && old.rescheduledToUid) throw new HttpError(400, `Booking with uid=${old.uid} was already rescheduled to ${old.rescheduledToUid}`);
      if (old.status === "cancelled") throw new HttpError(400, `Booking with uid=${old.uid} is cancelled and can't be rescheduled`);
      const start = parseUtc(typeof ctx.body?.start === "string" ? ctx.body.start : null);
      if (start === null) throw new HttpError(400, "start must be a valid ISO 8601 date string");
      const et = ctx.store.eventTypes.get(old.eventTypeId)!;
      const duration = Math.round((old.end - old.start) / 60_000);
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
        reschedulingReason: ctx.body?.reschedulingReason,
        createdAt: now,
        updatedAt: now,
      };
      Object.assign(old, { status: "cancelled", rescheduledToUid: booking.uid, updatedAt: now });
      ctx.store.bookings.set(booking.uid, booking);
      ctx.notify("BOOKING_RESCHEDULED", booking);
      sendSuccess(ctx.res, bookingOutput(booking, ctx.store), 201);
    },
  },
  {
    method: "POST",
    pattern: /^\/v2\/bookings\/([^/]+)\/cancel\/?$/,
    versions: BOOKINGS_VERSIONS,
    auth: "optional",
    handle(ctx) {
      const b = findBooking(ctx, ctx.params[0]!);
      if (b.status === "cancelled") throw new HttpError(400, "This booking has already been cancelled.", true);
      Object.assign(b, { status: "cancelled", cancellationReason: ctx.body?.cancellationReason ?? "", updatedAt: ctx.now() });
      ctx.notify("BOOKING_CANCELLED", b);
      sendSuccess(ctx.res, bookingOutput(b, ctx.store));
    },
  },
];
