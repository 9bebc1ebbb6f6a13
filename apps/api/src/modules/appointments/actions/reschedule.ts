import { CalcomSlotUnavailableError, type CalcomBooking } from "@agni/calcom";
import type { ManageResult } from "@agni/contracts";
import { AppError } from "../../../errors/app-error";
import { appointmentAnswer } from "../answer";
import { hostNameOf, timesOf } from "../appointment-view";
import type { AppointmentRow } from "../appointments.repository";
import type { Calendar } from "../calendar";
import type { RescheduleCommand } from "../command";
import { bookableEventType } from "../event-types";
import { speakDateTime } from "../speech";
import { movedHost } from "../team-speech";
import { agentAppointment, catchUp, pastTime, refusedChange } from "./catch-up";
import type { ActionDeps } from "./deps";
import { slotTaken } from "./slot-taken";

export const cancelledConflict = () => new AppError("CONFLICT", "That appointment was cancelled, so it can't be moved; I can book a new one instead.");

/**
 * Moves an appointment. One change of an appointment at a time: a reschedule that finds another change in progress
 * does not go ahead on a time that is being changed under it; it answers a conflict at once.
 */
export async function reschedule(deps: ActionDeps, calendar: Calendar, command: RescheduleCommand): Promise<ManageResult> {
  const found = await agentAppointment(deps.repo, calendar, command.appointmentId);
  if (found.status === "cancelled") throw cancelledConflict();
  if (command.time.instant.getTime() <= deps.now().getTime()) throw pastTime();
  const moved = await deps.locks.holdIfFree(found, async ({ row, recovering }) =>
    move(deps, calendar, command, recovering ? await catchUp(deps.repo, calendar, row) : row),
  );
  if (moved === null) {
    throw new AppError(
      "CONFLICT",
      "Your appointment is being changed right now, so I haven't moved it; please ask me again in a moment.",
      { reason: "Another change of this appointment is in progress", appointment_id: found.id },
      { retryAfterSeconds: 1 },
    );
  }
  return moved;
}

async function move(deps: ActionDeps, calendar: Calendar, command: RescheduleCommand, row: AppointmentRow, synced = false): Promise<ManageResult> {
  if (row.status === "cancelled") throw cancelledConflict();
  let booking: CalcomBooking;
  try {
    booking = await calendar.cal.bookings.reschedule(row.calcomBookingUid, {
      start: command.time.instant.toISOString(),
      ...(command.notes ? { reschedulingReason: command.notes } : {}),
    });
  } catch (err) {
    if (err instanceof CalcomSlotUnavailableError) {
      const eventType = await bookableEventType(calendar, row.calcomEventTypeId);
      return slotTaken(deps, calendar, command, eventType, { minutes: row.durationMinutes, rescheduleUid: row.calcomBookingUid });
    }
    // Cal.com refused to move the booking we know: it may have been moved or cancelled there. Catch up, try once more.
    const now = !synced && refusedChange(err) ? await catchUp(deps.repo, calendar, row) : row;
    if (now !== row) return move(deps, calendar, command, now, true);
    throw err;
  }
  const updated = await deps.repo.rescheduled(row.id, { uid: booking.uid, ...timesOf(booking), hostName: hostNameOf(booking) });
  // A team appointment keeps its host when Cal.com allows (the event type's "same host" setting), else may change hands.
  const { withHost, handedOver } = movedHost(row.calcomTeamId, row.hostName, updated.hostName);
  return appointmentAnswer(calendar, command, updated, {
    summary: "Rescheduled",
    message: `Your appointment${withHost} is moved to ${speakDateTime(updated.startTime, command.timezone, deps.now())}${handedOver}.${
      command.time.ambiguous ? " That time happens twice because the clocks change that night; I used the first one." : ""
    }`,
  });
}
