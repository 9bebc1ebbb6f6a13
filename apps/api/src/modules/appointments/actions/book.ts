import { CalcomSlotUnavailableError, type CalcomBooking } from "@agni/calcom";
import type { ManageResult } from "@agni/contracts";
import { AppError } from "../../../errors/app-error";
import { appointmentAnswer } from "../answer";
import { hostNameOf, timesOf } from "../appointment-view";
import { acceptsPhoneOnly, bookingLength, bookingResponses } from "../booking-fields";
import type { Calendar } from "../calendar";
import type { BookCommand } from "../command";
import { bookableEventType } from "../event-types";
import type { Attempt } from "../idempotency";
import { speakDateTime } from "../speech";
import { withHosts } from "../team-speech";
import { pastTime } from "./catch-up";
import type { ActionDeps } from "./deps";
import { slotTaken } from "./slot-taken";
import { storedEmail, storedPhone } from "../../../lib/contact";

/**
 * How booking works: the time must be ahead; the event type (requested, configured, or the account's only one) must
 * get its required answers and a length it offers; then Cal.com books it — or, when an earlier attempt of this
 * request died half-way (`attempt.recovering`), first finds the booking that attempt made. A taken time is a 422 with
 * the nearest free times; a booking the caller already has through someone else is theirs, not this agent's to hand
 * out. The booking is recorded once (with its `appointment.booked` event, see the repository) and spoken back.
 */
export async function book(deps: ActionDeps, calendar: Calendar, command: BookCommand, attempt: Attempt): Promise<ManageResult> {
  const { instant, ambiguous } = command.time;
  const { attendee, timezone } = command;
  if (instant.getTime() <= deps.now().getTime()) throw pastTime();
  const eventType = await bookableEventType(calendar, command.eventTypeId);
  if (!attendee.email && !acceptsPhoneOnly(eventType)) {
    throw new AppError("INVALID_REQUEST", "I need an email address to book this appointment.", { missing_field: "email" });
  }
  const responses = bookingResponses(eventType, command.responses);
  const lengthInMinutes = bookingLength(eventType, command.durationMinutes);
  const minutes = command.durationMinutes ?? eventType.lengthInMinutes;
  // The time offered to this caller off the waitlist: their booking consumes its Cal.com reservation (if held).
  const offer = await deps.waitlist.offerTo(calendar.accountId, eventType.id, instant, { phone: storedPhone(attendee.phone), email: storedEmail(attendee.email) }, deps.now());
  let made: { booking: CalcomBooking; found: boolean };
  try {
    made = await calendar.cal.bookings.createOrFind(
      {
        start: instant.toISOString(),
        eventTypeId: eventType.id,
        attendee: { name: attendee.name, timeZone: timezone, ...(attendee.email ? { email: attendee.email } : {}), ...(attendee.phone ? { phoneNumber: attendee.phone } : {}) },
        ...(lengthInMinutes ? { lengthInMinutes } : {}),
        ...(Object.keys(responses).length || command.notes ? { bookingFieldsResponses: { ...responses, ...(command.notes ? { notes: command.notes } : {}) } } : {}),
        metadata: { agni_agent_id: calendar.agent.id, ...(command.callSessionId ? { call_session_id: command.callSessionId } : {}) },
        ...(offer?.holdUid ? { reservedSlotUid: offer.holdUid } : {}),
      },
      { lookupFirst: attempt.recovering },
    );
  } catch (err) {
    if (err instanceof CalcomSlotUnavailableError) return slotTaken(deps, calendar, command, eventType, { minutes });
    throw err;
  }
  const { booking } = made;
  // A booking Cal.com already had for this caller at this time is ours only if this agent made it (an earlier attempt
  // whose answer was lost, or this agent in another call); one another agent on the same account (or anyone outside
  // Agni) made is the caller's, but not this agent's to hand out, change or cancel.
  if (made.found && booking.metadata?.agni_agent_id !== calendar.agent.id) {
    return slotTaken(deps, calendar, command, eventType, { minutes, heldForCaller: true });
  }
  const { start, end, durationMinutes } = timesOf(booking);
  const { organizationId, id: agentId } = calendar.agent;
  // The booking may be one an earlier attempt made (a dead owner's, or one whose answer was lost and which now holds
  // the slot); that attempt, or a concurrent call of this agent that found the same booking, may have recorded it.
  const row =
    (await deps.repo.find(organizationId, booking.uid, agentId)) ??
    (await deps.repo.createOnce({
      organizationId,
      agentId,
      calcomAccountId: calendar.accountId,
      calcomEventTypeId: eventType.id,
      calcomBookingUid: booking.uid,
      attendeeName: attendee.name,
      attendeeEmail: storedEmail(attendee.email),
      attendeePhone: storedPhone(attendee.phone),
      attendeeTimezone: timezone,
      startTime: start,
      endTime: end,
      durationMinutes,
      hostName: hostNameOf(booking),
      calcomTeamId: eventType.teamId ?? null,
      status: booking.status === "pending" ? "pending" : "accepted",
      callSessionId: command.callSessionId ?? null,
      notes: command.notes ?? null,
    }));
  if (offer) await deps.waitlist.booked(offer.id, deps.now());
  const pending = booking.status === "pending";
  const when = speakDateTime(start, timezone, deps.now());
  // A team event type: who got it ("You're booked with Dana for …"), as Cal.com assigned it.
  const hosts = withHosts(eventType, row.hostName ?? hostNameOf(booking));
  const twice = ambiguous ? ` That time happens twice because the clocks change that night; I ${pending ? "asked for" : "booked"} the first one.` : "";
  return appointmentAnswer(calendar, command, row, {
    summary: pending ? "Booking requested" : "Appointment confirmed",
    // An event type that requires confirmation: nothing is booked until the host accepts (Cal.com emails the attendee).
    message: pending
      ? `I've sent your request for ${when}${hosts} to the host; you'll get an email once they confirm it.${twice}`
      : `You're booked${hosts} for ${when}.${twice}`,
    action_required: pending ? "awaiting_host_confirmation" : undefined,
  });
}
