import { DateTime } from "luxon";

// Slot computation as Cal.com does it for one host (calcom/cal.com, newest stored versions):
// - packages/features/schedules/lib/date-ranges.ts @ 5f5010ca19a27ca197381008b0d24cd42eff7ab0: working hours per day in
//   the schedule's zone, clipped to [from, to]; a date override replaces that date's hours; 23:59 means midnight.
// - packages/lib/getBusyTimes.ts @ 3a0dbfa4fc6bfcad91aaa66f88c4cd76f0321a1f: busy times (the caller widens them).
// - packages/features/schedules/lib/slots.ts @ 5b6d63e6300b8d930530b1b876d556a12fcfbd96: slot starts per free range,
//   aligned to the largest of 60/30/20/15/10/5 dividing the frequency, in the invitee's zone.
// - packages/trpc/server/routers/viewer/slots/util.ts @ 1041a576d68ad2ae5ebb9f707320118b0425b923: the search starts
//   at max(start, now + max(notice, 1) min); reserved slots and the booking window are filtered out afterwards.
// Pure: every function takes `now` (UTC milliseconds) from the caller.

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
  /** Minutes added between slots (Cal.com's offsetStart). */
  offsetStart?: number;
  /** Cal.com's "showOptimizedSlots": fit the most slots into a range, then nudge to the hour/15/5 minutes. */
  showOptimizedSlots?: boolean;
  /** Only "calendarDays" and "businessDays" windows, counted from today in the schedule's zone. */
  bookingWindow?: { type: "calendarDays" | "businessDays"; value: number } | null;
}

export interface Interval {
  start: number;
  end: number;
}

const MINUTE = 60_000;
const minutes = (hhmm: string) => {
  const [h = 0, m = 0] = hhmm.split(":").map(Number);
  return h * 60 + m;
};

/** One wall-clock range of a local date; 23:59 (or 24:00/00:00 as an end) is the next midnight. */
function rangeOn(date: DateTime, startTime: string, endTime: string): Interval {
  const at = (mins: number) => (mins >= 24 * 60 ? date.plus({ days: 1 }).startOf("day") : date.startOf("day").set({ hour: Math.floor(mins / 60), minute: mins % 60 }));
  const end = minutes(endTime);
  return { start: at(minutes(startTime)).toMillis(), end: at(end === 0 || end === 23 * 60 + 59 ? 24 * 60 : end).toMillis() };
}

/** The hours of one local date: its overrides if any, else the weekday's working hours (unclipped). */
export function openingsOn(schedule: Schedule, date: DateTime): Interval[] {
  const iso = date.toFormat("yyyy-MM-dd");
  const overrides = schedule.overrides.filter((o) => o.date === iso);
  if (overrides.length > 0) return overrides.map((o) => rangeOn(date, o.startTime, o.endTime)).filter((r) => r.end > r.start);
  const weekday = date.toFormat("cccc");
  return schedule.availability.filter((a) => a.days.includes(weekday)).map((a) => rangeOn(date, a.startTime, a.endTime));
}

/**
 * The schedule's open ranges between `from` and `to`: working hours clipped to them, date overrides (unclipped, as
 * Cal.com includes an override within a day of the range) in place of that date's working hours.
 */
export function availabilityRanges(schedule: Schedule, from: number, to: number): Interval[] {
  const out: Interval[] = [];
  const last = DateTime.fromMillis(to, { zone: schedule.timeZone }).startOf("day").plus({ days: 1 });
  for (let day = DateTime.fromMillis(from, { zone: schedule.timeZone }).startOf("day").minus({ days: 1 }); day <= last; day = day.plus({ days: 1 })) {
    const overridden = schedule.overrides.some((o) => o.date === day.toISODate());
    for (const r of openingsOn(schedule, day)) {
      const range = overridden ? r : { start: Math.max(r.start, from), end: Math.min(r.end, to) };
      if (range.end > range.start) out.push(range);
    }
  }
  return out;
}

/** `ranges` minus `busy` (date-ranges.ts `subtract`). */
export function subtract(ranges: Interval[], busy: Interval[]): Interval[] {
  const sorted = [...busy].sort((a, b) => a.start - b.start);
  const out: Interval[] = [];
  for (const { start, end } of ranges) {
    let current = start;
    for (const b of sorted) {
      if (b.start >= end) break;
      if (b.end <= current) continue;
      if (b.start > current) out.push({ start: current, end: b.start });
      if (b.end > current) current = b.end;
    }
    if (end > current) out.push({ start: current, end });
  }
  return out;
}

const DEFINED_INTERVALS = [60, 30, 20, 15, 10, 5];

/** Cal.com's start correction for a start off the interval grid (in the invitee's zone). */
function corrected(start: DateTime, interval: number, range: Interval, optimized: boolean): DateTime {
  if (!optimized) return start.startOf("hour").plus({ minutes: Math.ceil(start.minute / interval) * interval });
  const toNext = (step: number) => step - (start.minute % step);
  const spare = Math.floor((range.end - start.toMillis()) / MINUTE) % interval;
  if (spare >= toNext(interval)) return start.plus({ minutes: toNext(interval) });
  if (spare >= toNext(15)) return start.plus({ minutes: toNext(15) });
  if (spare >= toNext(5)) return start.plus({ minutes: toNext(5) });
  return start;
}

