import { CalcomNotFoundError, type CalcomEventType } from "@agni/calcom";
import type { EventTypeSummary } from "@agni/contracts";
import { AppError } from "../../errors/app-error";
import { requiredQuestions } from "./booking-fields";
import type { Calendar, Calendars } from "./calendar";
import { speakableCalcomError } from "../../errors/calcom-errors";

export const notOnAccount = (id: number) => new AppError("INVALID_REQUEST", `Event type ${id} was not found on the agent's Cal.com account`);

/**
 * The event type a call books: `requested`, else the agent's configured one, else the account's only visible one.
 * One the account does not have is a 400.
 */
export async function bookableEventType(calendar: Calendar, requested?: number): Promise<CalcomEventType> {
  const id = requested ?? calendar.agent.calcomEventTypeId ?? undefined;
  if (id !== undefined) {
    try {
      return await calendar.cal.eventTypes.get(id);
    } catch (err) {
      if (err instanceof CalcomNotFoundError) throw notOnAccount(id);
      throw err;
    }
  }
  const all = (await calendar.cal.eventTypes.list()).filter((e) => !e.hidden);
  const [only] = all;
  if (all.length === 1 && only) return only;
  throw new AppError("INVALID_REQUEST", "The agent has no event type to book: set calcomEventTypeId on the agent or pass event_type_id", {
    event_type_ids: all.map((e) => e.id),
  });
}

export function toEventTypeSummary(e: CalcomEventType): EventTypeSummary {
  return {
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
      throw speakableCalcomError(err);
    }
  }

  /** The event type the agent books, or null when it has no account or event type to read (for tool export). */
  async eventTypeForAgent(organizationId: string, agentId: string): Promise<CalcomEventType | null> {
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
