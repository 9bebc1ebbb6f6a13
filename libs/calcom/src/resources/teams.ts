import { z } from "zod";
import type { Transport } from "../http";
import { CAL_API_VERSIONS } from "../versions";
import { CalcomEventTypeSchema } from "./event-types";

// Teams and their event types (calcom/cal.com apps/api/v2/src/modules/teams/event-types/controllers/
// teams-event-types.controller.ts @ 007f9b2bdfb3b4aea995a96b18ef9ff4732fe40c; output-team-event-types.service.ts
// @ 42dd5c2574ee40947a9d1bcb7becc81392072aa1). A team's event type is not the key owner's own: GET /v2/event-types/{id}
// does not find it; the team's list (public) does.

export const CalcomTeamSchema = z.object({ id: z.number().int(), name: z.string(), slug: z.string().nullable().optional() }).passthrough();
export type CalcomTeam = z.output<typeof CalcomTeamSchema>;

/** One host of a team event type; `mandatory` and `priority` only for round-robin. */
export const CalcomTeamHostSchema = z
  .object({
    userId: z.number().int(),
    name: z.string().nullable().optional(),
    username: z.string().nullable().optional(),
    mandatory: z.boolean().optional(),
    priority: z.string().optional(),
  })
  .passthrough();
export type CalcomTeamHost = z.output<typeof CalcomTeamHostSchema>;

/** `TeamEventTypeOutput_2024_06_14`: an event type plus its team, scheduling type and hosts. */
export const CalcomTeamEventTypeSchema = CalcomEventTypeSchema.extend({
  teamId: z.number().int().nullable().optional(),
  /** "roundRobin" (any one host), "collective" (every host), "managed" (a copy per member). */
  schedulingType: z.string().nullable().optional(),
  hosts: z.array(CalcomTeamHostSchema).default([]),
  rescheduleWithSameRoundRobinHost: z.boolean().optional(),
}).passthrough();
export type CalcomTeamEventType = z.output<typeof CalcomTeamEventTypeSchema>;

const version = CAL_API_VERSIONS.eventTypes;

export function teamsResource(request: Transport) {
  return {
    /** The teams the key's owner belongs to. */
    list: () => request({ method: "GET", path: "/v2/teams", version: CAL_API_VERSIONS.unversioned, schema: z.array(CalcomTeamSchema) }),
    /** A team's event types (any member, or anyone: the list is public). */
    eventTypes: (teamId: number) => request({ method: "GET", path: `/v2/teams/${teamId}/event-types`, version, schema: z.array(CalcomTeamEventTypeSchema) }),
  };
}
