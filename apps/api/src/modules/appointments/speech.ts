import { DateTime } from "luxon";

// Everything an agent reads aloud, in the caller's zone (never the server's), in US-English clock style.

const zoned = (instant: Date, timeZone: string) => DateTime.fromJSDate(instant, { zone: timeZone });

/** "9:00 AM", "12:30 PM". */
export const speakTime = (instant: Date, timeZone: string) => zoned(instant, timeZone).toFormat("h:mm a");

/** "YYYY-MM-DD" in the zone. */
export const localDate = (instant: Date, timeZone: string) => zoned(instant, timeZone).toFormat("yyyy-MM-dd");

/** "Today", "Tomorrow", a weekday within the coming week, else "Monday, January 5". */
export function dateLabel(date: string, timeZone: string, now: Date): string {
  const today = zoned(now, timeZone).startOf("day");
  const day = DateTime.fromISO(date, { zone: timeZone }).startOf("day");
  const diff = Math.round(day.diff(today, "days").days);
  if (diff === 0) return "Today";
  if (diff === 1) return "Tomorrow";
  if (diff > 1 && diff < 7) return day.toFormat("cccc");
  return day.toFormat("cccc, LLLL d");
}

/** A day label inside a sentence: "today", "tomorrow"; weekdays and dates keep their capitals. */
const midSentence = (label: string) => (label === "Today" || label === "Tomorrow" ? label.toLowerCase() : label);

/** A spoken phrase that starts a sentence: its first letter up ("tomorrow at 9:00 AM" → "Tomorrow at 9:00 AM"). */
export const sentenceStart = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** For use inside a sentence: "tomorrow at 9:00 AM", "Monday, January 5 at 2:30 PM". */
export function speakDateTime(instant: Date, timeZone: string, now: Date): string {
  return `${midSentence(dateLabel(localDate(instant, timeZone), timeZone, now))} at ${speakTime(instant, timeZone)}`;
}

/** Days with openings, inside a sentence: "today, tomorrow or Friday", "on Friday or Monday". */
export function speakDays(labels: string[]): string {
  const words = labels.map(midSentence);
  return `${words[0] === labels[0] ? "on " : ""}${spokenList(words)}`;
}

/** "a", "a or b", "a, b or c". */
export const spokenList = (items: string[], conjunction = "or") =>
  items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} ${conjunction} ${items[items.length - 1]}`;

/** Times to offer, a day at a time, inside a sentence: "tomorrow at 9:00 AM or 2:00 PM, or Thursday, January 10 at 9:00 AM". */
export function speakSlots(starts: Date[], timeZone: string, now: Date): string {
  const days = groupSlots(starts, timeZone, now).map((d) => `${midSentence(d.date_label)} at ${spokenList(d.slots)}`);
  return days.length <= 1 ? (days[0] ?? "") : `${days.slice(0, -1).join(", ")}, or ${days[days.length - 1]}`;
}

/** Slots grouped by the caller's local day, in order, labelled for speech. */
export function groupSlots(starts: Date[], timeZone: string, now: Date): { date: string; date_label: string; slots: string[] }[] {
  const days = new Map<string, Date[]>();
  for (const start of [...starts].sort((a, b) => a.getTime() - b.getTime())) {
    const key = localDate(start, timeZone);
    days.set(key, [...(days.get(key) ?? []), start]);
  }
  return [...days].map(([date, list]) => ({ date, date_label: dateLabel(date, timeZone, now), slots: list.map((d) => speakTime(d, timeZone)) }));
}

/**
 * A few options worth offering: the earliest days first, at most `perDay` a day spread across that day's openings
 * (the first of each equal part), at most `max` in all. The same input always gives the same answer.
 */
export function suggestSlots(starts: Date[], timeZone: string, options: { max?: number; perDay?: number } = {}): Date[] {
  const max = options.max ?? 5;
  const perDay = options.perDay ?? 2;
  const days = new Map<string, Date[]>();
  for (const start of [...starts].sort((a, b) => a.getTime() - b.getTime())) {
    const key = localDate(start, timeZone);
    days.set(key, [...(days.get(key) ?? []), start]);
  }
  const picked: Date[] = [];
  for (const list of days.values()) {
    const take = Math.min(perDay, list.length);
    for (let i = 0; i < take && picked.length < max; i++) {
      const pick = list[Math.floor((i * list.length) / take)];
      if (pick) picked.push(pick);
    }
    if (picked.length >= max) break;
  }
  return picked;
}

/** The `count` openings nearest to `target` (ties to the earlier), in chronological order, never `target` itself. */
export function nearestAlternatives(starts: Date[], target: Date, count = 3): Date[] {
  const t = target.getTime();
  return starts
    .filter((d) => d.getTime() !== t)
    .sort((a, b) => Math.abs(a.getTime() - t) - Math.abs(b.getTime() - t) || a.getTime() - b.getTime())
    .slice(0, count)
    .sort((a, b) => a.getTime() - b.getTime());
}
