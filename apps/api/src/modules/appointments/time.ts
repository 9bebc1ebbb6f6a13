import { DateTime, IANAZone } from "luxon";

/** A time the caller gave that cannot be used; the message is a sentence an agent can say. */
export class TimeInputError extends Error {
  override name = "TimeInputError";
}

export const isValidTimeZone = (zone: string) => IANAZone.isValidZone(zone);

const OFFSET = /(?:Z|([+-])(\d{2})(?::?(\d{2}))?)$/i;
const LOCAL = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/;
/** A date further ahead is far more likely a misheard year than an appointment anyone means. */
export const MAX_YEARS_AHEAD = 5;
/** UTC offsets in use run from -12:00 to +14:00; anything past ±14:00 is no place's time. */
const MAX_OFFSET_MINUTES = 14 * 60;

const spokenWallClock = (dt: { year: number; month: number; day: number; hour: number; minute: number }) =>
  DateTime.fromObject(dt, { zone: "UTC" }).toFormat("h:mm a 'on' cccc, LLLL d");

const unreadable = (value: string) => new TimeInputError(`I couldn't read the time '${value}'; please give a date and time like 2026-05-04T14:30`);

/**
 * The instant an `appointment_datetime` names. With an offset (`Z`, `+05:30`, at most ±14:00) it is that instant;
 * without one it is wall-clock time in `timeZone`. A wall-clock time the clocks skip is refused; one they pass twice
 * is the earlier. Times are to the minute (seconds other than :00 are refused rather than booked and said otherwise),
 * and no more than MAX_YEARS_AHEAD years after `now`.
 */
export function resolveAppointmentTime(value: string, timeZone: string, now = new Date()): { instant: Date; ambiguous: boolean; hadOffset: boolean } {
  if (!isValidTimeZone(timeZone)) throw new TimeInputError(`Unknown time zone '${timeZone}'`);
  const text = value.trim();
  const resolved = OFFSET.test(text) && /\d{2}:\d{2}/.test(text) ? withOffset(value, text) : wallClock(value, text, timeZone);
  const dt = DateTime.fromJSDate(resolved.instant, { zone: "UTC" });
  if (dt.second !== 0 || dt.millisecond !== 0) {
    throw new TimeInputError(`Appointments start on the minute; please give the time without seconds, like ${text.slice(0, 16)}`);
  }
  if (resolved.instant.getTime() > DateTime.fromJSDate(now).plus({ years: MAX_YEARS_AHEAD }).toMillis()) {
    throw new TimeInputError(`That date is more than ${MAX_YEARS_AHEAD} years away; please check the year`);
  }
  return resolved;
}

function withOffset(value: string, text: string) {
  const match = OFFSET.exec(text);
  if (!match) throw unreadable(value);
  const [, sign, hours, minutes] = match;
  if (sign && (Number(minutes ?? 0) >= 60 || Number(hours) * 60 + Number(minutes ?? 0) > MAX_OFFSET_MINUTES)) {
    throw new TimeInputError(`The time '${value}' has a UTC offset beyond ±14:00; please give a real offset, like +05:30`);
  }
  const dt = DateTime.fromISO(text, { setZone: true });
  if (!dt.isValid) throw unreadable(value);
  return { instant: dt.toJSDate(), ambiguous: false, hadOffset: true };
}

function wallClock(value: string, text: string, timeZone: string) {
  const m = LOCAL.exec(text);
  if (!m) throw unreadable(value);
  // Groups 1–5 are not optional in LOCAL: each is there whenever it matched.
  const [year, month, day, hour, minute] = m.slice(1, 6).map(Number) as [number, number, number, number, number];
  const wall = { year, month, day, hour, minute, second: m[6] ? +m[6] : 0, millisecond: m[7] ? +m[7].padEnd(3, "0") : 0 };
  const dt = DateTime.fromObject(wall, { zone: timeZone });
  if (!dt.isValid) throw unreadable(value);
  // Luxon moves a skipped wall-clock time forward; a changed hour or minute means the time does not exist.
  if (dt.hour !== wall.hour || dt.minute !== wall.minute || dt.day !== wall.day) {
    throw new TimeInputError(
      `${spokenWallClock(wall)} does not exist in ${timeZone} because the clocks change that night; please pick another time`,
    );
  }
  // The same wall-clock time one hour earlier in UTC with a different offset means the clocks pass it twice.
  const zone = IANAZone.create(timeZone);
  const ts = dt.toMillis();
  const earlier = ts - 3_600_000;
  const earlierLocal = DateTime.fromMillis(earlier, { zone });
  const ambiguous = zone.offset(earlier) !== zone.offset(ts) && earlierLocal.hour === wall.hour && earlierLocal.minute === wall.minute;
  return { instant: new Date(ambiguous ? earlier : ts), ambiguous, hadOffset: false };
}

/**
 * The caller's local day of `day` and the `days - 1` days after it, as UTC instants, never starting before `now`:
 * "the next N days" when `day` is now, or the days from a wanted time on.
 */
export function localDayRange(timeZone: string, now: Date, days: number, day: Date = now): { start: Date; end: Date } {
  const first = DateTime.fromJSDate(day, { zone: timeZone }).startOf("day");
  const end = first.plus({ days: Math.max(1, days) - 1 }).endOf("day");
  return { start: new Date(Math.max(now.getTime(), first.toMillis())), end: end.toJSDate() };
}
