import { speakDateTime, speakSlots, speakTime } from "./speech";
import { localDate } from "./speech";

// What an agent says for each outcome of `waitlist`, and what a call or text back says when a time opens. Times are
// in the caller's zone; never anyone else's details.

/** "tomorrow between 9:00 AM and 1:00 PM", or "from tomorrow at 9:00 AM to Friday at 5:00 PM". */
export function speakWindow(start: Date, end: Date, tz: string, now: Date): string {
  const from = speakDateTime(start, tz, now);
  if (localDate(start, tz) !== localDate(end, tz)) return `from ${from} to ${speakDateTime(end, tz, now)}`;
  return `${from.replace(/ at .*$/, "")} between ${speakTime(start, tz)} and ${speakTime(end, tz)}`;
}

const how = (contact: { phone: boolean; email: boolean }) =>
  contact.phone ? "we'll get back to you at the number you gave" : "we'll email you at the address you gave";

export const joined = (window: string, contact: { phone: boolean; email: boolean }) =>
  `I've put you on the waitlist for ${window}. If a time opens up, ${how(contact)}.`;

export const alreadyWaiting = (window: string) => `You're already on the waitlist for ${window}. We'll be in touch as soon as a time opens up.`;

export const openAlready = (starts: Date[], tz: string, now: Date) =>
  `There's no need to wait: I can offer ${speakSlots(starts, tz, now)}. Would one of those work?`;

export const BAD_ORDER = "The end of that window comes before its start; what's the earliest and the latest time that would suit you?";
export const PASSED = "That window has already passed; what later times would suit you?";
export const tooLong = (days: number) => `I can keep a lookout for up to ${days} days at a time; could you give me a shorter window?`;
export const EXPIRY_AFTER_WINDOW = "I can only keep looking until the end of your window; please give an expiry no later than that.";
export const EXPIRY_PASSED = "That expiry has already passed; until when should I keep looking?";
export const unreadablePhone = (phone: string) => `I couldn't read '${phone}' as a phone number; could you give it with the area code?`;

/**
 * The sentence of a `waitlist.slot_opened` event: what the platform says or texts to the caller. Only a time reserved
 * in Cal.com is said to be held; otherwise anyone may still book it.
 */
export function slotOpened(name: string, start: Date, tz: string, now: Date, hold: { minutes: number } | null): string {
  const keep = hold ? `We're holding it for you for ${hold.minutes} minute${hold.minutes === 1 ? "" : "s"}.` : "Let us know soon, as it's open to others too.";
  return `Hi ${name}, a time has opened up: ${speakDateTime(start, tz, now)}. Would you like it? ${keep}`;
}
