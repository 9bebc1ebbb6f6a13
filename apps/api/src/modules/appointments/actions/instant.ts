import { CalcomApiError, CalcomAuthError, CalcomError, CalcomRateLimitError, type CalcomBooking } from "@agni/calcom";
import type { ManageResult } from "@agni/contracts";
import { AppError } from "../../../errors/app-error";
import { answerBase, localIso } from "../answer";
import { acceptsPhoneOnly, bookingResponses } from "../booking-fields";
import type { Calendar } from "../calendar";
import type { InstantCommand } from "../command";
import { bookableEventType } from "../event-types";
import type { ActionDeps } from "./deps";

// Instant meetings ("connect now", Cal.com's instant bookings for urgent requests), as Cal.com runs them
// (calcom/cal.com apps/api/v2/src/ee/bookings/2024-08-13/services/bookings.service.ts @
// 015b57aa35e8f11ded25dc1cedd7460a58440f72 createInstantBooking, packages/features/instant-meeting/
// handleInstantMeeting.ts @ 008b94bb87bdf05f6f9b39de430cd58e0c133310): `POST /v2/bookings` with `instant: true` makes
// a booking that starts now, awaits a host (status AWAITING_HOST, answered as "awaiting_host") and carries a Cal Video
// link (`location`); the team's members are notified (browser push and the INSTANT_MEETING webhook, whose
// connect-and-join link is the host's, never the caller's) and have `instantMeetingExpiryTimeOffsetInSeconds` (90 by
// default) to accept. Cal.com refuses a non-team event type with a 400 but does not itself check `isInstantEvent` —
// its booking page only offers "connect now" where it is set — so Agni checks it before anything rings.

/** How long Cal.com gives the team to answer by default; a repeat of the same request within it is the same meeting. */
export const INSTANT_RING_SECONDS = 90;

/** What Cal.com says when the event type is not a team one (bookings.service.ts, above). */
const NOT_TEAM = /only supported for team event types/i;

const offerBooking = "I can book you the next available time instead.";

function notInstant(eventTypeId: number, calcom?: CalcomApiError): AppError {
  return new AppError("INVALID_REQUEST", `This kind of appointment can't be started right away; ${offerBooking}`, {
    reason: `Event type ${eventTypeId} is not set up for instant meetings in Cal.com (isInstantEvent is off, or it is not a team event type)`,
    event_type_id: eventTypeId,
    ...(calcom ? { calcom_status: calcom.status, calcom_message: calcom.message } : {}),
  });
}

/**
 * A Cal.com failure while starting the meeting, as a sentence; a rejected key and a spent budget keep their own
 * handling (the service marks the account; the caller waits).
 */
function instantFailure(err: unknown, eventTypeId: number): unknown {
  if (!(err instanceof CalcomError) || err instanceof CalcomAuthError || err instanceof CalcomRateLimitError) return err;
  if (err instanceof CalcomApiError && err.status < 500) {
    if (NOT_TEAM.test(err.message)) return notInstant(eventTypeId, err);
    return new AppError("INVALID_REQUEST", `I couldn't start a meeting with the team just now; ${offerBooking}`, { calcom_status: err.status, calcom_message: err.message });
  }
  // Unreachable, or an answer lost on the way: it may have rung the team, so it is not repeated here.
  return new AppError("BAD_GATEWAY", `I couldn't reach the team's calendar just now; please try again in a moment, or ${offerBooking}`);
}

/** The caller's way into the meeting: Cal.com's video link (`location`, or the deprecated `meetingUrl`). */
function meetingLink(booking: CalcomBooking): string | undefined {
  const candidates = [booking.location, booking.meetingUrl];
  return candidates.find((v): v is string => typeof v === "string" && /^https?:\/\//i.test(v));
}

/** `instant`: a meeting now with whoever on the team answers, on an event type set up for instant meetings. */
export async function instant(deps: ActionDeps, calendar: Calendar, command: InstantCommand): Promise<ManageResult> {
  const { attendee, timezone } = command;
  const eventType = await bookableEventType(calendar, command.eventTypeId);
  if (eventType.isInstantEvent !== true) throw notInstant(eventType.id);
  if (!attendee.email && !acceptsPhoneOnly(eventType)) {
    throw new AppError("INVALID_REQUEST", "I need an email address to start the meeting.", { missing_field: "email" });
  }
  const responses = bookingResponses(eventType, command.responses);
  const now = deps.now();
  let booking: CalcomBooking;
  try {
    booking = await calendar.cal.bookings.createInstant({
      instant: true,
      start: now.toISOString(),
      eventTypeId: eventType.id,
      attendee: { name: attendee.name, timeZone: timezone, ...(attendee.email ? { email: attendee.email } : {}), ...(attendee.phone ? { phoneNumber: attendee.phone } : {}) },
      ...(Object.keys(responses).length || command.notes ? { bookingFieldsResponses: { ...responses, ...(command.notes ? { notes: command.notes } : {}) } } : {}),
      metadata: { agni_agent_id: calendar.agent.id, ...(command.callSessionId ? { call_session_id: command.callSessionId } : {}) },
    });
  } catch (err) {
    throw instantFailure(err, eventType.id);
  }
  const url = meetingLink(booking);
  const start = new Date(Date.parse(booking.start) || now.getTime());
  return {
    ...answerBase(calendar, command),
    success: true,
    summary: "Instant meeting started",
    message: url
      ? "I've started a video meeting for you now, and a team member is being rung to join you. Here is the meeting link; open it to join, and someone should be with you shortly."
      : "I've asked the team to join you right away: a team member is being rung now and will be with you shortly.",
    action_required: url ? "join_meeting" : "awaiting_host",
    // An instant meeting is not an appointment on the calendar: it awaits whoever answers, and Agni does not keep it.
    appointment_id: null,
    date_time: start.toISOString(),
    local_date_time: localIso(start, timezone),
    ...(url ? { meeting_url: url } : {}),
  };
}

/** A stored answer to `instant` is the same meeting only while the team is still being rung. */
export function instantStillRinging(said: ManageResult, now: Date): boolean {
  return said.date_time !== null && now.getTime() < Date.parse(said.date_time) + INSTANT_RING_SECONDS * 1000;
}
