import { CalcomNotFoundError, CalcomValidationError } from "@agni/calcom";
import { AppError, notFound } from "../../../errors/app-error";
import { timesOf } from "../appointment-view";
import type { AppointmentRow, AppointmentsRepository } from "../appointments.repository";
import type { Calendar } from "../calendar";

/**
 * The appointment as Cal.com has it: follows reschedules we never heard back about (a crashed change, a change made
 * in Cal.com itself) and notes a cancel, recording both. The same row object when nothing changed.
 */
export async function catchUp(repo: AppointmentsRepository, calendar: Calendar, row: AppointmentRow): Promise<AppointmentRow> {
  let booking = await calendar.cal.bookings.get(row.calcomBookingUid);
  let now = row;
  for (let hops = 0; booking.rescheduledToUid && hops < 10; hops++) {
    booking = await calendar.cal.bookings.get(booking.rescheduledToUid);
    now = await repo.rescheduled(row.id, { uid: booking.uid, ...timesOf(booking) });
  }
  if (booking.status === "cancelled" && now.status !== "cancelled") now = await repo.cancelled(row.id, booking.cancellationReason ?? null);
  return now;
}

/** Cal.com refused a change of a booking it has (it says the booking was already moved or cancelled), or no longer has it. */
export const refusedChange = (err: unknown) => err instanceof CalcomValidationError || err instanceof CalcomNotFoundError;

/**
 * The appointment this agent made, or one made outside Agni on its Cal.com account (as `find` returns them), by our
 * id or any of its Cal.com booking uids; 404 otherwise.
 */
export async function agentAppointment(repo: AppointmentsRepository, calendar: Calendar, idOrUid: string): Promise<AppointmentRow> {
  const row = await repo.findChangeable(calendar.agent.organizationId, idOrUid, calendar.agent.id, calendar.accountId);
  if (!row) throw notFound("Appointment");
  return row;
}

export const pastTime = () => new AppError("INVALID_REQUEST", "That time has already passed; please pick a time in the future.");
