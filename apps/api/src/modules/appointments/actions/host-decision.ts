import { CalcomValidationError } from "@agni/calcom";
import type { ManageResult } from "@agni/contracts";
import { AppError, notFound } from "../../../errors/app-error";
import { appointmentAnswer } from "../answer";
import type { AppointmentRow } from "../appointments.repository";
import type { Calendar } from "../calendar";
import type { DecisionCommand } from "../command";
import { appointmentState } from "../speech-state";
import type { ActionDeps } from "./deps";

/**
 * An appointment on the agent's calendar: one it made, or any of its account's (made on Cal.com's page) — a host-side
 * agent decides on every request its host gets.
 */
async function calendarAppointment(deps: ActionDeps, calendar: Calendar, idOrUid: string): Promise<AppointmentRow> {
  const row = await deps.repo.find(calendar.agent.organizationId, idOrUid);
  if (!row || (row.agentId !== calendar.agent.id && row.calcomAccountId !== calendar.accountId)) throw notFound("Appointment");
  return row;
}

/** A decision on an appointment that no longer awaits one: 409 with what is true now. */
async function notPending(deps: ActionDeps, command: DecisionCommand, row: AppointmentRow): Promise<AppError> {
  const state = appointmentState(row, await deps.repo.declined(row.organizationId, row.id), command.timezone, deps.now());
  return new AppError("CONFLICT", `That booking isn't waiting for the host's confirmation: ${state.message}`, { status: state.status });
}

/**
 * `confirm` / `decline` (host-side agents): the host's decision on a booking awaiting confirmation, through Cal.com's
 * `POST /v2/bookings/{uid}/confirm|decline`, recorded with its event (once, even when Cal.com's webhook for the
 * same decision is applied by the mirror too).
 */
export async function decide(deps: ActionDeps, calendar: Calendar, command: DecisionCommand): Promise<ManageResult> {
  const found = await calendarAppointment(deps, calendar, command.appointmentId);
  if (found.status !== "pending") throw await notPending(deps, command, found);
  return deps.locks.hold(found, async ({ row }) => {
    if (row.status !== "pending") throw await notPending(deps, command, row);
    try {
      if (command.action === "confirm") await calendar.cal.bookings.confirm(row.calcomBookingUid);
      else await calendar.cal.bookings.decline(row.calcomBookingUid, command.notes ? { reason: command.notes } : {});
    } catch (err) {
      // Cal.com says it is no longer pending (decided in its web app, webhook not applied yet): say what it is now.
      if (err instanceof CalcomValidationError) {
        const booking = await calendar.cal.bookings.get(row.calcomBookingUid);
        if (booking.status === "accepted") await deps.repo.decided(row.id, "confirm", null);
        if (booking.status === "rejected") await deps.repo.decided(row.id, "decline", booking.cancellationReason ?? null);
        const now = await deps.repo.find(row.organizationId, row.id);
        if (now && now.status !== "pending") throw await notPending(deps, command, now);
      }
      throw err;
    }
    const decided = await deps.repo.decided(row.id, command.action, command.action === "decline" ? (command.notes ?? null) : null);
    const state = appointmentState(decided, command.action === "decline", command.timezone, deps.now());
    return appointmentAnswer(calendar, command, decided, {
      summary: command.action === "confirm" ? "Appointment confirmed by the host" : "Booking request declined",
      message: command.action === "confirm" ? `Confirmed: ${state.message}` : `Declined: ${state.message}`,
    });
  });
}
