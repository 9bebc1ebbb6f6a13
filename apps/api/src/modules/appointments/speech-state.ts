import type { AppointmentRow } from "./appointments.repository";
import { speakDateTime } from "./speech";

/** What an appointment is now, in words, for a caller who calls back (get, list, and a decision on it). */
export interface AppointmentState {
  status: "pending" | "confirmed" | "declined" | "cancelled";
  message: string;
}

/** `declined`: the host declined the request (the row is stored cancelled; see AppointmentsRepository.declined). */
export function appointmentState(row: AppointmentRow, declined: boolean, timeZone: string, now: Date): AppointmentState {
  const when = speakDateTime(row.startTime, timeZone, now);
  if (row.status === "pending") return { status: "pending", message: `Your request for ${when} is waiting for the host to confirm it; you'll get an email once they do.` };
  if (row.status === "accepted") return { status: "confirmed", message: `Your appointment for ${when} is confirmed.` };
  if (declined) return { status: "declined", message: `Your request for ${when} was declined by the host.${row.cancellationReason ? ` They said: ${row.cancellationReason}` : ""}` };
  return { status: "cancelled", message: `Your appointment for ${when} was cancelled.` };
}
