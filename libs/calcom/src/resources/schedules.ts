import { z } from "zod";
import type { Transport } from "../http";
import { CAL_API_VERSIONS } from "../versions";

const version = CAL_API_VERSIONS.schedules;

export const CalcomScheduleSchema = z
  .object({
    id: z.number().int(),
    ownerId: z.number().int().optional(),
    name: z.string(),
    timeZone: z.string(),
    isDefault: z.boolean().optional(),
    availability: z.array(z.object({ days: z.array(z.string()), startTime: z.string(), endTime: z.string() }).passthrough()).default([]),
    overrides: z.array(z.object({ date: z.string(), startTime: z.string(), endTime: z.string() }).passthrough()).default([]),
  })
  .passthrough();
export type CalcomSchedule = z.output<typeof CalcomScheduleSchema>;

export function schedulesResource(request: Transport) {
  return {
    list: () => request({ method: "GET", path: "/v2/schedules", version, schema: z.array(CalcomScheduleSchema) }),
    /** The user's default schedule, or null when they have none. */
    getDefault: () => request({ method: "GET", path: "/v2/schedules/default", version, schema: CalcomScheduleSchema.nullable() }),
  };
}
