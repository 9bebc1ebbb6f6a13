import { speakDateTime, spokenList } from "./speech";

// What an agent says for each outcome of `find`. Never a name, email or phone of anyone: only times.

/** How many found appointments are read out; the answer's data carries them all. */
export const SPOKEN_MATCHES = 3;

const when = (a: { start: Date; pending: boolean }, tz: string, now: Date) =>
  `${speakDateTime(a.start, tz, now)}${a.pending ? " (still waiting for the host to confirm)" : ""}`;

export function foundSentence(found: { start: Date; pending: boolean }[], tz: string, now: Date): string {
  const first = found[0];
  if (found.length === 1 && first) return `I found your appointment for ${when(first, tz, now)}.`;
  const read = found.slice(0, SPOKEN_MATCHES).map((a) => when(a, tz, now));
  const more = found.length - read.length;
  const list = more > 0 ? `${read.join(", ")}, and ${more} more` : spokenList(read, "and");
  return `I found ${found.length} appointments: ${list}. Which one do you mean?`;
}

/** What the caller identified themself by, inside a sentence: "that phone number", "that name on Friday" (`dayLabel` from dateLabel). */
export function identityPhrase(by: { phone: boolean; email: boolean }, dayLabel: string | null): string {
  const what = by.phone && by.email ? "that phone number and email address" : by.phone ? "that phone number" : by.email ? "that email address" : "that name";
  if (!dayLabel) return what;
  return dayLabel === "Today" || dayLabel === "Tomorrow" ? `${what} ${dayLabel.toLowerCase()}` : `${what} on ${dayLabel}`;
}

export const noneFound = (identity: string) => `I couldn't find an upcoming appointment under ${identity}.`;

export const NAME_ONLY =
  "To find your appointment I need the day it's on, or the phone number or email address you booked with.";

export const tooMany = (identity: string) =>
  `There are several appointments under ${identity}; could you give me the phone number or email address you booked with?`;

export const unreadablePhone = (phone: string) => `I couldn't read the phone number '${phone}'; please give it with its area code.`;
