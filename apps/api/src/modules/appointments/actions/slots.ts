import { CalcomNotFoundError } from "@agni/calcom";
import type { ManageResult } from "@agni/contracts";
import { answerBase } from "../answer";
import type { ActionDeps } from "./deps";
import type { Calendar } from "../calendar";
import type { SlotsCommand } from "../command";
import { bookableEventType, notOnAccount } from "../event-types";
import { freeSlots } from "../slots";
import { groupSlots, speakDays, speakSlots, suggestSlots } from "../speech";
import { localDayRange } from "../time";

/** `availability` (every open time, by day) and `suggest` (a few well-spread ones to read out), for the next days. */
export async function slots(deps: ActionDeps, calendar: Calendar, command: SlotsCommand): Promise<ManageResult> {
  const now = deps.now();
  const short = command.action === "suggest";
  const tz = command.timezone;
  // Slots need only the event type's id, and Cal.com serves anyone's slots: only the agent's configured event type
  // skips the fetch (one Cal.com call, not two); any other id is read through the account first, which proves it
  // belongs to the account (404 otherwise), as for book.
  const configured = calendar.agent.calcomEventTypeId ?? undefined;
  const eventTypeId =
    configured !== undefined && (command.eventTypeId ?? configured) === configured ? configured : (await bookableEventType(calendar, command.eventTypeId)).id;
  const range = localDayRange(tz, now, command.daysAhead);
  // The slot cache (modules/slots) answers while the account's calendar is unchanged; book and its alternatives never use it.
  const fetch = (window: { start: Date; end: Date }) => freeSlots(calendar, { eventTypeId, timeZone: tz, range: window, durationMinutes: command.durationMinutes });
  const { starts, asOf } = await deps.slots.get({ accountId: calendar.accountId, eventTypeId, duration: command.durationMinutes }, range, fetch).catch((err: unknown) => {
    if (err instanceof CalcomNotFoundError) throw notOnAccount(eventTypeId);
    throw err;
  });
  const offered = short ? suggestSlots(starts, tz) : starts;
  const message =
    offered.length === 0
      ? `I don't see any open times in the next ${command.daysAhead} days.`
      : short
        ? `I can offer ${speakSlots(offered, tz, now)}.`
        : `I have openings ${speakDays(groupSlots(offered, tz, now).map((d) => d.date_label))}.`;
  return {
    ...answerBase(calendar, command),
    success: true,
    message,
    summary: offered.length === 0 ? "No availability" : short ? "Suggested times" : "Availability",
    appointment_id: null,
    date_time: null,
    local_date_time: null,
    available_slots: groupSlots(offered, tz, now),
    slot_times: offered.map((d) => d.toISOString()),
    slots_as_of: asOf.toISOString(),
  };
}
