import type { NewEventType, NewUser, SandboxStore } from "./store";
import { addTeam, addTeamEventType, type NewTeam, type NewTeamEventType } from "./teams";

/** A JSON seed: users (with fixed keys if wanted) and their event types; teams of those users and theirs. */
export interface Seed {
  users: (NewUser & { eventTypes?: NewEventType[] })[];
  teams?: (NewTeam & { eventTypes?: NewTeamEventType[] })[];
}

export function applySeed(store: SandboxStore, seed: Seed): void {
  for (const { eventTypes, ...user } of seed.users) {
    const { user: created } = store.addUser(user);
    for (const et of eventTypes ?? []) store.addEventType(created.id, et);
  }
  for (const { eventTypes, ...team } of seed.teams ?? []) {
    const created = addTeam(store, team);
    for (const et of eventTypes ?? []) addTeamEventType(store, created.id, et);
  }
}
