import type { SandboxStore, StoredEventType } from "../store";
import { sendSuccess } from "../http";
import { EVENT_TYPES_VERSIONS, HttpError, type Route } from "./context";

/** `EventTypeOutput_2024_06_14`. */
export function eventTypeOutput(et: StoredEventType, store: SandboxStore) {
  const owner = store.users.get(et.ownerId);
  return {
    id: et.id,
    ownerId: et.ownerId,
    lengthInMinutes: et.lengthInMinutes,
    ...(et.lengthInMinutesOptions ? { lengthInMinutesOptions: et.lengthInMinutesOptions } : {}),
    title: et.title,
    slug: et.slug,
    description: et.description,
    locations: [{ type: "integration", integration: "cal-video" }],
    bookingFields: et.bookingFields,
    disableGuests: false,
    slotInterval: et.slotInterval ?? null,
    minimumBookingNotice: et.minimumBookingNotice ?? 0,
    beforeEventBuffer: et.beforeEventBuffer ?? 0,
    afterEventBuffer: et.afterEventBuffer ?? 0,
    recurrence: null,
    metadata: {},
    price: 0,
    currency: "usd",
    lockTimeZoneToggleOnBookingPage: false,
    seatsPerTimeSlot: null,
    forwardParamsSuccessRedirect: null,
    successRedirectUrl: null,
    isInstantEvent: et.isInstantEvent ?? false,
    seatsShowAvailabilityCount: null,
    scheduleId: et.scheduleId,
    ...(et.bookingWindow ? { bookingWindow: et.bookingWindow } : {}),
    hidden: et.hidden,
    bookingRequiresAuthentication: false,
    users: owner ? [owner.username] : [],
  };
}

export const eventTypeRoutes: Route[] = [
  {
    method: "GET",
    pattern: /^\/v2\/event-types\/?$/,
    versions: EVENT_TYPES_VERSIONS,
    auth: "optional",
    handle({ res, url, user, store }) {
      const username = url.searchParams.get("username");
      const slug = url.searchParams.get("eventSlug");
      // Without `username`, the authenticated user's event types (Cal.com's behaviour since PR #25178).
      const owner = username ? [...store.users.values()].find((u) => u.username === username) : user;
      if (!owner) return sendSuccess(res, []);
      const list = [...store.eventTypes.values()].filter(
        (e) => e.ownerId === owner.id && (!slug || e.slug === slug) && (!e.hidden || user?.id === owner.id),
      );
      sendSuccess(res, list.map((e) => eventTypeOutput(e, store)));
    },
  },
  {
    method: "GET",
    pattern: /^\/v2\/event-types\/(\d+)\/?$/,
    versions: EVENT_TYPES_VERSIONS,
    auth: "required",
    handle({ res, params, user, store }) {
      const et = store.eventTypes.get(Number(params[0]));
      if (!et || et.ownerId !== user.id) throw new HttpError(404, `Event type with id ${params[0]} not found`);
      sendSuccess(res, eventTypeOutput(et, store));
    },
  },
];
