import type { NewEventType, NewUser, SandboxStore } from "./store";

/** A JSON seed: users (with fixed keys if wanted) and their event types. */
export interface Seed {
  users: (NewUser & { eventTypes?: NewEventType[] })[];
}

export function applySeed(store: SandboxStore, seed: Seed): void {
  for (const { eventTypes, ...user } of seed.users) {
    const { user: created } = store.addUser(user);
    for (const et of eventTypes ?? []) store.addEventType(created.id, et);
  }
}
