import type { CalcomClient } from "@agni/calcom";
import type { WaitlistOffer } from "@agni/contracts";
import type { Logger } from "pino";
import { isUniqueViolation } from "../../db/errors";
import type { PrismaClient } from "../../db/prisma";
import { localIso } from "../appointments/answer";
import { slotOpened } from "../appointments/waitlist-wording";
import { recordEvent } from "../events/outbox";
import type { DeliveryQueue } from "../webhooks/delivery-queue";
import type { WaitlistRow } from "./waitlist.repository";

/**
 * A time a change on the account freed: a cancelled (or declined) booking's, or the one a reschedule moved away from;
 * or one the waitlist sweep found open (a changed schedule, or a freed time whose first offer failed).
 */
export interface FreedTime {
  /** The appointment whose change freed it (the event names it); null for a time the sweep found open. */
  appointmentId: string | null;
  eventTypeId: number;
  start: Date;
  end: Date;
}

/** How long an offered time is kept for the caller it was offered to, unless configured otherwise (AGNI_WAITLIST_OFFER_MS). */
export const DEFAULT_OFFER_MINUTES = 10;
/** Waiting entries tried, oldest first, for one freed time (one that was cancelled meanwhile is skipped). */
const CANDIDATES = 5;
/** Lapsed offers passed on per reconciliation run of an account. */
const LAPSED_PER_RUN = 20;

/**
 * Offers freed times to the waitlist: for each, the oldest waiting, unexpired entry of the account and event type
 * whose window holds its start is marked `offered` and one `waitlist.slot_opened` event goes to the organisation's
 * subscriptions — but only once Cal.com's slots say the time really is open (an agent never tells a caller something
 * false). Once only: the mirror reports each freeing once however often Cal.com delivers it (its status precedence),
 * the entry moves from `waiting` by a conditional update, and a partial unique index lets one entry at a time hold an
 * offer of the same time of an event type, so two replicas racing on the same time offer it once.
 */
export class WaitlistOffers {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly deliveries: DeliveryQueue | undefined,
    private readonly logger: Pick<Logger, "warn">,
    private readonly options: {
      offerMs?: number;
      now?: () => Date;
      /** Schedules the pass of an offer at its expiry (MirrorQueue.lapse); reconciliation passes on what it misses. */
      lapse?: (accountId: string, entryId: string, at: Date) => Promise<void>;
    } = {},
  ) {}

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  /** Called after the change that freed the times committed; failures are logged, never thrown (the change stands). */
  async freed(account: { id: string; organizationId: string }, cal: CalcomClient | null, times: FreedTime[]): Promise<void> {
    for (const time of times) {
      try {
        await this.offer(account, cal, time);
      } catch (err) {
        this.logger.warn({ err, account: account.id, start: time.start.toISOString() }, "offering a freed time to the waitlist failed");
      }
    }
  }

  /**
   * Offers nobody took before they lapsed: each becomes `expired` (one conditional update, so one process passes it
   * on) and its time goes to the next in line, if it is still open. Run by each offer's lapse job, due at its expiry
   * (MirrorQueue.lapse), and with each reconciliation of the account (the safety net).
   */
  async passOnLapsed(account: { id: string; organizationId: string }, cal: CalcomClient | null): Promise<void> {
    const now = this.now();
    const lapsed = await this.prisma.waitlistEntry.findMany({
      where: { organizationId: account.organizationId, calcomAccountId: account.id, status: "offered", offerExpiresAt: { lte: now } },
      orderBy: { offerExpiresAt: "asc" },
      take: LAPSED_PER_RUN,
    });
    for (const entry of lapsed) {
      const done = await this.prisma.waitlistEntry.updateMany({ where: { id: entry.id, status: "offered", offerExpiresAt: { lte: now } }, data: { status: "expired", updatedAt: now } });
      if (done.count === 0 || !entry.offeredStart || !entry.offeredEnd) continue;
      const time = { appointmentId: entry.freedByAppointmentId, eventTypeId: entry.eventTypeId, start: entry.offeredStart, end: entry.offeredEnd };
      await this.freed(account, cal, [time]);
    }
  }

  /**
   * Offers one time to the oldest waiting entry whose window holds it; returns the entry offered it, or null. `open`:
   * the caller read Cal.com's slots for it just now (the sweep), so it is not asked again.
   */
  async offer(account: { id: string; organizationId: string }, cal: CalcomClient | null, time: FreedTime, options: { open?: boolean } = {}): Promise<string | null> {
    const now = this.now();
    if (time.start <= now || !cal) return null;
    // An earlier offer of this time that nobody took in time gives way to this one.
    await this.prisma.waitlistEntry.updateMany({
      where: { calcomAccountId: account.id, eventTypeId: time.eventTypeId, offeredStart: time.start, status: "offered", offerExpiresAt: { lte: now } },
      data: { status: "expired", updatedAt: now },
    });
    const where = {
      organizationId: account.organizationId,
      calcomAccountId: account.id,
      eventTypeId: time.eventTypeId,
      status: "waiting" as const,
      expiresAt: { gt: now },
      windowStart: { lte: time.start },
      windowEnd: { gte: time.start },
    };
    const candidates = await this.prisma.waitlistEntry.findMany({ where, orderBy: [{ createdAt: "asc" }, { id: "asc" }], take: CANDIDATES });
    if (candidates.length === 0 || !(options.open || (await isOpen(cal, time)))) return null;
    const hold = await this.reserve(cal, time, candidates[0]?.holdMinutes ?? null);
    const offerExpiresAt = hold?.until ?? new Date(now.getTime() + (this.options.offerMs ?? DEFAULT_OFFER_MINUTES * 60_000));
    let claim: { entry: string; deliveries: string[] } | null = null;
    try {
      claim = await this.prisma.$transaction(async (tx) => {
        for (const entry of candidates) {
          const claimed = await tx.waitlistEntry.updateMany({
            where: { id: entry.id, status: "waiting", expiresAt: { gt: now } },
            data: {
              status: "offered",
              offeredStart: time.start,
              offeredEnd: time.end,
              offerExpiresAt,
              holdUid: hold?.uid ?? null,
              freedByAppointmentId: time.appointmentId,
              updatedAt: now,
            },
          });
          if (claimed.count === 0) continue;
          const payload = { waitlist: offerOf(entry, time, { expiresAt: offerExpiresAt, held: hold !== null }, now) };
          return { entry: entry.id, deliveries: await recordEvent(tx, { organizationId: account.organizationId, type: "waitlist.slot_opened", appointmentId: time.appointmentId, payload }) };
        }
        return null;
      });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err; // else another process offered this time first
    } finally {
      // Nobody was offered the time here: the reservation made for the offer must not keep it from anyone.
      if (claim === null && hold) await cal.slots.deleteReservation(hold.uid).catch(() => undefined);
    }
    if (!claim) return null;
    await this.deliveries?.enqueue(claim.deliveries);
    await this.scheduleLapse(account.id, claim.entry, offerExpiresAt);
    return claim.entry;
  }

  /** The offer goes to the next in line when it lapses; if the job cannot be queued, reconciliation passes it on. */
  private async scheduleLapse(accountId: string, entryId: string, at: Date): Promise<void> {
    try {
      await this.options.lapse?.(accountId, entryId, at);
    } catch (err) {
      this.logger.warn({ err, account: accountId, entry: entryId }, "could not schedule a waitlist offer's lapse; the account's next reconciliation passes it on");
    }
  }

  /**
   * Reserves the time in Cal.com for `minutes` (the tool's `waitlist_hold_minutes`), so that nobody else books it
   * before the caller is reached. Without a setting, or when Cal.com refuses (someone else's reservation came first),
   * the offer goes out unheld: the time is open, just not kept.
   */
  private async reserve(cal: CalcomClient, time: FreedTime, minutes: number | null): Promise<{ uid: string; until: Date } | null> {
    if (minutes === null) return null;
    try {
      const r = await cal.slots.reserve({ eventTypeId: time.eventTypeId, slotStart: time.start.toISOString(), reservationDuration: minutes });
      return { uid: r.reservationUid, until: r.reservationUntil ? new Date(r.reservationUntil) : new Date(this.now().getTime() + minutes * 60_000) };
    } catch (err) {
      this.logger.warn({ err, start: time.start.toISOString() }, "Cal.com did not reserve a freed time for the waitlist; offering it unheld");
      return null;
    }
  }
}

