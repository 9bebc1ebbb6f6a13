import { randomBytes } from "node:crypto";

export interface SandboxUser {
  id: number;
  username: string;
  email: string;
  name: string;
  timeZone: string;
  weekStart: string;
  timeFormat: 12 | 24;
  defaultScheduleId: number | null;
}

export interface NewUser {
  username: string;
  timeZone?: string;
  email?: string;
  name?: string;
  /** Issue a `cal_live_…` key instead of a `cal_test_…` one. */
  live?: boolean;
  /** Use this exact key (e.g. the fixed demo key). */
  apiKey?: string;
}

/** The sandbox's state: users and their API keys. Grows with schedules, event types and bookings. */
export class SandboxStore {
  private nextUserId = 1;
  readonly users = new Map<number, SandboxUser>();
  private readonly keys = new Map<string, number>();

  addUser(input: NewUser): { user: SandboxUser; apiKey: string } {
    if (!input.username) throw new TypeError("addUser: username is required");
    if ([...this.users.values()].some((u) => u.username === input.username)) throw new Error(`username ${input.username} is taken`);
    const timeZone = input.timeZone ?? "Europe/London";
    new Intl.DateTimeFormat("en", { timeZone }); // throws RangeError on an unknown zone
    const user: SandboxUser = {
      id: this.nextUserId++,
      username: input.username,
      email: input.email ?? `${input.username}@example.com`,
      name: input.name ?? input.username,
      timeZone,
      weekStart: "Monday",
      timeFormat: 12,
      defaultScheduleId: null,
    };
    this.users.set(user.id, user);
    return { user, apiKey: this.issueKey(user.id, input) };
  }

  issueKey(userId: number, options: { live?: boolean; apiKey?: string } = {}): string {
    const apiKey = options.apiKey ?? `${options.live ? "cal_live_" : "cal_test_"}${randomBytes(16).toString("hex")}`;
    this.keys.set(apiKey, userId);
    return apiKey;
  }

  revokeKey(apiKey: string): boolean {
    return this.keys.delete(apiKey);
  }

  userForKey(apiKey: string): SandboxUser | undefined {
    const id = this.keys.get(apiKey);
    return id === undefined ? undefined : this.users.get(id);
  }
}
