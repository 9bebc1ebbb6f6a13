import type { TestApi } from "./test-api";

/**
 * A team of two on the sandbox (the owner, whose key the agent connects with, and a member who hosts) with a
 * round-robin event type, set up for instant meetings or not (`isInstantEvent`).
 */
export function instantTeamEventType(api: TestApi, options: { instant: boolean }) {
  const owner = api.calcomUser("UTC");
  const member = api.calcomUser("UTC");
  const team = api.sandbox.addTeam({ name: `Support ${owner.id}`, members: [{ userId: owner.id }, { userId: member.id }] });
  const et = api.sandbox.addTeamEventType(team.id, {
    title: "Urgent help",
    slug: `urgent-${team.id}`,
    lengthInMinutes: 30,
    schedulingType: "roundRobin",
    hosts: [{ userId: member.id }],
    isInstantEvent: options.instant,
  });
  return { apiKey: owner.apiKey, ownerId: owner.id, eventTypeId: et.id, teamId: team.id };
}
