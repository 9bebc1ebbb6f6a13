import { CalcomNotFoundError, type CalcomEventType, type CalcomTeamHost } from "@agni/calcom";
import type { EventTypeSummary } from "@agni/contracts";
import { AppError } from "../../errors/app-error";
import { requiredQuestions } from "./booking-fields";
import type { Calendar, Calendars } from "./calendar";
import { speakableCalcomError } from "../../errors/calcom-errors";

export const notOnAccount = (id: number) => new AppError("INVALID_REQUEST", `Event type ${id} was not found on the agent's Cal.com account`);

/** An event type the account can book: its own, or (with `teamId`, `schedulingType` and `hosts`) a team's it belongs to. */
export type BookableEventType = CalcomEventType & { teamId?: number | null; schedulingType?: string | null; hosts?: CalcomTeamHost[] };

/**
 * A team event type of one of the account's teams. Cal.com's GET /v2/event-types/{id} finds only the key owner's own
 * event types (the 2024-06-14 repository's getUserEventType filters on userId); a team's are listed under
 * GET /v2/teams/{teamId}/event-types, and the account's teams under GET /v2/teams.
 */
export async function teamEventType(calendar: Calendar, id: number): Promise<BookableEventType | undefined> {
  for (const team of await calendar.cal.teams.list()) {
    const found = (await calendar.cal.teams.eventTypes(team.id)).find((e) => e.id === id);
    if (found) return found;
  }
  return undefined;
}

/**
 * The event type a call books: `requested`, else the agent's configured one, else the account's only visible one.
 * The id may be a team event type (round-robin or collective) of a team the account belongs to. One the account does
 * not have is a 400.
 */
export async function bookableEventType(calendar: Calendar, requested?: number): Promise<BookableEventType> {
  const id = requested ?? calendar.agent.calcomEventTypeId ?? undefined;
  if (id !== undefined) {
    try {
      return await calendar.cal.eventTypes.get(id);
    } catch (err) {
      if (!(err instanceof CalcomNotFoundError)) throw err;
      const team = await teamEventType(calendar, id);
      if (team) return team;
      throw notOnAccount(id);
    }
  }
  const all = (await calendar.cal.eventTypes.list()).filter((e) => !e.hidden);
  const [only] = all;
  if (all.length === 1 && only) return only;
  throw new AppError("INVALID_REQUEST", "The agent has no event type to book: set calcomEventTypeId on the agent or pass event_type_id", {
    event_type_ids: all.map((e) => e.id),
  });
}

const SCHEDULING: Record<string, "round_robin" | "collective" | "managed"> = { roundRobin: "round_robin", collective: "collective", managed: "managed" };

/** A team event type's hosts by name, in Cal.com's order. */
export const hostNames = (e: Pick<BookableEventType, "hosts">): string[] => (e.hosts ?? []).map((h) => h.name || h.username || "").filter(Boolean);

export function toEventTypeSummary(e: BookableEventType): EventTypeSummary {
  const scheduling = e.schedulingType ? SCHEDULING[e.schedulingType] : undefined;
  return {
    ...(scheduling ? { scheduling_type: scheduling, hosts: hostNames(e) } : {}),
    id: e.id,
    title: e.title,
    slug: e.slug,
    length_in_minutes: e.lengthInMinutes,
    length_options: e.lengthInMinutesOptions ?? [e.lengthInMinutes],
    hidden: e.hidden ?? false,
    required_questions: requiredQuestions(e),
  };
}

/** Event types as an agent's account has them (listing, lookup, and the one tool export describes). */
export class EventTypesService {
  constructor(private readonly calendars: Calendars) {}

  async list(organizationId: string, agentId: string): Promise<EventTypeSummary[]> {
    const calendar = await this.calendars.open(organizationId, agentId);
    try {
      return (await calendar.cal.eventTypes.list()).map(toEventTypeSummary);
    } catch (err) {
      throw speakableCalcomError(err);
    }
  }

  async byId(organizationId: string, agentId: string, id: number): Promise<EventTypeSummary> {
    const calendar = await this.calendars.open(organizationId, agentId);
    try {
      return toEventTypeSummary(await calendar.cal.eventTypes.get(id));
    } catch (err) {
      const team = err instanceof CalcomNotFoundError ? await teamEventType(calendar, id).catch(() => undefined) : undefined;
      if (team) return toEventTypeSummary(team);
      throw speakableCalcomError(err);
    }
  }

  /** The event type the agent books, or null when it has no account or event type to read (for tool export). */
  async eventTypeForAgent(organizationId: string, agentId: string): Promise<BookableEventType | null> {
    let calendar: Calendar;
    try {
      calendar = await this.calendars.open(organizationId, agentId);
    } catch (err) {
      if (err instanceof AppError && err.code === "NOT_CONNECTED") return null;
      throw err;
    }
    try {
      return await bookableEventType(calendar);
    } catch (err) {
      if (err instanceof AppError && err.code === "INVALID_REQUEST") return null;
      throw speakableCalcomError(err);
    }
  }
}
