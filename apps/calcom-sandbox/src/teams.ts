import { busyOfUser } from "./busy";
import { availabilityRanges, bookability, type Interval, subtract } from "./slots";
import type { NewEventType, SandboxStore, SandboxUser, StoredBooking, StoredEventType, StoredSchedule } from "./store";

// Teams and their event types as Cal.com has them (calcom/cal.com, newest stored versions):
// - apps/api/v2/src/modules/teams/event-types/services/output-team-event-types.service.ts
//   @ 42dd5c2574ee40947a9d1bcb7becc81392072aa1: `schedulingType` answered "roundRobin" | "collective"; each host
//   `{userId, name, username}`, plus `mandatory` (isFixed) and `priority` (0–4 as lowest…highest) for round-robin.
// - packages/lib/getAggregatedAvailability.ts @ 35eb6e9924f9f81a7861306e10aec28f96f2cf54: the free ranges of the fixed
//   hosts (every host of a collective event, the mandatory ones of a round-robin) are intersected; those of the
//   round-robin hosts are merged (any one of them will do); the two are intersected.
// - packages/lib/bookings/findQualifiedHosts.ts @ 6f278e5acd2370b51c70fc9fd72c51d4667c1293 and
//   filterHostsBySameRoundRobinHost.ts @ f17ac3d63937ba0aa611fea6ad8e99d7b1f9e8c0: on a reschedule of an event type with
//   `rescheduleWithSameRoundRobinHost`, only the original booking's host qualifies (all hosts when that one is no longer
//   a host) — for the slots shown and for the booking.
// - packages/lib/server/getLuckyUser.ts @ 0d30ed9e651f60cc782635967d23c4bcddd9fdd9 (getOrderedListOfLuckyUsers in
//   newer builds): among the available round-robin hosts, the highest priority (absent = medium, 2) first, then the
//   least recently booked for this event type (never booked first); a tie keeps the hosts' order.

export type SchedulingType = "ROUND_ROBIN" | "COLLECTIVE";
export type TeamRole = "OWNER" | "ADMIN" | "MEMBER";

export interface TeamHost {
  userId: number;
  /** Cal.com's isFixed (`mandatory` in API v2): must attend every booking of a round-robin event. */
  isFixed: boolean;
  /** 0 lowest … 4 highest; 2 (medium) by default. */
  priority: number;
}

/** What makes an event type a team's. */
export interface TeamFields {
  teamId: number;
  schedulingType: SchedulingType;
  hosts: TeamHost[];
  rescheduleWithSameRoundRobinHost: boolean;
}

export interface StoredTeam {
  id: number;
  name: string;
  slug: string;
  members: { userId: number; role: TeamRole }[];
}

export interface NewTeam {
  name: string;
  slug?: string;
  /** Members by user id or username; the first is the OWNER unless roles say otherwise. */
  members: { userId?: number; username?: string; role?: TeamRole }[];
}

export interface NewTeamEventType extends NewEventType {
  /** API v2's words for Cal.com's SchedulingType. */
  schedulingType: "roundRobin" | "collective";
  /** Hosts by user id or username; members of the team. Every member when absent (assignAllTeamMembers). */
  hosts?: { userId?: number; username?: string; mandatory?: boolean; priority?: "lowest" | "low" | "medium" | "high" | "highest" }[];
  rescheduleWithSameRoundRobinHost?: boolean;
}

export const PRIORITIES = ["lowest", "low", "medium", "high", "highest"] as const;

function userOf(store: SandboxStore, ref: { userId?: number; username?: string }): SandboxUser {
  const user = ref.userId !== undefined ? store.users.get(ref.userId) : [...store.users.values()].find((u) => u.username === ref.username);
  if (!user) throw new Error(`no user ${ref.userId ?? ref.username}`);
  return user;
}

export function addTeam(store: SandboxStore, input: NewTeam): StoredTeam {
  const slug = input.slug ?? input.name.toLowerCase().replace(/[^a-z0-9]+/g, "-");
  if ([...store.teams.values()].some((t) => t.slug === slug)) throw new Error(`team slug ${slug} is taken`);
  const members = input.members.map((m, i) => ({ userId: userOf(store, m).id, role: m.role ?? (i === 0 ? "OWNER" : "MEMBER") }));
  const team: StoredTeam = { id: store.newTeamId(), name: input.name, slug, members };
  store.teams.set(team.id, team);
  return team;
}

export function addTeamEventType(store: SandboxStore, teamId: number, input: NewTeamEventType): StoredEventType {
  const team = store.teams.get(teamId);
  if (!team) throw new Error(`no team ${teamId}`);
  const refs: NonNullable<NewTeamEventType["hosts"]> = input.hosts ?? team.members.map((m) => ({ userId: m.userId }));
  const hosts = refs.map((h): TeamHost => {
    const user = userOf(store, h);
    if (!team.members.some((m) => m.userId === user.id)) throw new Error(`user ${user.username} is not a member of team ${team.slug}`);
    return { userId: user.id, isFixed: input.schedulingType === "collective" || !!h.mandatory, priority: PRIORITIES.indexOf(h.priority ?? "medium") };
  });
  const { schedulingType, hosts: _refs, rescheduleWithSameRoundRobinHost, ...rest } = input;
  return store.addEventType(0, rest, {
    teamId,
    schedulingType: schedulingType === "collective" ? "COLLECTIVE" : "ROUND_ROBIN",
    hosts,
    rescheduleWithSameRoundRobinHost: !!rescheduleWithSameRoundRobinHost,
  });
}

/** The team an event type belongs to, when it is a team's. */
export const teamOf = (store: SandboxStore, et: StoredEventType): StoredTeam | undefined => (et.teamId === undefined ? undefined : store.teams.get(et.teamId));

