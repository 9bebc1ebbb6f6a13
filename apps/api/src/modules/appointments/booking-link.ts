import type { CalcomEventType } from "@agni/calcom";
import { DateTime } from "luxon";
import { AppError } from "../../errors/app-error";
import { effectiveAccountOf } from "../calcom/effective-account";
import type { Calendar } from "./calendar";

/**
 * The web app that serves an account's booking pages. Cal.com's cloud API lives on `api.<domain>` and its pages on
 * `<domain>` (api.cal.com → cal.com, api.cal.eu → cal.eu); an API served under the web app's own origin (a
 * self-hosted instance, the sandbox) has its pages there too.
 */
export function calcomWebOrigin(apiBaseUrl: string): string {
  const url = new URL(apiBaseUrl);
  if (url.hostname.startsWith("api.")) url.hostname = url.hostname.slice("api.".length);
  return url.origin;
}

/** What a booking page can be opened with: the caller's details and the chosen time. */
export interface Prefill {
  name?: string;
  email?: string;
  start?: Date;
  durationMinutes?: number;
  /** Answers to booking questions, keyed by the question's slug. */
  responses?: Record<string, string | number | boolean | string[]>;
}

/**
 * Cal.com's public booking page of a personal event type, `<web origin>/<username>/<slug>`, opened prefilled. The query
 * parameters are the ones Cal.com's booker reads:
 * - `date` (YYYY-MM-DD), `month` (YYYY-MM), `slot` (the start as an ISO instant) and `duration` select the day and
 *   time (calcom/cal.com packages/features/bookings/Booker/store.ts @ 00cb5d91347834a5a464b07799f21cbd73749023:
 *   `getQueryParam("date" | "month" | "slot" | "duration")`); `cal.tz` is the zone the page shows times in (same file);
 * - `name`, `email` and every booking question's own name fill the form (packages/features/bookings/Booker/components/
 *   hooks/useInitialFormValues.ts @ 00b4c4eefbbcc0f700b3bfa6c320b8a1a6400524: the query parsed by the booking
 *   fields' schema).
 * The day and month are the caller's, in `timezone`, since the page shows that zone.
 */
export function bookingPageUrl(calendar: Calendar, eventType: CalcomEventType, timezone: string, prefill: Prefill): string {
  const url = new URL(`${webOrigin(calendar)}/${pageOwner(calendar, eventType)}/${encodeURIComponent(eventType.slug)}`);
  const q = url.searchParams;
  for (const [slug, answer] of Object.entries(prefill.responses ?? {})) q.set(slug, Array.isArray(answer) ? answer.join(",") : String(answer));
  if (prefill.name) q.set("name", prefill.name);
  if (prefill.email) q.set("email", prefill.email);
  if (prefill.start) {
    const local = DateTime.fromJSDate(prefill.start, { zone: timezone });
    q.set("month", local.toFormat("yyyy-MM"));
    q.set("date", local.toFormat("yyyy-MM-dd"));
    q.set("slot", prefill.start.toISOString());
  }
  if (prefill.durationMinutes) q.set("duration", String(prefill.durationMinutes));
  q.set("cal.tz", timezone);
  return url.toString();
}

/**
 * Cal.com's page where the attendee picks a new time for a booking, `<web origin>/reschedule/<booking uid>`
 * (calcom/cal.com apps/web/app/reschedule/[uid]/page.tsx @ 7af10d55301c3624a05d93ea5f22140608a1df00).
 */
export function reschedulePageUrl(calendar: Calendar, bookingUid: string): string {
  return `${webOrigin(calendar)}/reschedule/${encodeURIComponent(bookingUid)}`;
}

function webOrigin(calendar: Calendar): string {
  const { account } = effectiveAccountOf(calendar.agent);
  return calcomWebOrigin(account?.apiBaseUrl ?? "https://api.cal.com");
}

/**
 * Whose page it is: a team event type's team (`team/<team slug>`: calcom/cal.com apps/web/app/(booking-page-wrapper)/
 * team/[slug]/[type]/page.tsx @ b0b018ae113abb64d74106b565a5502496705f0e), else its host.
 */
function pageOwner(calendar: Calendar, eventType: CalcomEventType): string {
  const team = teamSlugOf(eventType);
  return team ? `team/${encodeURIComponent(team)}` : encodeURIComponent(ownerUsername(calendar, eventType));
}

/** The team's slug on a team event type (`team.slug` of TeamEventTypeOutput_2024_06_14). */
function teamSlugOf(eventType: CalcomEventType): string | undefined {
  const team: unknown = eventType.team;
  if (eventType.teamId == null || typeof team !== "object" || team === null || !("slug" in team)) return undefined;
  return typeof team.slug === "string" && team.slug ? team.slug : undefined;
}

/** The host whose page it is: the event type's (Cal.com lists its hosts' usernames), else the account's own user. */
function ownerUsername(calendar: Calendar, eventType: CalcomEventType): string {
  const username = eventType.users?.[0] ?? effectiveAccountOf(calendar.agent).account?.calcomUsername;
  if (!username) throw new AppError("INVALID_REQUEST", "I can't make a booking link for this event type: its Cal.com user has no username.");
  return username;
}