/** Whether Cal.com offers exactly this start for the event type now. */
async function isOpen(cal: CalcomClient, time: FreedTime): Promise<boolean> {
  const slots = await cal.slots.list({ eventTypeId: time.eventTypeId, start: time.start.toISOString(), end: time.end.toISOString(), timeZone: "UTC" });
  return Object.values(slots)
    .flat()
    .some((s) => new Date(s.start).getTime() === time.start.getTime());
}

function offerOf(entry: WaitlistRow, time: FreedTime, offer: { expiresAt: Date; held: boolean }, now: Date): WaitlistOffer {
  const tz = entry.attendeeTimezone;
  return {
    entry_id: entry.id,
    agent_id: entry.agentId,
    event_type_id: entry.eventTypeId,
    attendee_name: entry.attendeeName,
    attendee_email: entry.attendeeEmail,
    attendee_phone: entry.attendeePhone,
    attendee_timezone: tz,
    slot_start: time.start.toISOString(),
    slot_end: time.end.toISOString(),
    local_slot_start: localIso(time.start, tz),
    offer_expires_at: offer.expiresAt.toISOString(),
    held_in_calcom: offer.held,
    message: slotOpened(entry.attendeeName, time.start, tz, now, offer.held ? { minutes: Math.round((offer.expiresAt.getTime() - now.getTime()) / 60_000) } : null),
  };
}

/** The time an appointment change frees, if any: a cancel's or decline's, or the one a reschedule left. */
export function freedBy(change: { type: string; appointment: { id: string; calcomEventTypeId: number; startTime: Date; endTime: Date }; previous?: { startTime: Date; endTime: Date } }): FreedTime | null {
  const row = change.appointment;
  const base = { appointmentId: row.id, eventTypeId: row.calcomEventTypeId };
  if (change.type === "appointment.cancelled" || change.type === "appointment.declined") return { ...base, start: row.startTime, end: row.endTime };
  if (change.type === "appointment.rescheduled" && change.previous) return { ...base, start: change.previous.startTime, end: change.previous.endTime };
  return null;
}
