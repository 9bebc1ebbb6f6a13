import type { ManageResult } from "@agni/contracts";
import { type CountryCode, isSupportedCountry } from "libphonenumber-js";
import { DateTime } from "luxon";
import { AppError } from "../../../errors/app-error";
import { comparableName, DEFAULT_PHONE_REGION, storedEmail, toE164 } from "../../../lib/contact";
import { answerBase, localIso } from "../answer";
import type { AppointmentRow } from "../appointments.repository";
import type { Calendar } from "../calendar";
import type { FindCommand } from "../command";
import { foundSentence, identityPhrase, NAME_ONLY, noneFound, tooMany, unreadablePhone } from "../find-wording";
import { dateLabel } from "../speech";
import type { ActionDeps } from "./deps";

/** More matches than this on a name and a day ask for one more detail instead of listing them. */
export const MAX_NAME_MATCHES = 3;
/** Appointments one phone number or email address has: at most this many are returned. */
const MAX_MATCHES = 10;
/** A day's bookings read to match a name (a name is compared in code, where case and spacing are ignored). */
const MAX_DAY_ROWS = 2000;

/** The tool's `definition.default_region` (how a number without a country code is read), else US. */
export function defaultRegion(calendar: Calendar): CountryCode {
  const definition = calendar.agent.tools[0]?.definition;
  const region = definition && typeof definition === "object" && !Array.isArray(definition) ? definition.default_region : undefined;
  return typeof region === "string" && isSupportedCountry(region) ? region : DEFAULT_PHONE_REGION;
}

/** The caller's local day as [start, end) instants. */
function localDay(date: string, timezone: string): { start: Date; end: Date } {
  const day = DateTime.fromISO(date, { zone: timezone });
  if (!day.isValid) throw new AppError("INVALID_REQUEST", `I couldn't read the date '${date}'; please give a day like 2026-05-04`, { field: "date" });
  return { start: day.startOf("day").toJSDate(), end: day.plus({ days: 1 }).startOf("day").toJSDate() };
}

/**
 * `find`: the caller's upcoming appointments on the agent's Cal.com account that the agent may change — its own and
 * every booking made outside Agni that the mirror holds (not another agent's on a shared account). Match rules: every detail the caller gives must match (phone as E.164, email ignoring case, name
 * ignoring case and spacing, date as a day in the caller's zone); a name alone is never enough (it needs the date, or
 * a phone number or email); more than MAX_NAME_MATCHES on a name and date ask for a phone number or email. Answers
 * name only times, never anyone's details.
 */
export async function find(deps: ActionDeps, calendar: Calendar, command: FindCommand): Promise<ManageResult> {
  const now = deps.now();
  const tz = command.timezone;
  const phone = command.phone === undefined ? undefined : (toE164(command.phone, defaultRegion(calendar)) ?? undefined);
  if (command.phone !== undefined && !phone) throw new AppError("INVALID_REQUEST", unreadablePhone(command.phone), { field: "phone" });
  const email = storedEmail(command.email) ?? undefined;
  const day = command.date === undefined ? undefined : localDay(command.date, tz);
  const byContact = phone !== undefined || email !== undefined;
  const identity = identityPhrase({ phone: phone !== undefined, email: email !== undefined }, command.date === undefined ? null : dateLabel(command.date, tz, now));
  if (!byContact && !day) return unanswered(calendar, command, "more_detail_needed", NAME_ONLY);

  const rows = await deps.repo.upcomingMatching(
    calendar.agent.organizationId,
    calendar.accountId,
    calendar.agent.id,
    { phone, email, from: day?.start, to: day?.end },
    { now, limit: byContact ? MAX_MATCHES : MAX_DAY_ROWS },
  );
  const name = command.name === undefined ? undefined : comparableName(command.name);
  const matches = name === undefined ? rows : rows.filter((row) => comparableName(row.attendeeName) === name);
  if (matches.length === 0) return unanswered(calendar, command, "none_found", noneFound(identity));
  if (!byContact && matches.length > MAX_NAME_MATCHES) return unanswered(calendar, command, "more_detail_needed", tooMany(identity));
  return found(calendar, command, matches.slice(0, MAX_MATCHES), now);
}

function found(calendar: Calendar, command: FindCommand, rows: AppointmentRow[], now: Date): ManageResult {
  const tz = command.timezone;
  const only = rows.length === 1 ? rows[0] : undefined;
  return {
    ...answerBase(calendar, command),
    success: true,
    summary: only ? "Appointment found" : `${rows.length} appointments found`,
    message: foundSentence(rows.map((r) => ({ start: r.startTime, pending: r.status === "pending" })), tz, now),
    ...(only ? {} : { action_required: "caller_picks_one" }),
    appointment_id: only?.id ?? null,
    date_time: only ? only.startTime.toISOString() : null,
    local_date_time: only ? localIso(only.startTime, tz) : null,
    appointments: rows.map((r) => ({ appointment_id: r.id, date_time: r.startTime.toISOString(), local_date_time: localIso(r.startTime, tz), status: r.status })),
  };
}

/** Nothing to name: none matched, or the caller must say one more thing first. */
function unanswered(calendar: Calendar, command: FindCommand, actionRequired: "none_found" | "more_detail_needed", message: string): ManageResult {
  return {
    ...answerBase(calendar, command),
    success: false,
    summary: actionRequired === "none_found" ? "No appointment found" : "More detail needed",
    message,
    action_required: actionRequired,
    appointment_id: null,
    date_time: null,
    local_date_time: null,
    appointments: [],
  };
}
