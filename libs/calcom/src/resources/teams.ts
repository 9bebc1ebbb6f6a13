import { z } from "zod";
import type { Transport } from "../http";
import { CAL_API_VERSIONS } from "../versions";
import { CalcomEventTypeSchema } from "./event-types";
import { CalcomWebhookSchema, type WebhookInput } from "./webhooks";

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
    /**
     * Webhooks of one team event type (teams-event-types-webhooks.controller.ts @ 01da14b2362dda8745d7eab118877de48ee5f411):
     * creating, changing and deleting one needs a team admin or owner (IsTeamEventTypeWebhookGuard), reading a member.
     */
    eventTypeWebhooks: (teamId: number, eventTypeId: number) => {
      const base = `/v2/teams/${teamId}/event-types/${eventTypeId}/webhooks`;
      const hooks = CAL_API_VERSIONS.unversioned;
      return {
        create: (input: WebhookInput) => request({ method: "POST", path: base, version: hooks, body: input, schema: CalcomWebhookSchema }),
        list: () => request({ method: "GET", path: base, version: hooks, query: { take: 250 }, schema: z.array(CalcomWebhookSchema) }),
        get: (id: number) => request({ method: "GET", path: `${base}/${id}`, version: hooks, schema: CalcomWebhookSchema }),
        update: (id: number, input: Partial<WebhookInput>) => request({ method: "PATCH", path: `${base}/${id}`, version: hooks, body: input, schema: CalcomWebhookSchema, retry: true }),
        delete: (id: number) => request({ method: "DELETE", path: `${base}/${id}`, version: hooks, schema: z.unknown(), retry: true }),
      };
    },
  };
}
