import type { WaitlistEntry } from "@agni/contracts";
import type { WaitlistRow } from "./waitlist.repository";

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** An entry as the API shows it; a waiting entry past its expiry reads as expired (see WaitlistRepository). */
export function toWaitlistEntry(row: WaitlistRow, now: Date): WaitlistEntry {
  return {
    id: row.id,
    agent_id: row.agentId,
    calcom_account_id: row.calcomAccountId,
    event_type_id: row.eventTypeId,
    attendee_name: row.attendeeName,
    attendee_email: row.attendeeEmail,
    attendee_phone: row.attendeePhone,
    attendee_timezone: row.attendeeTimezone,
    window_start: row.windowStart.toISOString(),
    window_end: row.windowEnd.toISOString(),
    expires_at: row.expiresAt.toISOString(),
    status: row.status === "waiting" && row.expiresAt <= now ? "expired" : row.status,
    offered_start: iso(row.offeredStart),
    offered_end: iso(row.offeredEnd),
    offer_expires_at: iso(row.offerExpiresAt),
    held_in_calcom: row.holdUid !== null,
    call_session_id: row.callSessionId,
    created_at: row.createdAt.toISOString(),
  };
}
