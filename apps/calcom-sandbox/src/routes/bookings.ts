import { sendJson, sendSuccess } from "../http";
import type { SandboxStore, SandboxUser, StoredBooking } from "../store";
import { callerOf, cancelBooking, createBooking, findBooking, rescheduleBooking } from "./booking-flows";
import { validateCancel, validateListQuery, validateReschedule } from "./booking-input";
import { BOOKINGS_VERSIONS, HttpError, type Route, type RouteContext } from "./context";
import { createInstantBooking, isInstantRequest } from "./instant";
import { parseUtc } from "./slots";
import { visibleTo } from "../teams";

// The 2024-08-13 bookings controller. Messages and their order follow calcom/cal.com
// apps/api/v2/src/ee/bookings/2024-08-13/services/{bookings,input,errors}.service.ts
// (@ cd764fd827c001adedda807a326af9ca0f924beb, 3d4e8782eb22f7e512a77fa043ecc7eafafed01c, 5b6d63e6300b8d930530b1b876d556a12fcfbd96).

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

async function reschedule(ctx: RouteContext): Promise<StoredBooking> {
  const body = ctx.body;
  validateReschedule(body);
  const text = (v: unknown) => (v === undefined ? undefined : String(v));
  return rescheduleBooking(ctx, ctx.params[0], { start: body.start, reschedulingReason: text(body.reschedulingReason), rescheduledBy: text(body.rescheduledBy) }, "API_V2");
}

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
      visibleTo(ctx.store, b, user.id) &&
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
    handle: async (ctx) =>
      sendSuccess(ctx.res, isInstantRequest(ctx.body) ? createInstantBooking(ctx) : bookingOutput(await createBooking(ctx, ctx.body, "API_V2"), ctx.store), 201),
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
