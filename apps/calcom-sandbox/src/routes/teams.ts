import { sendSuccess } from "../http";
import type { SandboxStore, StoredEventType } from "../store";
import { isMember, isTeamAdmin, PRIORITIES, type StoredTeam } from "../teams";
import { HttpError, type Route } from "./context";
import { eventTypeOutput } from "./event-types";

// The teams controllers of API v2 (any version): GET /v2/teams (ApiAuthGuard: the caller's teams), and
// apps/api/v2/src/modules/teams/event-types/controllers/teams-event-types.controller.ts
// @ 007f9b2bdfb3b4aea995a96b18ef9ff4732fe40c: the list is public (no guard), one event type needs a team admin
// (Roles("TEAM_ADMIN")), an unknown one is 404 "Event type with id X not found".

export const teamOutput = (t: StoredTeam) => ({ id: t.id, name: t.name, slug: t.slug, isOrganization: false, parentId: null, metadata: {}, weekStart: "Sunday", theme: null, brandColor: null, darkBrandColor: null, hideBranding: false, isPrivate: false, timeZone: "Europe/London" });

/** `TeamEventTypeOutput_2024_06_14` (output-team-event-types.service.ts @ 42dd5c2574ee40947a9d1bcb7becc81392072aa1). */
export function teamEventTypeOutput(et: StoredEventType, store: SandboxStore) {
  const { ownerId: _owner, users: _users, ...rest } = eventTypeOutput(et, store);
  const team = et.teamId === undefined ? undefined : store.teams.get(et.teamId);
  const roundRobin = et.schedulingType === "ROUND_ROBIN";
  return {
    ...rest,
    hosts: (et.hosts ?? []).map((h) => {
      const user = store.userById(h.userId);
      return { userId: h.userId, name: user.name, username: user.username, ...(roundRobin ? { mandatory: h.isFixed, priority: PRIORITIES[h.priority] ?? "medium" } : {}), avatarUrl: null };
    }),
    teamId: et.teamId ?? null,
    ownerId: null,
    parentEventTypeId: null,
    schedulingType: roundRobin ? "roundRobin" : "collective",
    assignAllTeamMembers: false,
    team: { id: et.teamId ?? null, name: team?.name, slug: team?.slug, bannerUrl: null, logoUrl: null, weekStart: "Sunday", brandColor: null, darkBrandColor: null, theme: null },
    rescheduleWithSameRoundRobinHost: !!et.rescheduleWithSameRoundRobinHost,
  };
}

function teamFrom(store: SandboxStore, raw: string): StoredTeam | undefined {
  return store.teams.get(Number(raw));
}

export const teamRoutes: Route[] = [
  {
    method: "GET",
    pattern: /^\/v2\/teams\/?$/,
    auth: "required",
    handle: ({ res, user, store }) => sendSuccess(res, [...store.teams.values()].filter((t) => isMember(t, user.id)).map(teamOutput)),
  },
  {
    method: "GET",
    pattern: /^\/v2\/teams\/(\d+)\/event-types\/?$/,
    auth: "none",
    handle({ res, url, params, store }) {
      const team = teamFrom(store, params[0]);
      const slug = url.searchParams.get("eventSlug");
      const list = [...store.eventTypes.values()].filter((e) => team && e.teamId === team.id && (!slug || e.slug === slug));
      sendSuccess(res, list.map((e) => teamEventTypeOutput(e, store)));
    },
  },
  {
    method: "GET",
    pattern: /^\/v2\/teams\/(\d+)\/event-types\/(\d+)\/?$/,
    auth: "required",
    handle({ res, params, user, store }) {
      const team = teamFrom(store, params[0]);
      if (!team || !isTeamAdmin(team, user.id)) throw new HttpError(403, "Forbidden resource");
      const et = store.eventTypes.get(Number(params[1]));
      if (!et || et.teamId !== team.id) throw new HttpError(404, `Event type with id ${params[1]} not found`);
      sendSuccess(res, teamEventTypeOutput(et, store));
    },
  },
];
