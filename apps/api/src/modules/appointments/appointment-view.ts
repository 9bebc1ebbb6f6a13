import type { CalcomBooking } from "@agni/calcom";
import type { Appointment } from "@agni/contracts";
import type { AppointmentRow } from "./appointments.repository";

/** An appointment row as the API shows it (answers, and the payload of events out). */
export function toAppointment(row: AppointmentRow): Appointment {
  return {
    id: row.id,
    calcom_booking_uid: row.calcomBookingUid,
    calcom_booking_uids: row.calcomBookingUids,
    organization_id: row.organizationId,
    agent_id: row.agentId,
    calcom_account_id: row.calcomAccountId,
    attendee_name: row.attendeeName,
    attendee_email: row.attendeeEmail,
    attendee_phone: row.attendeePhone,
    attendee_timezone: row.attendeeTimezone,
    start_time: row.startTime.toISOString(),
    end_time: row.endTime.toISOString(),
    duration_minutes: row.durationMinutes,
    status: row.status,
    host_name: row.hostName,
    calcom_team_id: row.calcomTeamId,
    call_session_id: row.callSessionId,
    source: row.source,
    no_show: row.noShow,
  };
}

/** A booking's start, end and length, as an appointment row keeps them. */
export function timesOf(booking: CalcomBooking) {
  const start = new Date(booking.start);
  const end = new Date(booking.end);
  return { start, end, durationMinutes: Math.round((end.getTime() - start.getTime()) / 60_000) };
}

/** The booking's host as Cal.com names it (its organizer), if it says. */
export const hostNameOf = (booking: CalcomBooking): string | null => {
  const host = booking.hosts?.[0];
  return host && host.id !== "unknown" ? host.name || null : null;
};
