import type { world } from "./harness";

/** TEMPORARY shim until the team model lands. */
export function instantTeam(w: Awaited<ReturnType<typeof world>>) {
  const et = w.sandbox.addEventType(w.host.id, { title: "Urgent help", slug: "urgent", lengthInMinutes: 30, teamId: 77, isInstantEvent: true });
  return { apiKey: w.apiKey, eventTypeId: et.id };
}