export const isMember = (team: StoredTeam, userId: number) => team.members.some((m) => m.userId === userId);
export const isTeamAdmin = (team: StoredTeam, userId: number) => team.members.some((m) => m.userId === userId && m.role !== "MEMBER");

/** A host's hours for a team event: the event type's schedule when it has one, else the host's default. */
export function hostSchedule(store: SandboxStore, et: StoredEventType, userId: number): StoredSchedule {
  const schedule = store.schedules.get(et.scheduleId ?? store.userById(userId).defaultScheduleId ?? -1);
  if (!schedule) throw new Error(`sandbox store: host ${userId} has no schedule`);
  return schedule;
}

const fixed = (et: StoredEventType, h: TeamHost) => et.schedulingType === "COLLECTIVE" || h.isFixed;

/** findQualifiedHosts: every host, or on a same-host reschedule only the original booking's round-robin host. */
export function qualifiedHosts(store: SandboxStore, et: StoredEventType, rescheduleUid: string | null): TeamHost[] {
  const hosts = et.hosts ?? [];
  if (!rescheduleUid || !et.rescheduleWithSameRoundRobinHost || et.schedulingType !== "ROUND_ROBIN") return hosts;
  const original = store.bookings.get(rescheduleUid);
  const same = hosts.filter((h) => !h.isFixed && h.userId === original?.userId);
  return same.length ? [...hosts.filter((h) => h.isFixed), ...same] : hosts;
}

function intersect(a: Interval[], b: Interval[]): Interval[] {
  const out: Interval[] = [];
  for (const x of a) for (const y of b) if (Math.max(x.start, y.start) < Math.min(x.end, y.end)) out.push({ start: Math.max(x.start, y.start), end: Math.min(x.end, y.end) });
  return merge(out);
}

function merge(ranges: Interval[]): Interval[] {
  const out: Interval[] = [];
  for (const r of [...ranges].sort((a, b) => a.start - b.start)) {
    const last = out[out.length - 1];
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else out.push({ ...r });
  }
  return out;
}

/** getAggregatedAvailability over the qualified hosts' free ranges between `from` and `to`. */
export function teamFreeRanges(store: SandboxStore, et: StoredEventType, from: number, to: number, rescheduleUid: string | null): Interval[] {
  const free = (h: TeamHost) => subtract(availabilityRanges(hostSchedule(store, et, h.userId), from, to), busyOfUser(store, h.userId, et, rescheduleUid));
  const hosts = qualifiedHosts(store, et, rescheduleUid);
  const sets: Interval[][] = [];
  const fixedHosts = hosts.filter((h) => fixed(et, h));
  const [firstFixed, ...otherFixed] = fixedHosts;
  if (firstFixed) sets.push(otherFixed.reduce((acc, h) => intersect(acc, free(h)), merge(free(firstFixed))));
  const loose = hosts.filter((h) => !fixed(et, h));
  if (loose.length) sets.push(merge(loose.flatMap(free)));
  const [first, ...others] = sets;
  return first ? others.reduce(intersect, first) : [];
}

/** The least recently booked first (never booked: the epoch), after the highest priority; ties keep the hosts' order. */
function luckiest(store: SandboxStore, et: StoredEventType, available: TeamHost[]): TeamHost | undefined {
  const top = Math.max(...available.map((h) => h.priority));
  const lastBooked = (h: TeamHost) => Math.max(0, ...[...store.bookings.values()].filter((b) => b.eventTypeId === et.id && b.userId === h.userId).map((b) => b.createdAt));
  return available.filter((h) => h.priority === top).sort((a, b) => lastBooked(a) - lastBooked(b))[0];
}

/**
 * Who hosts a team booking at [start, start + duration): the organizer (the first fixed host, else the lucky
 * round-robin host) and the others, or the verdict that refuses it ("past", "notice", or "busy" when a fixed host, or
 * every round-robin host, cannot take it).
 */
export function assignHosts(
  store: SandboxStore,
  et: StoredEventType,
  start: number,
  duration: number,
  now: number,
  rescheduleUid: string | null,
): { organizerId: number; coHostIds: number[] } | "past" | "notice" | "busy" {
  const hosts = qualifiedHosts(store, et, rescheduleUid);
  const verdict = (h: TeamHost) => bookability(start, duration, hostSchedule(store, et, h.userId), et, busyOfUser(store, h.userId, et, rescheduleUid), now);
  const [first] = hosts;
  if (!first) return "busy";
  const timing = verdict(first);
  if (timing === "past" || timing === "notice") return timing;
  const fixedHosts = hosts.filter((h) => fixed(et, h));
  if (fixedHosts.some((h) => verdict(h) !== "ok")) return "busy";
  const loose = hosts.filter((h) => !fixed(et, h));
  const lucky = loose.length ? luckiest(store, et, loose.filter((h) => verdict(h) === "ok")) : undefined;
  if (loose.length && !lucky) return "busy";
  const [organizer, ...others] = [...fixedHosts, ...(lucky ? [lucky] : [])];
  if (!organizer) return "busy";
  return { organizerId: organizer.userId, coHostIds: others.map((h) => h.userId) };
}

/** Whether `userId` sees the booking in GET /v2/bookings: its organizer, a co-host, or an admin of its team. */
export function visibleTo(store: SandboxStore, b: StoredBooking, userId: number): boolean {
  if (b.userId === userId || b.coHostIds?.includes(userId)) return true;
  const et = store.eventTypes.get(b.eventTypeId);
  const team = et && teamOf(store, et);
  return !!team && isTeamAdmin(team, userId);
}
