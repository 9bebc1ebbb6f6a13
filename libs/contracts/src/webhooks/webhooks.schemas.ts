import { z } from "zod";
import { AppointmentSchema } from "../appointments/appointments.schemas.js";
import { PagingQuerySchema } from "../common/paging.js";
import { WaitlistOfferSchema } from "../waitlist/waitlist.schemas.js";

/** What can happen to an appointment, as events out name it. */
export const APPOINTMENT_EVENT_TYPES = [
  "appointment.booked",
  "appointment.rescheduled",
  "appointment.cancelled",
  "appointment.requested",
  "appointment.confirmed",
  "appointment.declined",
  "appointment.no_show",
] as const;
/** Every event type: the appointment's, and the waitlist's offer of a freed time. */
export const EVENT_TYPES = [...APPOINTMENT_EVENT_TYPES, "waitlist.slot_opened"] as const;
export type AgniEventType = (typeof EVENT_TYPES)[number];

/** The version of the event payload (`api_version`); fields are only ever added within one version. */
export const EVENTS_API_VERSION = "2026-12-01";

/** Webhook signing secrets start with this; the secret is shown once, when the subscription is created. */
export const WEBHOOK_SECRET_PREFIX = "whsec_";

export const WebhookSubscriptionSchema = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.enum(EVENT_TYPES)),
  description: z.string().nullable(),
  created_at: z.string(),
});
export type WebhookSubscription = z.infer<typeof WebhookSubscriptionSchema>;

/** Returned once, at creation: `secret` signs every delivery and cannot be read again. */
export const CreatedWebhookSubscriptionSchema = WebhookSubscriptionSchema.extend({ secret: z.string() });

export const CreateWebhookSubscriptionBodySchema = z
  .object({
    url: z.string().trim().url("url must be an absolute URL such as https://crm.example.com/agni").max(2048, "url must be at most 2048 characters"),
    events: z
      .array(z.enum(EVENT_TYPES, { errorMap: () => ({ message: `each event must be one of ${EVENT_TYPES.join(", ")}` }) }))
      .min(1, "events must name at least one event type")
      .max(EVENT_TYPES.length * 2)
      .transform((events) => [...new Set(events)]),
    description: z.string().trim().max(500, "description must be at most 500 characters").optional(),
  })
  .strict();
export type CreateWebhookSubscriptionBody = z.input<typeof CreateWebhookSubscriptionBodySchema>;

export const WEBHOOK_DELIVERY_STATUSES = ["pending", "succeeded", "failed"] as const;

export const WebhookDeliveryAttemptSchema = z.object({
  at: z.string(),
  /** The endpoint's HTTP status; null when no answer came (timeout, refused, reset). */
  status_code: z.number().int().nullable(),
  /** What went wrong, in our words; null for a 2xx. */
  error: z.string().nullable(),
  duration_ms: z.number().int(),
});

export const WebhookDeliverySchema = z.object({
  id: z.string(),
  subscription_id: z.string(),
  event_id: z.string(),
  event_type: z.enum(EVENT_TYPES),
  status: z.enum(WEBHOOK_DELIVERY_STATUSES),
  attempt_count: z.number().int(),
  created_at: z.string(),
  next_attempt_at: z.string().nullable(),
  last_attempt_at: z.string().nullable(),
  last_status_code: z.number().int().nullable(),
  last_error: z.string().nullable(),
  /** Every try, oldest first. */
  attempts: z.array(WebhookDeliveryAttemptSchema),
});
export type WebhookDelivery = z.infer<typeof WebhookDeliverySchema>;

export const ListWebhookDeliveriesQuerySchema = PagingQuerySchema.extend({ status: z.enum(WEBHOOK_DELIVERY_STATUSES).optional() });

/** The times an appointment had before a reschedule. */
export const PreviousTimesSchema = z.object({ start_time: z.string(), end_time: z.string(), calcom_booking_uid: z.string() });

/**
 * The JSON body of every delivery. `id` is the event's: a delivery may arrive more than once (at least once), so
 * receivers dedupe on it. Verify the `Agni-Signature` header over the raw body before parsing (`verifyAgniSignature`
 * in @agni/client).
 */
const eventEnvelope = {
  id: z.string(),
  api_version: z.string(),
  created_at: z.string(),
  organization_id: z.string(),
};
/** `appointment.*`: the appointment as the API shows it, and `previous` times for a reschedule. */
export const AppointmentEventSchema = z.object({
  ...eventEnvelope,
  type: z.enum(APPOINTMENT_EVENT_TYPES),
  data: z.object({ appointment: AppointmentSchema, previous: PreviousTimesSchema.optional() }),
});
/** `waitlist.slot_opened`: the offer to the waiting caller, with what to tell them. */
export const WaitlistEventSchema = z.object({ ...eventEnvelope, type: z.literal("waitlist.slot_opened"), data: z.object({ waitlist: WaitlistOfferSchema }) });

/** Narrowed by `type`: an appointment event always carries `data.appointment`, the waitlist's `data.waitlist`. */
export const AgniEventSchema = z.discriminatedUnion("type", [AppointmentEventSchema, WaitlistEventSchema]);
export type AgniEvent = z.infer<typeof AgniEventSchema>;
