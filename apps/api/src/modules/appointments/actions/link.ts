import type { ManageResult } from "@agni/contracts";
import { answerBase, localIso } from "../answer";
import { bookingPageUrl, reschedulePageUrl } from "../booking-link";
import type { Calendar } from "../calendar";
import type { BookCommand, LinkCommand, RescheduleCommand } from "../command";
import { bookableEventType } from "../event-types";
import { speakDateTime } from "../speech";
import { agentAppointment, pastTime } from "./catch-up";
import type { ActionDeps } from "./deps";
import { cancelledConflict } from "./reschedule";

/** The answer offering a page where the caller confirms the appointment themself; nothing is booked or moved. */
function linkAnswer(calendar: Calendar, command: LinkCommand | BookCommand | RescheduleCommand, url: string, message: string, start?: Date): ManageResult {
  return {
    ...answerBase(calendar, command),
    success: true,
    summary: "Booking link",
    message,
    action_required: "caller_confirms_via_link",
    appointment_id: null,
    date_time: start ? start.toISOString() : null,
    local_date_time: start ? localIso(start, command.timezone) : null,
    booking_url: url,
  };
}

/**
 * The event type's booking page with the caller's name, email and chosen time filled in (the `link` action, and
 * `book` on a links-only tool): the caller books it themself. The time is not held; the page shows whether it is
 * still free.
 */
export async function link(deps: ActionDeps, calendar: Calendar, command: LinkCommand | BookCommand): Promise<ManageResult> {
  const start = command.time?.instant;
  if (start && start.getTime() <= deps.now().getTime()) throw pastTime();
  const eventType = await bookableEventType(calendar, command.eventTypeId);
  const url = bookingPageUrl(calendar, eventType, command.timezone, {
    name: command.attendee.name,
    email: command.attendee.email,
    start,
    durationMinutes: command.durationMinutes,
    // `notes` is the name of Cal.com's default "Additional notes" question.
    responses: { ...command.responses, ...(command.notes ? { notes: command.notes } : {}) },
  });
  const when = start ? ` for ${speakDateTime(start, command.timezone, deps.now())}` : "";
  const instead = command.action === "book" ? "I can't book it for you myself, but here" : "Here";
  return linkAnswer(calendar, command, url, `${instead} is a booking link${when} with your details filled in; open it to confirm the appointment yourself.`, start);
}

/** `reschedule` on a links-only tool: Cal.com's page where the caller picks the new time themself. */
export async function rescheduleLink(deps: ActionDeps, calendar: Calendar, command: RescheduleCommand): Promise<ManageResult> {
  const row = await agentAppointment(deps.repo, calendar, command.appointmentId);
  if (row.status === "cancelled") throw cancelledConflict();
  return linkAnswer(
    calendar,
    command,
    reschedulePageUrl(calendar, row.calcomBookingUid),
    "I can't move it for you myself, but here is a link to your appointment's reschedule page; open it to choose the new time yourself.",
  );
}
