import type { CalcomClient } from "@agni/calcom";
import type { Logger } from "pino";
import type { PrismaClient } from "../../db/prisma";
import type { WaitlistOffers } from "./waitlist-offers";

/** Waiting entries a sweep looks at per run of an account, oldest first (the rest wait for a later run). */
const ENTRIES_PER_RUN = 50;
/** Event types a sweep reads Cal.com's slots for per run: one slots read each, so this bounds its Cal.com calls. */
const EVENT_TYPES_PER_RUN = 5;
/** Offers a sweep tries per run (each may reserve the time in Cal.com, one call more). */
const OFFERS_PER_RUN = 20;
/** Read past the last window's end, so that a time starting at a window's end is returned whole (start and end). */
const END_MARGIN_MS = 86_400_000;

type Waiting = { id: string; eventTypeId: number; windowStart: Date; windowEnd: Date };

/**
 * The waitlist's sweep, run with each reconciliation of an account (after lapsed offers are passed on): times open up
 * without any booking of the event type changing — the host widens working hours or adds a date override, a booking
 * of another event type goes away — and Cal.com sends no webhook for those; and a freed time whose offer failed (Cal.com
 * unreachable for the slot check) is never offered again by the freed-time path. So the sweep asks Cal.com's slots
 * once per event type over the union of its waiting entries' windows (from now on) and offers each open start inside
 * a waiting entry's window to the oldest such entry — one offer per entry, one entry per time — through the same
 * `WaitlistOffers.offer` path (conditional update, partial unique index), so that neither replicas nor the freed-time
 * path offer a time twice. Failures are logged per event type and never fail the reconciliation.
 */
export class WaitlistSweep {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly offers: WaitlistOffers,
    private readonly logger: Pick<Logger, "warn">,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Returns how many entries it offered a time. */
  async run(account: { id: string; organizationId: string }, cal: CalcomClient | null): Promise<number> {
    if (!cal) return 0;
    const now = this.now();
    const waiting = await this.prisma.waitlistEntry.findMany({
      where: { organizationId: account.organizationId, calcomAccountId: account.id, status: "waiting", expiresAt: { gt: now }, windowEnd: { gt: now } },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      take: ENTRIES_PER_RUN,
      select: { id: true, eventTypeId: true, windowStart: true, windowEnd: true },
    });
    const byEventType = new Map<number, Waiting[]>();
    for (const entry of waiting) byEventType.set(entry.eventTypeId, [...(byEventType.get(entry.eventTypeId) ?? []), entry]);
    let offered = 0;
    const budget = { offers: OFFERS_PER_RUN };
    for (const [eventTypeId, entries] of chosen([...byEventType])) {
      try {
        offered += await this.sweep(account, cal, eventTypeId, entries, now, budget);
      } catch (err) {
        this.logger.warn({ err, account: account.id, eventTypeId }, "the waitlist sweep could not read or offer open times; the next reconciliation tries again");
      }
    }
    return offered;
  }

  /** One event type: one slots read over its entries' windows, then offers, earliest open time first. */
  private async sweep(account: { id: string; organizationId: string }, cal: CalcomClient, eventTypeId: number, entries: Waiting[], now: Date, budget: { offers: number }): Promise<number> {
    const from = Math.max(now.getTime(), Math.min(...entries.map((e) => e.windowStart.getTime())));
    const to = Math.max(...entries.map((e) => e.windowEnd.getTime()));
    const slots = await cal.slots.list({ eventTypeId, start: new Date(from).toISOString(), end: new Date(to + END_MARGIN_MS).toISOString(), timeZone: "UTC", format: "range" });
    const open = Object.values(slots)
      .flat()
      .flatMap((s) => (s.end ? [{ start: new Date(s.start), end: new Date(s.end) }] : []))
      .filter((t) => t.start.getTime() > now.getTime() && t.start.getTime() <= to)
      .sort((a, b) => a.start.getTime() - b.start.getTime());
    const pending = new Set(entries.map((e) => e.id));
    let offered = 0;
    for (const time of open) {
      if (pending.size === 0 || budget.offers <= 0) break;
      if (!entries.some((e) => pending.has(e.id) && e.windowStart <= time.start && time.start <= e.windowEnd)) continue;
      budget.offers -= 1;
      // `offer` picks the oldest waiting entry whose window holds the time (these are the oldest); null when another
      // process, or an unanswered offer of the same time, holds it already.
      const entry = await this.offers.offer(account, cal, { appointmentId: null, eventTypeId, ...time }, { open: true });
      if (entry === null) continue;
      pending.delete(entry);
      offered += 1;
    }
    return offered;
  }
}

/**
 * The event types a run reads: all when within the bound; otherwise a bounded run of them from a random one on, so that
 * event types whose windows stay full cannot keep the others from ever being read.
 */
function chosen<T>(groups: T[]): T[] {
  if (groups.length <= EVENT_TYPES_PER_RUN) return groups;
  const first = Math.floor(Math.random() * groups.length);
  return [...groups.slice(first), ...groups.slice(0, first)].slice(0, EVENT_TYPES_PER_RUN);
}
