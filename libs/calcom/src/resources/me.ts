import { z } from "zod";
import type { Transport } from "../http";
import { CAL_API_VERSIONS } from "../versions";

/** The fields of `GET /v2/me` the product relies on; Cal.com adds more over time and those pass through untouched. */
export const CalcomMeSchema = z
  .object({
    id: z.number().int(),
    username: z.string().nullable().optional().transform((v) => v ?? null),
    email: z.string().nullable().optional().transform((v) => v ?? null),
    name: z.string().nullable().optional().transform((v) => v ?? null),
    timeZone: z.string().nullable().optional().transform((v) => v ?? null),
    defaultScheduleId: z.number().int().nullable().optional().transform((v) => v ?? null),
    organizationId: z.number().int().nullable().optional().transform((v) => v ?? null),
  })
  .passthrough();

export type CalcomMe = z.output<typeof CalcomMeSchema>;

export function meResource(request: Transport) {
  return {
    /** The user the API key belongs to (also the cheapest way to check that a key works). */
    get: () => request({ method: "GET", path: "/v2/me", version: CAL_API_VERSIONS.unversioned, schema: CalcomMeSchema }),
  };
}
