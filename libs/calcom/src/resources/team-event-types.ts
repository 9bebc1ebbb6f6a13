import { z } from "zod";
import type { Transport } from "../http";
import { CAL_API_VERSIONS } from "../versions";
import { CalcomEventTypeSchema, type CalcomEventType } from "./event-types";

/** The team fields the product relies on (`GET /v2/teams`: the caller's teams). */
export const CalcomTeamSchema = z.object({ id: z.number().int(), name: z.string(), slug: z.string().nullable().optional() }).passthrough();
export type CalcomTeam = z.output<typeof CalcomTeamSchema>;

/**
 * Team event types (`TeamEventTypeOutput_2024_06_14`: the event-type fields plus `teamId`, `schedulingType`, `hosts`).
 * `GET /v2/event-types/{id}` answers only the caller's own event types, so a team's is found through the caller's
 * teams and each team's public list (`GET /v2/teams/{teamId}/event-types`; one event type by id needs a team admin).
 */
export function teamEventTypesResource(request: Transport) {
  const teams = () => request({ method: "GET", path: "/v2/teams", version: CAL_API_VERSIONS.unversioned, schema: z.array(CalcomTeamSchema) });
  const list = (teamId: number) =>
    request({ method: "GET", path: `/v2/teams/${teamId}/event-types`, version: CAL_API_VERSIONS.eventTypes, schema: z.array(CalcomEventTypeSchema) });
  return {
    teams,
    list,
    /** The event type `id` of one of the caller's teams, or undefined when none of them has it. */
    async find(id: number): Promise<CalcomEventType | undefined> {
      for (const team of await teams()) {
        const found = (await list(team.id)).find((e) => e.id === id);
        if (found) return found;
      }
      return undefined;
    },
  };
}
