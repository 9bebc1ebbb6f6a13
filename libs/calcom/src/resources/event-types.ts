import { z } from "zod";
import type { Transport } from "../http";
import { CAL_API_VERSIONS } from "../versions";

const version = CAL_API_VERSIONS.eventTypes;

/** One entry of `bookingFields` (a union on `type` in the document); `slug` is its key in `bookingFieldsResponses`. */
export const CalcomBookingFieldSchema = z
  .object({
    type: z.string(),
    slug: z.string().optional(),
    label: z.string().optional(),
    required: z.boolean().optional(),
    hidden: z.boolean().optional(),
    isDefault: z.boolean().optional(),
    options: z.array(z.union([z.string(), z.object({ value: z.string() }).passthrough()])).optional(),
  })
  .passthrough();
export type CalcomBookingField = z.output<typeof CalcomBookingFieldSchema>;

/** The event-type fields the product relies on (`EventTypeOutput_2024_06_14`). */
export const CalcomEventTypeSchema = z
  .object({
    id: z.number().int(),
    title: z.string(),
    slug: z.string(),
    lengthInMinutes: z.number().int(),
    lengthInMinutesOptions: z.array(z.number().int()).optional(),
    description: z.string().nullable().optional(),
    hidden: z.boolean().optional(),
    ownerId: z.number().int().nullable().optional(),
    /** The schedule its hours come from; null means the owner's default schedule. */
    scheduleId: z.number().int().nullable().optional(),
    slotInterval: z.number().int().nullable().optional(),
    minimumBookingNotice: z.number().int().nullable().optional(),
    bookingFields: z.array(CalcomBookingFieldSchema).default([]),
    /** Set up for instant meetings ("connect now"): in Cal.com only a team event type can be. */
    isInstantEvent: z.boolean().optional(),
    /** The usernames of its hosts; the booking page of a personal event type is `/<username>/<slug>`. */
    users: z.array(z.string()).optional(),
  })
  .passthrough();
export type CalcomEventType = z.output<typeof CalcomEventTypeSchema>;

export interface ListEventTypesQuery {
  username?: string;
  eventSlug?: string;
  usernames?: string[];
  orgSlug?: string;
  orgId?: number;
}

export function eventTypesResource(request: Transport) {
  return {
    list: (query: ListEventTypesQuery = {}) => request({ method: "GET", path: "/v2/event-types", version, query: { ...query }, schema: z.array(CalcomEventTypeSchema) }),
    get: (id: number) => request({ method: "GET", path: `/v2/event-types/${id}`, version, schema: CalcomEventTypeSchema }),
  };
}
