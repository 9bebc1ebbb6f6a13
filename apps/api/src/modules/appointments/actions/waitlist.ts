import { CalcomNotFoundError } from "@agni/calcom";
import type { ManageResult } from "@agni/contracts";
import { AppError } from "../../../errors/app-error";
import { storedEmail, toE164 } from "../../../lib/contact";
import { answerBase } from "../answer";
import type { Calendar } from "../calendar";
import type { WaitlistCommand } from "../command";
import { bookableEventType, notOnAccount } from "../event-types";
import { freeSlots } from "../slots";
import * as say from "../waitlist-wording";
import type { ActionDeps } from "./deps";
import { defaultRegion } from "./find";

/** The longest window a caller may wait on. */
export const MAX_WINDOW_DAYS = 30;
/** Open times read out instead of waitlisting when the window has some already. */
const OFFERED_NOW = 3;

/** The tool's `definition.waitlist_hold_minutes`: how long an offered time is reserved in Cal.com (null: not reserved). */
function holdMinutes(calendar: Calendar): number | null {
  const definition = calendar.agent.tools[0]?.definition;
  const minutes = definition && typeof definition === "object" && !Array.isArray(definition) ? definition.waitlist_hold_minutes : undefined;
  return typeof minutes === "number" ? minutes : null;
}

const invalid = (message: string, field: string) => new AppError("INVALID_REQUEST", message, { field });

/**
 * `waitlist`: the caller asks to be told when a time inside their window opens. The window (earliest and latest start)
 * must end in the future, after it starts, within MAX_WINDOW_DAYS; the expiry (default: the window's end) may not
 * come after it. A window with open times already gets those offered instead (nothing is stored). Otherwise the caller
 * joins the queue of the agent's account and event type — first come, first served — or, when they already wait for
 * the same window with this agent, hears so. Contact: a phone number (read like `find` reads it) or an email.
 */
export async function waitlist(deps: ActionDeps, calendar: Calendar, command: WaitlistCommand): Promise<ManageResult> {
  const now = deps.now();
  const tz = command.timezone;
  const { windowStart, windowEnd } = command;
  if (windowEnd <= windowStart) throw invalid(say.BAD_ORDER, "window_end");
  if (windowEnd <= now) throw invalid(say.PASSED, "window_end");
  if (windowEnd.getTime() - windowStart.getTime() > MAX_WINDOW_DAYS * 86_400_000) throw invalid(say.tooLong(MAX_WINDOW_DAYS), "window_end");
  const expiresAt = command.expiresAt ?? windowEnd;
  if (expiresAt > windowEnd) throw invalid(say.EXPIRY_AFTER_WINDOW, "expires_at");
  if (expiresAt <= now) throw invalid(say.EXPIRY_PASSED, "expires_at");
  const phone = command.attendee.phone === undefined ? null : toE164(command.attendee.phone, defaultRegion(calendar));
  if (command.attendee.phone !== undefined && !phone) throw invalid(say.unreadablePhone(command.attendee.phone), "phone");
  const email = storedEmail(command.attendee.email);

  const configured = calendar.agent.calcomEventTypeId ?? undefined;
  const eventTypeId =
    configured !== undefined && (command.eventTypeId ?? configured) === configured ? configured : (await bookableEventType(calendar, command.eventTypeId)).id;
  const from = windowStart > now ? windowStart : now;
  // Read from Cal.com itself, not the slot cache: an agent never says a window is full when it is not.
  const open = (await freeSlots(calendar, { eventTypeId, timeZone: tz, range: { start: from, end: windowEnd } }).catch((err: unknown) => {
    if (err instanceof CalcomNotFoundError) throw notOnAccount(eventTypeId);
    throw err;
  })).filter((s) => s >= from && s <= windowEnd);
  const window = say.speakWindow(windowStart, windowEnd, tz, now);
  if (open.length > 0) {
    const offered = open.slice(0, OFFERED_NOW);
    return {
      ...answerBase(calendar, command),
      success: true,
      summary: "Times already open",
      message: say.openAlready(offered, tz, now),
      action_required: "offer_open_slots",
      appointment_id: null,
      date_time: null,
      local_date_time: null,
      slot_times: offered.map((s) => s.toISOString()),
    };
  }

  const { entry, created } = await deps.waitlist.join({
    organizationId: calendar.agent.organizationId,
    agentId: calendar.agent.id,
    calcomAccountId: calendar.accountId,
    eventTypeId,
    attendeeName: command.attendee.name,
    attendeeEmail: email,
    attendeePhone: phone,
    contactKey: phone ?? email ?? "",
    attendeeTimezone: tz,
    windowStart,
    windowEnd,
    expiresAt,
    callSessionId: command.callSessionId ?? null,
    holdMinutes: holdMinutes(calendar),
  });
  return {
    ...answerBase(calendar, command),
    success: true,
    summary: created ? "Added to the waitlist" : "Already on the waitlist",
    message: created ? say.joined(window, { phone: phone !== null, email: email !== null }) : say.alreadyWaiting(window),
    action_required: created ? "waitlisted" : "already_waitlisted",
    appointment_id: null,
    date_time: null,
    local_date_time: null,
    waitlist_entry_id: entry.id,
  };
}