/**
 * Slot starts in free `dateRanges` (slots.ts `getSlots`): each range starts at max(range start, now + notice) with
 * seconds zeroed, moves up to the interval grid in `timeZone` (the invitee's), snaps to an earlier range's slot
 * boundaries, and steps by `frequency` while a whole event (less one second) fits before the range's end.
 */
export function getSlots(input: {
  now: number;
  timeZone: string;
  frequency: number;
  eventLength: number;
  minimumBookingNotice: number;
  dateRanges: Interval[];
  offsetStart?: number;
  showOptimizedSlots?: boolean;
}): number[] {
  const frequency = Math.max(1, input.frequency);
  const eventLength = Math.max(1, input.eventLength);
  const offset = input.offsetStart ? Math.max(1, input.offsetStart) : 0;
  const interval = DEFINED_INTERVALS.find((i) => frequency % i === 0) ?? 1;
  const earliest = input.now + input.minimumBookingNotice * MINUTE;
  const slots = new Set<number>();
  const boundaries: number[] = [];
  for (const range of [...input.dateRanges].sort((a, b) => a.start - b.start)) {
    let t: DateTime = DateTime.fromMillis(Math.max(range.start, earliest) - (Math.max(range.start, earliest) % MINUTE), { zone: input.timeZone });
    if (t.minute % interval !== 0) t = corrected(t, interval, range, input.showOptimizedSlots ?? false);
    t = t.plus({ minutes: offset });
    const previous = boundaries.filter((b) => b < t.toMillis()).sort((a, b) => b - a)[0];
    if (previous !== undefined && previous + (frequency + offset) * MINUTE > t.toMillis()) {
      t = DateTime.fromMillis(previous >= range.start ? previous : previous + (frequency + offset) * MINUTE, { zone: input.timeZone });
    }
    for (let start = t.toMillis(); start + eventLength * MINUTE - 1000 <= range.end; start += (frequency + offset) * MINUTE) {
      if (slots.has(start)) continue;
      boundaries.push(start);
      slots.add(start);
    }
  }
  return [...slots];
}

/** The last instant the booking window allows (the end of the value-th day after today), or Infinity. */
export function windowEnd(rules: SlotRules, schedule: Schedule, now: number): number {
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

const overlaps = (a: Interval, b: Interval) => a.start < b.end && a.end > b.start;

/**
 * Free slot starts between `from` and `to` (UTC milliseconds) for an event of `duration` minutes: `busy` already
 * widened by buffers, `reserved` held by others (not widened), aligned in `timeZone` (the invitee's; UTC if none).
 */
export function availableSlots(input: {
  schedule: Schedule;
  rules: SlotRules;
  duration?: number;
  busy: Interval[];
  reserved: Interval[];
  from: number;
  to: number;
  now: number;
  timeZone?: string;
  /** The free ranges between the clipped start and `to`, when not the schedule less `busy` (a team's aggregate). */
  free?: (from: number, to: number) => Interval[];
}): number[] {
  const { schedule, rules, now } = input;
  const notice = rules.minimumBookingNotice ?? 0;
  const eventLength = input.duration || rules.lengthInMinutes;
  const from = Math.max(input.from, now + Math.max(notice, 1) * MINUTE);
  const free = input.free ? input.free(from, input.to) : subtract(availabilityRanges(schedule, from, input.to), input.busy);
  const starts = getSlots({
    now,
    timeZone: input.timeZone ?? "UTC",
    frequency: rules.slotInterval || input.duration || rules.lengthInMinutes,
    eventLength,
    minimumBookingNotice: notice,
    dateRanges: free,
    offsetStart: rules.offsetStart,
    showOptimizedSlots: rules.showOptimizedSlots,
  });
  const last = windowEnd(rules, schedule, now);
  return starts.filter((t) => t <= last && t >= now + notice * MINUTE && !input.reserved.some((r) => overlaps(r, { start: t, end: t + eventLength * MINUTE })));
}

/**
 * Whether [start, start + duration) can be booked (handleNewBooking's order): in the past, outside the notice or
 * booking window, outside the host's hours, or overlapping a busy time; slot alignment is not required.
 */
export function bookability(start: number, duration: number, schedule: Schedule, rules: SlotRules, busy: Interval[], now: number): "ok" | "past" | "notice" | "closed" | "busy" {
  const end = start + duration * MINUTE;
  if (start < now) return "past";
  if (start < now + (rules.minimumBookingNotice ?? 0) * MINUTE || start > windowEnd(rules, schedule, now)) return "notice";
  const local = DateTime.fromMillis(start, { zone: schedule.timeZone });
  const open = [local.minus({ days: 1 }), local, local.plus({ days: 1 })].flatMap((d) => openingsOn(schedule, d));
  if (!open.some((o) => o.start <= start && end <= o.end)) return "closed";
  if (busy.some((b) => overlaps(b, { start, end }))) return "busy";
  return "ok";
}

/** Cal.com's rendering: luxon ISO in the requested zone (`…+02:00`), or UTC `…Z` when none was given. */
export const renderInstant = (ms: number, timeZone?: string) =>
  (timeZone && DateTime.fromMillis(ms, { zone: timeZone }).toISO()) || new Date(ms).toISOString();

/** Date key (YYYY-MM-DD) of an instant in the requested zone (UTC when none). */
export const dateKey = (ms: number, timeZone?: string) => DateTime.fromMillis(ms, { zone: timeZone ?? "UTC" }).toFormat("yyyy-MM-dd");
