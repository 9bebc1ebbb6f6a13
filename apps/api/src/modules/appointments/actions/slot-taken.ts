import type { CalcomEventType } from "@agni/calcom";
import { AppError } from "../../../errors/app-error";
import type { Calendar } from "../calendar";
import type { ActionDeps } from "./deps";
import type { BookCommand, RescheduleCommand } from "../command";
import { scheduleCovers } from "../schedule";
import { freeSlots } from "../slots";
import { groupSlots, nearestAlternatives, sentenceStart, speakDateTime, speakSlots } from "../speech";
import { localDayRange } from "../time";

/** How many days, from the wanted time's own day, alternatives to a taken time are looked for in. */
const ALTERNATIVE_DAYS = 7;

/** Whether the event type's schedule (or the account's default one) has [start, start + minutes) within its hours. */
async function wasOpen(calendar: Calendar, eventType: CalcomEventType, start: Date, minutes: number): Promise<boolean> {
  const schedules = await calendar.cal.schedules.list();
  const schedule = schedules.find((s) => (eventType.scheduleId != null ? s.id === eventType.scheduleId : s.isDefault));
  return schedule !== undefined && scheduleCovers(schedule, start, minutes);
}

/**
 * 422 with the free times nearest to `wanted`: from its local day on (never in the past), in the same shape as
 * `suggest`. "No longer available" only when the host's schedule had that time open; a time it never had (a
 * weekend, the night) is "not available"; a time the caller already holds through someone else's booking says so.
 * Both lookups run only here, on the failure path, side by side.
 */
export async function slotTaken(
  deps: ActionDeps,
  calendar: Calendar,
  command: BookCommand | RescheduleCommand,
  eventType: CalcomEventType,
  options: { minutes: number; rescheduleUid?: string; heldForCaller?: boolean },
): Promise<never> {
  deps.slots.forget(calendar.accountId); // Cal.com knows of a booking our cached slots may not: ask it afresh next time
  const now = deps.now();
  const wanted = command.time.instant;
  const tz = command.timezone;
  const held = options.heldForCaller === true;
  const range = localDayRange(tz, now, ALTERNATIVE_DAYS, wanted);
  const [starts, open] = await Promise.all([
    freeSlots(calendar, { eventTypeId: eventType.id, timeZone: tz, range, durationMinutes: command.durationMinutes, rescheduleUid: options.rescheduleUid }).catch(() => []),
    held || wasOpen(calendar, eventType, wanted, options.minutes).catch(() => false),
  ]);
  const alternatives = nearestAlternatives(starts, wanted, 3);
  const when = sentenceStart(speakDateTime(wanted, tz, now));
  throw new AppError(
    "SLOT_UNAVAILABLE",
    `${held ? `${when} is already booked for you, so I haven't booked it again.` : `${when} is ${open ? "no longer" : "not"} available.`}${
      alternatives.length ? ` I can offer ${speakSlots(alternatives, tz, now)}.` : ""
    }`,
    {
      available_slots: groupSlots(alternatives, tz, now),
      slot_times: alternatives.map((d) => d.toISOString()),
      ...(held ? { reason: "The caller already has a booking at that time, made through another agent or outside Agni" } : {}),
    },
  );
}
