import type { world } from "./harness";

/** The world's host owns a team with a member who hosts its round-robin event type, set up for instant meetings. */
export function instantTeam(w: Awaited<ReturnType<typeof world>>, options: { hosts?: boolean } = {}) {
  const { user: member } = w.sandbox.addUser({ username: "rome-member", name: "Rome Member", timeZone: "Europe/Rome" });
  const team = w.sandbox.addTeam({ name: "Rome support", members: [{ userId: w.host.id }, { userId: member.id }] });
  const et = w.sandbox.addTeamEventType(team.id, {
    title: "Urgent help",
    slug: "urgent",
    lengthInMinutes: 30,
    schedulingType: "roundRobin",
    hosts: options.hosts === false ? [] : [{ userId: member.id }],
    isInstantEvent: true,
  });
  return { apiKey: w.apiKey, eventTypeId: et.id, teamId: team.id };
}
