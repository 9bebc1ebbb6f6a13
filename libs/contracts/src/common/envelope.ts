import { z } from "zod";
import { ERROR_CODES } from "./errors.js";

/** `{"success": false, "message", "code", "details"?}` — the body of every error response. */
export const ErrorEnvelopeSchema = z.object({
  success: z.literal(false),
  message: z.string(),
  code: z.enum(ERROR_CODES),
  details: z.unknown().optional(),
  request_id: z.string().optional(),
});
export type ErrorEnvelope = z.infer<typeof ErrorEnvelopeSchema>;

/** `{"success": true, "message", "data"}` around a payload schema. */
export function successEnvelope<T extends z.ZodTypeAny>(data: T) {
  return z.object({ success: z.literal(true), message: z.string(), data });
}

/** Paging metadata; `total` is a string, as the Agni docs serialise it. */
export const PageMetaSchema = z.object({
  total: z.string(),
  limit: z.number().int(),
  offset: z.number().int(),
});
export type PageMeta = z.infer<typeof PageMetaSchema>;

/** A success envelope carrying a page of items and `meta`. */
export function listEnvelope<T extends z.ZodTypeAny>(item: T) {
  return z.object({ success: z.literal(true), message: z.string(), data: z.array(item), meta: PageMetaSchema });
}

/** The `org_id` fallback accepted by every authenticated route (used only when the JWT has no `org_id`). */
export const OrgQuerySchema = z.object({ org_id: z.string().min(1).max(255).optional() });

export const uuid = (name: string) => z.string().uuid({ message: `${name} must be a UUID` });

// Building an Intl.DateTimeFormat costs far more than the rest of a request's validation, and callers use few zones:
// answers are remembered (a bounded number, so random input cannot grow it).
const zoneAnswers = new Map<string, boolean>();
function isTimeZone(tz: string): boolean {
  let known = zoneAnswers.get(tz);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: tz });
      known = true;
    } catch {
      known = false;
    }
    if (zoneAnswers.size < 1_000) zoneAnswers.set(tz, known);
  }
  return known;
}

/** An IANA time zone name that this runtime knows. */
export const TimeZoneSchema = z.string().refine(isTimeZone, "must be an IANA time zone such as Europe/Berlin");

/** A Cal.com numeric id (event type, user) as a caller sends it: a positive 32-bit integer. */
export const calcomIdInput = (field: string) =>
  z.number().int(`${field} must be an integer`).positive(`${field} must be positive`).max(2_147_483_647, `${field} is too large`);
