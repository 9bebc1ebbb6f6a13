import type { CalcomSchedule } from "@agni/calcom";
import { DateTime } from "luxon";

const minuteOfDay = (hhmm: string) => {
  const [h = 0, m = 0] = hhmm.split(":").map(Number);
  return h * 60 + m;
};

/**
 * Whether a Cal.com schedule has [start, start + minutes) within its hours: that local date's override when it has
 * one, else the weekly hours of that weekday, in the schedule's own zone. It tells a time someone took ("no longer
 * available") from one that was never open (a weekend, the night); bookings, notice and buffers are not considered.
 */
export function scheduleCovers(schedule: Pick<CalcomSchedule, "timeZone" | "availability" | "overrides">, start: Date, minutes: number): boolean {
  const local = DateTime.fromJSDate(start, { zone: schedule.timeZone });
  if (!local.isValid) return false;
  const date = local.toFormat("yyyy-MM-dd");
  const overrides = schedule.overrides.filter((o) => o.date === date);
  const hours = overrides.length > 0 ? overrides : schedule.availability.filter((a) => a.days.includes(local.toFormat("cccc")));
  // Minutes from that local midnight by wall clock: a window "09:00"–"17:00" means those clock times, DST or not.
  const from = local.hour * 60 + local.minute;
  const to = from + minutes;
  return hours.some((h) => {
    const end = minuteOfDay(h.endTime);
    return minuteOfDay(h.startTime) <= from && to <= (end === 0 || end >= 23 * 60 + 59 ? 24 * 60 : end);
  });
}
