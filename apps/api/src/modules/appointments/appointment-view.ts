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
    attendee_name: row.attendeeName,
    attendee_email: row.attendeeEmail,
    attendee_phone: row.attendeePhone,
    attendee_timezone: row.attendeeTimezone,
    start_time: row.startTime.toISOString(),
    end_time: row.endTime.toISOString(),
    duration_minutes: row.durationMinutes,
    status: row.status,
    call_session_id: row.callSessionId,
    source: "agni",
  };
}

/** A booking's start, end and length, as an appointment row keeps them. */
export function timesOf(booking: CalcomBooking) {
  const start = new Date(booking.start);
  const end = new Date(booking.end);
  return { start, end, durationMinutes: Math.round((end.getTime() - start.getTime()) / 60_000) };
}

/** A Cal.com booking not made through Agni, as the API shows appointments. */
export function fromCalcom(b: CalcomBooking, organizationId: string, agentId: string): Appointment {
  const attendee = b.attendees[0];
  const { start, end, durationMinutes } = timesOf(b);
  return {
    id: b.uid,
    calcom_booking_uid: b.uid,
    calcom_booking_uids: [...(b.rescheduledFromUid ? [b.rescheduledFromUid] : []), b.uid],
    organization_id: organizationId,
    agent_id: agentId,
    attendee_name: attendee?.name ?? "",
    attendee_email: attendee?.email ?? null,
    attendee_phone: attendee?.phoneNumber ?? null,
    attendee_timezone: attendee?.timeZone ?? "UTC",
    start_time: start.toISOString(),
    end_time: end.toISOString(),
    duration_minutes: durationMinutes,
    status: b.status,
    call_session_id: null,
    source: "calcom",
  };
}
