import { z } from "zod";
import { uuid } from "../common/envelope.js";
import { PagingQuerySchema } from "../common/paging.js";

/**
 * `waiting` until a matching time frees up; `offered` once one did (one `waitlist.slot_opened` event, the time kept
 * for this entry alone until `offer_expires_at`); `booked` when the caller booked the offered time through the agent;
 * `expired` when its expiry (or an offer) passed unused; `cancelled` by the API or CLI.
 */
export const WAITLIST_STATUSES = ["waiting", "offered", "booked", "expired", "cancelled"] as const;
export type WaitlistStatus = (typeof WAITLIST_STATUSES)[number];

export const WaitlistEntrySchema = z.object({
  id: z.string(),
  agent_id: z.string(),
  calcom_account_id: z.string(),
  event_type_id: z.number().int(),
  attendee_name: z.string(),
  attendee_email: z.string().nullable(),
  /** E.164. */
  attendee_phone: z.string().nullable(),
  attendee_timezone: z.string(),
  /** The earliest and latest start the caller would take. */
  window_start: z.string(),
  window_end: z.string(),
  /** No time is offered after this. */
  expires_at: z.string(),
  status: z.enum(WAITLIST_STATUSES),
  /** offered: the time that opened. */
  offered_start: z.string().nullable(),
  offered_end: z.string().nullable(),
  /** offered: until when the time is kept for this caller (no other waiting caller is offered it before). */
  offer_expires_at: z.string().nullable(),
  /** offered: the time is also reserved in Cal.com (the tool's `waitlist_hold_minutes`) until offer_expires_at. */
  held_in_calcom: z.boolean(),
  call_session_id: z.string().nullable(),
  created_at: z.string(),
});
export type WaitlistEntry = z.infer<typeof WaitlistEntrySchema>;

export const ListWaitlistQuerySchema = PagingQuerySchema.extend({
  agent_id: uuid("agent_id").optional(),
  status: z.enum(WAITLIST_STATUSES, { errorMap: () => ({ message: `status must be one of ${WAITLIST_STATUSES.join(", ")}` }) }).optional(),
});
export type ListWaitlistQuery = z.input<typeof ListWaitlistQuerySchema>;

/** The `data.waitlist` of a `waitlist.slot_opened` event: who to call or text back, and the time to offer them. */
export const WaitlistOfferSchema = z.object({
  entry_id: z.string(),
  agent_id: z.string(),
  event_type_id: z.number().int(),
  attendee_name: z.string(),
  attendee_email: z.string().nullable(),
  attendee_phone: z.string().nullable(),
  attendee_timezone: z.string(),
  slot_start: z.string(),
  slot_end: z.string(),
  /** The slot's start in the caller's zone, with its offset. */
  local_slot_start: z.string(),
  /** Until then no other waiting caller is offered this time; book it with book_appointment at `slot_start`. */
  offer_expires_at: z.string(),
  /** The time is also reserved in Cal.com until offer_expires_at: only this caller's booking through the agent takes it. */
  held_in_calcom: z.boolean(),
  /** A sentence for the call or text back, in the caller's zone. */
  message: z.string(),
});
export type WaitlistOffer = z.infer<typeof WaitlistOfferSchema>;
