import type { SandboxStore } from "../store";
import { bookedEventType } from "./booking-flows";
import { checkLength, validateCreate } from "./booking-input";
import { HttpError, type Route, type RouteContext } from "./context";
import { parseUtc } from "./slots";

// Instant meetings, as Cal.com answers `POST /v2/bookings` with `instant: true` (calcom/cal.com
// apps/api/v2/src/ee/bookings/2024-08-13/services/bookings.service.ts @ 015b57aa35e8f11ded25dc1cedd7460a58440f72
// createBooking → createInstantBooking; packages/features/instant-meeting/handleInstantMeeting.ts @
// 008b94bb87bdf05f6f9b39de430cd58e0c133310; output.service.ts @ 05a62d6e5c73662b37d2b2bae5433474cb1b566b):
// - the instant branch comes before the booking-field checks, the recurring and seated branches and the availability
//   check: handleInstantMeeting books no slot, so neither a past start nor a busy host refuses it;
// - a non-team event type is a 400; `isInstantEvent` is not checked (the booking page only offers "connect now" where
//   it is set);
// - the booking has no host yet (status AWAITING_HOST, answered lower-cased; `hosts` is Cal.com's "unknown" user),
//   runs from `start` for the event type's length, is titled "Instant meeting with <name>", and its location is the
//   Cal Video room `<WEBAPP_URL>/video/<uid>`;
// - the team's members are rung through an instant-meeting token valid for the event type's
//   `instantMeetingExpiryTimeOffsetInSeconds` (90 by default) and the INSTANT_MEETING webhook of the team or event
//   type (not delivered here: the sandbox keeps webhooks per user).
// Instant meetings are kept apart from the calendar's bookings: an awaiting-host booking holds no slot.

/** An instant meeting as Cal.com stores it (the parts its answer shows). */
export interface InstantMeeting {
  id: number;
  uid: string;
  eventTypeId: number;
  teamId: number;
  title: string;
  start: number;
  end: number;
  attendee: { name: string; email: string; timeZone: string; language: string; phoneNumber?: string };
  bookingFieldsResponses: Record<string, unknown>;
  metadata: Record<string, unknown>;
  videoCallUrl: string;
  /** When the team's token to accept it runs out. */
  expires: number;
  createdAt: number;
}

const meetingsOf = new WeakMap<SandboxStore, Map<string, InstantMeeting>>();

/** The instant meetings started on this store, oldest first. */
export function instantMeetings(store: SandboxStore): InstantMeeting[] {
  return [...(meetingsOf.get(store)?.values() ?? [])];
}

/** Cal.com's default `instantMeetingExpiryTimeOffsetInSeconds`. */
export const DEFAULT_INSTANT_EXPIRY_SECONDS = 90;

/** Whether a create body asks for an instant booking (`"instant" in body && body.instant`). */
export const isInstantRequest = (body: unknown): boolean => body !== null && typeof body === "object" && "instant" in body && body.instant === true;

/** The web app's origin, which Cal.com's video links live on (WEBAPP_URL): the origin the request reached. */
const webOrigin = (ctx: RouteContext) => `http://${ctx.req.headers.host ?? "localhost"}`;

/** `BookingOutput_2024_08_13` of an instant meeting (getOutputBooking on a booking without a user). */
function instantOutput(m: InstantMeeting, store: SandboxStore) {
  const et = store.eventTypes.get(m.eventTypeId);
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    id: m.id,
    uid: m.uid,
    title: m.title,
    description: "",
    hosts: [{ id: "unknown", name: "unknown", email: "unknown", username: "unknown" }],
    status: "awaiting_host",
    start: iso(m.start),
    end: iso(m.end),
    duration: Math.round((m.end - m.start) / 60_000),
    eventTypeId: m.eventTypeId,
    eventType: { id: m.eventTypeId, slug: et?.slug ?? "" },
    location: m.videoCallUrl,
    meetingUrl: m.videoCallUrl,
    absentHost: false,
    createdAt: iso(m.createdAt),
    updatedAt: iso(m.createdAt),
    metadata: m.metadata,
    attendees: [{ name: m.attendee.name, email: m.attendee.email, timeZone: m.attendee.timeZone, language: m.attendee.language, absent: false, ...(m.attendee.phoneNumber ? { phoneNumber: m.attendee.phoneNumber } : {}) }],
    bookingFieldsResponses: m.bookingFieldsResponses,
  };
}

/** `POST /v2/bookings` with `instant: true`. */
export function createInstantBooking(ctx: RouteContext) {
  const body = ctx.body;
  validateCreate(body);
  const et = bookedEventType(ctx.store, body);
  // createBooking checks a round-robin or collective event type's hosts before it branches to the instant flow.
  if (et.schedulingType && !et.hosts?.length) {
    throw new HttpError(
      422,
      `Can't book this team event type because it has no hosts. Please, add at least 1 host to event type with id=${et.id} belonging to team with id=${et.teamId} and try again.`,
    );
  }
  const teamId = et.teamId;
  if (teamId === undefined) throw new HttpError(400, "Instant bookings are only supported for team event types, not individual user event types.");
  const duration = checkLength(et, body.lengthInMinutes);
  const a = body.attendee;
  const emailField = et.bookingFields.find((f) => f.slug === "email");
  // getBookingData parses the responses with zod, as handleNewBooking does.
  if (!a.email && emailField?.required !== false) throw new HttpError(400, "responses - {email}error_required_field, ", "zod");
  const start = parseUtc(body.start);
  if (start === null) throw new HttpError(400, "start must be a valid ISO 8601 date string");
  const now = ctx.now();
  const { id, uid } = ctx.store.newBookingIds();
  const meeting: InstantMeeting = {
    id,
    uid,
    eventTypeId: et.id,
    teamId,
    title: `Instant meeting with ${a.name}`,
    start,
    end: start + duration * 60_000,
    attendee: { name: a.name, email: a.email ?? "", timeZone: a.timeZone, language: typeof a.language === "string" ? a.language : "en", ...(a.phoneNumber ? { phoneNumber: a.phoneNumber } : {}) },
    bookingFieldsResponses: { ...body.bookingFieldsResponses, name: a.name, email: a.email ?? "", ...(a.phoneNumber ? { attendeePhoneNumber: a.phoneNumber } : {}) },
    metadata: body.metadata ?? {},
    videoCallUrl: `${webOrigin(ctx)}/video/${uid}`,
    expires: now + (et.instantMeetingExpiryTimeOffsetInSeconds ?? DEFAULT_INSTANT_EXPIRY_SECONDS) * 1000,
    createdAt: now,
  };
  const meetings = meetingsOf.get(ctx.store) ?? new Map<string, InstantMeeting>();
  meetingsOf.set(ctx.store, meetings);
  meetings.set(uid, meeting);
  return instantOutput(meeting, ctx.store);
}

/** The Cal Video room of an instant meeting (`/video/<uid>` on the web origin): a stand-in page naming the meeting. */
export const instantRoutes: Route[] = [
  {
    method: "GET",
    pattern: /^\/video\/([^/]+)\/?$/,
    auth: "none",
    handle({ res, params, store }) {
      const meeting = meetingsOf.get(store)?.get(decodeURIComponent(params[0]));
      if (!meeting) throw new HttpError(404, "This page could not be found.");
      const text = `<!doctype html><title>Cal Video</title><p id="room" data-uid="${meeting.uid}">Waiting for a host to join</p>`;
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-length": Buffer.byteLength(text) });
      res.end(text);
    },
  },
];
