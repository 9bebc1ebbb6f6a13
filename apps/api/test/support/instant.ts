import type { TestApi } from "./test-api";

/** TEMPORARY shim until the team model lands: a "team" event type on a fresh host. */
export function instantTeamEventType(api: TestApi, options: { instant: boolean }) {
  const host = api.calcomUser("UTC");
  const et = api.sandbox.addEventType(host.id, { title: "Urgent help", slug: `urgent-${host.id}`, lengthInMinutes: 30, teamId: 1000 + host.id, isInstantEvent: options.instant }) as { id: number };
  return { apiKey: host.apiKey, eventTypeId: et.id };
}
