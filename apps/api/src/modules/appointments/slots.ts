import type { Calendar } from "./calendar";

/** Flattens Cal.com's `{date: [{start}]}` slots into instants, in order. */
const slotStarts = (slots: Record<string, { start: string }[]>) =>
  Object.values(slots)
    .flat()
    .map((s) => new Date(s.start))
    .sort((a, b) => a.getTime() - b.getTime());

export interface SlotQuery {
  eventTypeId: number;
  /** The caller's zone (Cal.com groups the days in it). */
  timeZone: string;
  range: { start: Date; end: Date };
  durationMinutes?: number;
  /** The booking being moved: its own time counts as free. */
  rescheduleUid?: string;
}

/** The one place free times are read from Cal.com (suggest, availability, and the alternatives to a taken time). */
export async function freeSlots(calendar: Calendar, query: SlotQuery): Promise<Date[]> {
  const slots = await calendar.cal.slots.list({
    eventTypeId: query.eventTypeId,
    start: query.range.start.toISOString(),
    end: query.range.end.toISOString(),
    timeZone: query.timeZone,
    duration: query.durationMinutes,
    bookingUidToReschedule: query.rescheduleUid,
  });
  return slotStarts(slots);
}
