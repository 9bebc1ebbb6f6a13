import type { ManageAppointmentBody } from "@agni/contracts";
import { AppError } from "../../errors/app-error";
import { resolveAppointmentTime, TimeInputError } from "./time";

/** An `appointment_datetime` resolved to an instant (the earlier one when the clocks pass that time twice). */
export interface ResolvedTime {
  instant: Date;
  ambiguous: boolean;
}

interface CommandBase {
  agentId: string;
  /** The caller's zone: every time in the answer is spoken in it. */
  timezone: string;
  callSessionId?: string;
  notes?: string;
  durationMinutes?: number;
}

export interface BookCommand extends CommandBase {
  action: "book";
  attendee: { name: string; email?: string; phone?: string };
  time: ResolvedTime;
  eventTypeId?: number;
  responses?: ManageAppointmentBody["responses"];
}

export interface RescheduleCommand extends CommandBase {
  action: "reschedule";
  appointmentId: string;
  time: ResolvedTime;
}

export interface CancelCommand extends CommandBase {
  action: "cancel";
  appointmentId: string;
}

/** The host's decision on a booking awaiting confirmation (`notes`: a decline's reason). */
export interface DecisionCommand extends CommandBase {
  action: "confirm" | "decline";
  appointmentId: string;
}

/** `availability` lists every open time; `suggest` offers a few well-spread ones. */
export interface SlotsCommand extends CommandBase {
  action: "availability" | "suggest";
  daysAhead: number;
  eventTypeId?: number;
}

/** A booking page for the caller to confirm themself, prefilled with whatever the caller has given. */
export interface LinkCommand extends CommandBase {
  action: "link";
  attendee: { name?: string; email?: string };
  time?: ResolvedTime;
  eventTypeId?: number;
  responses?: ManageAppointmentBody["responses"];
}

/** The caller's upcoming appointments, looked up by what they say identifies them (see actions/find.ts). */
export interface FindCommand extends CommandBase {
  action: "find";
  phone?: string;
  email?: string;
  name?: string;
  /** A local day (YYYY-MM-DD) in the caller's zone. */
  date?: string;
}

/** A meeting now with whoever on the team answers, for event types set up for instant meetings (see actions/instant.ts). */
export interface InstantCommand extends CommandBase {
  action: "instant";
  attendee: { name: string; email?: string; phone?: string };
  eventTypeId?: number;
  responses?: ManageAppointmentBody["responses"];
}

/** A caller asking to be told when a time inside their window opens (see actions/waitlist.ts). */
export interface WaitlistCommand extends CommandBase {
  action: "waitlist";
  attendee: { name: string; email?: string; phone?: string };
  windowStart: Date;
  windowEnd: Date;
  expiresAt?: Date;
  eventTypeId?: number;
}

/** One agent action, parsed once: each carries exactly the fields it uses. */
export type ManageCommand = BookCommand | RescheduleCommand | CancelCommand | SlotsCommand | LinkCommand | DecisionCommand | FindCommand | InstantCommand | WaitlistCommand;

/** The contract's schema checks these already; this keeps the types honest without assertions. */
function required<T>(value: T | undefined, field: string, action: string): T {
  if (value === undefined) throw new AppError("INVALID_REQUEST", `${field} is required to ${action}`, { field });
  return value;
}

/** The instant a caller's time names; a time that cannot be used is a 400 naming the field. */
export function resolveTime(value: string, timezone: string, now: Date, field = "appointment_datetime"): ResolvedTime {
  try {
    const { instant, ambiguous } = resolveAppointmentTime(value, timezone, now);
    return { instant, ambiguous };
  } catch (err) {
    if (err instanceof TimeInputError) throw new AppError("INVALID_REQUEST", err.message, { field });
    throw err;
  }
}

/** Parses a manage body (already validated by the contract) into its command, resolving its time once. */
export function toCommand(body: ManageAppointmentBody, now: Date): ManageCommand {
  const base: CommandBase = {
    agentId: body.agent_id,
    timezone: body.timezone,
    callSessionId: body.call_session_id,
    notes: body.notes,
    durationMinutes: body.duration_minutes,
  };
  const time = () => resolveTime(required(body.appointment_datetime, "appointment_datetime", body.action), body.timezone, now);
  switch (body.action) {
    case "book":
      return {
        ...base,
        action: "book",
        attendee: { name: required(body.name, "name", "book"), email: body.email, phone: body.phone },
        time: time(),
        eventTypeId: body.event_type_id,
        responses: body.responses,
      };
    case "reschedule":
      return { ...base, action: "reschedule", appointmentId: required(body.appointment_id, "appointment_id", "reschedule"), time: time() };
    case "cancel":
      return { ...base, action: "cancel", appointmentId: required(body.appointment_id, "appointment_id", "cancel") };
    case "confirm":
    case "decline":
      return { ...base, action: body.action, appointmentId: required(body.appointment_id, "appointment_id", body.action) };
    case "availability":
    case "suggest":
      return { ...base, action: body.action, daysAhead: body.days_ahead ?? 7, eventTypeId: body.event_type_id };
    case "link":
      return {
        ...base,
        action: "link",
        attendee: { name: body.name, email: body.email },
        time: body.appointment_datetime === undefined ? undefined : time(),
        eventTypeId: body.event_type_id,
        responses: body.responses,
      };
    case "instant":
      return {
        ...base,
        action: "instant",
        attendee: { name: required(body.name, "name", "start an instant meeting"), email: body.email, phone: body.phone },
        eventTypeId: body.event_type_id,
        responses: body.responses,
      };
    case "find":
      return { ...base, action: "find", phone: body.phone, email: body.email, name: body.name, date: body.date };
    case "waitlist": {
      const at = (field: "window_start" | "window_end" | "expires_at") => {
        const value = body[field];
        return value === undefined ? undefined : resolveTime(value, body.timezone, now, field).instant;
      };
      return {
        ...base,
        action: "waitlist",
        attendee: { name: required(body.name, "name", "join the waitlist"), email: body.email, phone: body.phone },
        windowStart: required(at("window_start"), "window_start", "join the waitlist"),
        windowEnd: required(at("window_end"), "window_end", "join the waitlist"),
        expiresAt: at("expires_at"),
        eventTypeId: body.event_type_id,
      };
    }
  }
}
