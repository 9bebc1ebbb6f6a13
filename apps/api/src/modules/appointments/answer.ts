import type { ManageResult } from "@agni/contracts";
import { DateTime } from "luxon";
import type { AppointmentRow } from "./appointments.repository";
import type { Calendar } from "./calendar";
import type { ManageCommand } from "./command";

/** The instant in the caller's zone, with its offset. */
export const localIso = (d: Date, tz: string) => DateTime.fromJSDate(d).setZone(tz).toISO({ suppressMilliseconds: true }) ?? d.toISOString();

/** What every answer to an action carries. */
export function answerBase(calendar: Calendar, command: ManageCommand) {
  return { action: command.action, timezone: command.timezone, agent_name: calendar.agent.agentName, available_slots: [] };
}

/** The answer naming one appointment as it now is (booked, moved, cancelled). */
export function appointmentAnswer(
  calendar: Calendar,
  command: ManageCommand,
  row: AppointmentRow,
  text: { summary: string; message: string; action_required?: string },
): ManageResult {
  return {
    ...answerBase(calendar, command),
    success: true,
    ...text,
    appointment_id: row.id,
    date_time: row.startTime.toISOString(),
    local_date_time: localIso(row.startTime, command.timezone),
  };
}
