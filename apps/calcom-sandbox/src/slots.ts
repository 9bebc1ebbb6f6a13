import { DateTime } from "luxon";

// Slot computation as Cal.com does it for one host: the schedule's weekly hours (or a date override) in the
// schedule's own time zone, stepped by the slot interval, minus busy times (bookings and reservations, widened by
// the event type's buffers), minimum notice and the booking window. Pure: the caller passes `now`.

export interface WeeklyHours {
  days: string[];
  startTime: string;
  endTime: string;
}

export interface Schedule {
  timeZone: string;
  availability: WeeklyHours[];
  overrides: { date: string; startTime: string; endTime: string }[];
}

export interface SlotRules {
  lengthInMinutes: number;
  slotInterval?: number | null;
  minimumBookingNotice?: number;
  beforeEventBuffer?: number;
  afterEventBuffer?: number;
  /** Only "calendarDays" and "businessDays" windows, counted from today in the schedule's zone. */
  bookingWindow?: { type: "calendarDays" | "businessDays"; value: number } | null;
}

export interface Interval {
  start: number;
  end: number;
}

const minutes = (hhmm: string) => {
  const [h, m] = hhmm.split(":").map(Number);
  return h! * 60 + m!;
};

/** The open intervals of one local date (YYYY-MM-DD) of the schedule, as UTC milliseconds. */
function openingsOn(schedule: Schedule, date: DateTime): Interval[] {
  const iso = date.toISODate()!;
  const overrides = schedule.overrides.filter((o) => o.date === iso);
  const weekday = date.toFormat("cccc");
  const hours = overrides.length > 0 ? overrides : schedule.availability.filter((a) => a.days.includes(weekday));
  // Wall-clock times of that date (not durations from midnight, which a DST change would shift).
  const at = (mins: number) =>
    mins >= 24 * 60 ? date.plus({ days: 1 }).startOf("day") : date.startOf("day").set({ hour: Math.floor(mins / 60), minute: mins % 60 });
  return hours.map((h) => {
    const end = minutes(h.endTime);
    return { start: at(minutes(h.startTime)).toMillis(), end: at(end === 0 || end === 23 * 60 + 59 ? 24 * 60 : end).toMillis() };
  });
}

/** The last instant the booking window allows (the end of the value-th day after today), or Infinity. */
function windowEnd(rules: SlotRules, schedule: Schedule, now: number): number {
  const w = rules.bookingWindow;
  if (!w) return Number.POSITIVE_INFINITY;
  let day = DateTime.fromMillis(now, { zone: schedule.timeZone }).startOf("day");
  let left = w.value;
  while (left > 0) {
    day = day.plus({ days: 1 });
    if (w.type === "calendarDays" || day.weekday <= 5) left -= 1;
  }
  return day.endOf("day").toMillis();
}

/** Whether [start, start + duration) is a time the host can take, ignoring slot alignment. */
export function isBookable(start: number, duration: number, schedule: Schedule, rules: SlotRules, busy: Interval[], now: number): "ok" | "notice" | "closed" | "busy" {
  const end = start + duration * 60_000;
  if (start < now + (rules.minimumBookingNotice ?? 0) * 60_000 || start > windowEnd(rules, schedule, now)) return "notice";
  const local = DateTime.fromMillis(start, { zone: schedule.timeZone });
  const open = [local.minus({ days: 1 }), local, local.plus({ days: 1 })].flatMap((d) => openingsOn(schedule, d));
  if (!open.some((o) => o.start <= start && end <= o.end)) return "closed";
  const before = (rules.beforeEventBuffer ?? 0) * 60_000;
  const after = (rules.afterEventBuffer ?? 0) * 60_000;
  if (busy.some((b) => start - before < b.end && end + after > b.start)) return "busy";
  return "ok";
}

/** Every free slot start in [from, to] (UTC milliseconds), in order. */
export function computeSlots(input: { schedule: Schedule; rules: SlotRules; duration?: number; busy: Interval[]; from: number; to: number; now: number }): number[] {
  const { schedule, rules, busy, from, to, now } = input;
  const duration = input.duration ?? rules.lengthInMinutes;
  const step = (rules.slotInterval || rules.lengthInMinutes) * 60_000;
  const out: number[] = [];
  let day = DateTime.fromMillis(from, { zone: schedule.timeZone }).startOf("day").minus({ days: 1 });
  const last = DateTime.fromMillis(to, { zone: schedule.timeZone }).startOf("day").plus({ days: 1 });
  for (; day <= last; day = day.plus({ days: 1 })) {
    for (const open of openingsOn(schedule, day)) {
      for (let t = open.start; t + duration * 60_000 <= open.end; t += step) {
        if (t < from || t > to) continue;
        if (isBookable(t, duration, schedule, rules, busy, now) === "ok") out.push(t);
      }
    }
  }
  return [...new Set(out)].sort((a, b) => a - b);
}

/** Cal.com's rendering: `…+02:00` in the requested zone, or UTC `…Z` when none was given. */
export const renderInstant = (ms: number, timeZone?: string) =>
  timeZone ? DateTime.fromMillis(ms, { zone: timeZone }).toISO()! : new Date(ms).toISOString();

/** Date key (YYYY-MM-DD) of an instant in the requested zone (UTC when none). */
export const dateKey = (ms: number, timeZone?: string) => DateTime.fromMillis(ms, { zone: timeZone ?? "UTC" }).toISODate()!;
