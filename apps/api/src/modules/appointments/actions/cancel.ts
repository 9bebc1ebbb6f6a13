import type { ManageResult } from "@agni/contracts";
import { appointmentAnswer } from "../answer";
import type { AppointmentRow } from "../appointments.repository";
import type { Calendar } from "../calendar";
import type { CancelCommand } from "../command";
import { speakDateTime } from "../speech";
import { agentAppointment, catchUp, refusedChange } from "./catch-up";
import type { ActionDeps } from "./deps";

/**
 * Cancels an appointment. Concurrent cancels (and a cancel during a reschedule) wait for the change in progress:
 * the caller wants it gone whatever that change did, and then hears that it is cancelled.
 */
export async function cancel(deps: ActionDeps, calendar: Calendar, command: CancelCommand): Promise<ManageResult> {
  const found = await agentAppointment(deps.repo, calendar, command.appointmentId);
  if (found.status === "cancelled") return cancelled(deps, calendar, command, found, false);
  return deps.locks.hold(found, async ({ row, recovering }) => cancelHeld(deps, calendar, command, recovering ? await catchUp(deps.repo, calendar, row) : row));
}

async function cancelHeld(deps: ActionDeps, calendar: Calendar, command: CancelCommand, row: AppointmentRow, synced = false): Promise<ManageResult> {
  if (row.status === "cancelled") return cancelled(deps, calendar, command, row, false);
  try {
    await calendar.cal.bookings.cancel(row.calcomBookingUid, { cancellationReason: command.notes ?? "Cancelled by the caller" });
  } catch (err) {
    const now = !synced && refusedChange(err) ? await catchUp(deps.repo, calendar, row) : row;
    if (now !== row) return cancelHeld(deps, calendar, command, now, true);
    throw err;
  }
  return cancelled(deps, calendar, command, await deps.repo.cancelled(row.id, command.notes ?? null), true);
}

async function cancelled(deps: ActionDeps, calendar: Calendar, command: CancelCommand, row: AppointmentRow, justNow: boolean): Promise<ManageResult> {
  const when = speakDateTime(row.startTime, command.timezone, deps.now());
  // A request the host declined is gone already; the caller hears that, not that they cancelled it.
  if (!justNow && (await deps.repo.declined(row.organizationId, row.id))) {
    return appointmentAnswer(calendar, command, row, { summary: "Declined", message: `Your request for ${when} was already declined by the host, so there is nothing to cancel.` });
  }
  return appointmentAnswer(calendar, command, row, { summary: "Cancelled", message: `Your appointment for ${when} ${justNow ? "is" : "was already"} cancelled.` });
}
