import type { AgniEventType } from "@agni/contracts";
import type { Logger } from "pino";
import { storedEmail, storedPhone } from "../../lib/contact";
import type { AppointmentRow } from "../appointments/appointments.repository";
import type { AppointmentChange } from "../events/outbox";
import type { WaitlistOffers } from "../waitlist/waitlist-offers";
import type { WaitlistSweep } from "../waitlist/waitlist-sweep";
import type { DeliveryQueue } from "../webhooks/delivery-queue";
import type { AccountClients } from "./account-client";
import type { MirrorAccount, MirrorRepository, MirrorWriter } from "./mirror.repository";
import type { BookingObservation, MirrorChange, ObservedStatus } from "./observation";

/** How far back a booking's reschedule chain is followed in Cal.com to find the appointment it belongs to. */
const MAX_HOPS = 10;

/**
 * Status precedence of one booking uid: Cal.com only ever moves a booking forward (pending → accepted, either →
 * cancelled or declined; a reschedule is a new uid), so an observation ranked below what the mirror holds is older
 * news and changes nothing. That makes duplicates and reordered deliveries harmless.
 */
const RANK: Record<ObservedStatus, number> = { pending: 0, accepted: 1, cancelled: 2, rejected: 2 };

const stored = (s: ObservedStatus) => (s === "rejected" ? "cancelled" : s);

/** The event a status reached on a booking the mirror already held. */
function statusEvent(from: AppointmentRow["status"], to: ObservedStatus): AgniEventType | null {
  if (from === "cancelled" || RANK[to] <= RANK[from]) return null;
  if (to === "accepted") return "appointment.confirmed";
  if (to === "rejected") return "appointment.declined";
  return "appointment.cancelled";
}

/** The event of a booking the mirror sees for the first time. */
const FIRST_EVENT: Record<ObservedStatus, AgniEventType> = {
  accepted: "appointment.booked",
  pending: "appointment.requested",
  cancelled: "appointment.cancelled",
  rejected: "appointment.declined",
};

/**
 * Applies what Cal.com says (a webhook delivery, a reconciliation page) to the mirror: the same path for both, so
 * that each real change is recorded once through the outbox seam (one event per subscription, the account's calendar
 * version bumped) however many times and in whatever order it is heard of.
 */
export class MirrorApplier {
  constructor(
    private readonly repo: MirrorRepository,
    private readonly clients: AccountClients,
    private readonly deliveries: DeliveryQueue | undefined,
    private readonly logger: Pick<Logger, "warn">,
    /** Offers the times a cancellation or a reschedule freed to the waitlist, after the change commits. */
    private readonly waitlist?: WaitlistOffers,
    /** Offers times that opened without a booking change (a changed schedule) or whose first offer failed. */
    private readonly waitlistSweep?: WaitlistSweep,
  ) {}

  /**
   * Applies one change; returns how many appointment changes it recorded (0 when it was known already). `announce:
   * false` records without events out (a booking as it already stood before the account was connected).
   */
  async apply(account: MirrorAccount, change: MirrorChange, options: { announce?: boolean } = {}): Promise<number> {
    const links = change.kind === "booking" ? await this.links(account, change.observation) : [];
    const { changes, deliveries, freed } = await this.repo.applying(
      account,
      (w) => (change.kind === "booking" ? this.applyBooking(w, account.id, change.observation, links) : this.applyNoShow(w, change.uid, change.noShow)),
      options.announce ?? true,
    );
    await this.deliveries?.enqueue(deliveries);
    if (freed.length > 0) await this.waitlist?.freed(account, this.clients.forAccount(account), freed);
    return changes;
  }

  /**
   * With each reconciliation: offers of the account's waitlist that lapsed unanswered go to the next in line (see
   * WaitlistOffers.passOnLapsed), then the sweep offers open times inside waiting windows (see WaitlistSweep).
   */
  async tendWaitlist(account: MirrorAccount): Promise<void> {
    await this.waitlist?.passOnLapsed(account, this.clients.forAccount(account));
    await this.waitlistSweep?.run(account, this.clients.forAccount(account));
  }

  /**
   * The uids this booking replaced, newest first, as far back as the first one the mirror knows: from the observation
   * when it names its predecessor and the mirror knows that one; otherwise from Cal.com (`rescheduledFromUid`, one
   * read per hop, outside any transaction). Nothing to look up for a booking the mirror holds already, or one that
   * replaced none.
   */
  private async links(account: MirrorAccount, o: BookingObservation): Promise<string[]> {
    const org = account.organizationId;
    if (o.previousUid === null || (await this.repo.knows(org, o.uid))) return [];
    if (o.previousUid !== undefined && (await this.repo.knows(org, o.previousUid))) return [o.previousUid];
    const cal = this.clients.forAccount(account);
    if (!cal) return o.previousUid ? [o.previousUid] : [];
    const links: string[] = [];
    let from = o.previousUid ?? (await cal.bookings.get(o.uid)).rescheduledFromUid ?? null;
    while (from && links.length < MAX_HOPS) {
      links.push(from);
      if (await this.repo.knows(org, from)) break;
      from = (await cal.bookings.get(from)).rescheduledFromUid ?? null;
    }
    return links;
  }

  private async applyBooking(w: MirrorWriter, accountId: string, o: BookingObservation, links: string[]): Promise<AppointmentChange[]> {
    const held = await w.byUid(o.uid);
    if (held) return held.calcomBookingUid === o.uid ? this.advance(w, await w.lock(held.id), o) : []; // an older booking of the chain: old news
    for (const [i, uid] of links.entries()) {
      const row = await w.byUid(uid);
      if (!row) continue;
      const current = await w.lock(row.id);
      if (current.calcomBookingUid !== uid) {
        this.logger.warn({ appointment: row.id, uid: o.uid, previous: uid }, "a reschedule of a booking the appointment no longer holds; ignored");
        return [];
      }
      return this.move(w, current, o, [...links.slice(0, i).reverse(), o.uid]);
    }
    return [await this.create(w, accountId, o, [...links].reverse())];
  }

  /** A new status of the appointment's current booking, if it is news. */
  private async advance(w: MirrorWriter, row: AppointmentRow, o: BookingObservation): Promise<AppointmentChange[]> {
    const type = statusEvent(row.status, o.status);
    if (!type) return [];
    const updated = await w.update(row.id, { status: stored(o.status), ...(RANK[o.status] === 2 ? { cancellationReason: o.reason } : {}) });
    return [{ type, appointment: updated }];
  }

  /** The appointment moved to a new booking (`uids`: the new ones, oldest first): a reschedule, then its status if not accepted. */
  private async move(w: MirrorWriter, row: AppointmentRow, o: BookingObservation, uids: string[]): Promise<AppointmentChange[]> {
    const moved = await w.update(row.id, {
      calcomBookingUid: o.uid,
      calcomBookingUids: { push: uids },
      startTime: o.start,
      endTime: o.end,
      durationMinutes: minutes(o),
      ...(o.hostName ? { hostName: o.hostName } : {}),
      status: o.status === "pending" ? "pending" : "accepted",
    });
    const previous = { startTime: row.startTime, endTime: row.endTime, calcomBookingUid: row.calcomBookingUid };
    const changes: AppointmentChange[] = [{ type: "appointment.rescheduled", appointment: moved, previous }];
    return RANK[o.status] === 2 ? [...changes, ...(await this.advance(w, moved, o))] : changes;
  }

  /** A booking the mirror has not seen: made outside Agni (source calcom), or by one of our agents before its answer was recorded. */
  private async create(w: MirrorWriter, accountId: string, o: BookingObservation, older: string[]): Promise<AppointmentChange> {
    const agentId = o.agentId && (await w.isAgent(o.agentId)) ? o.agentId : null;
    const row = await w.create({
      agentId,
      source: agentId ? "agni" : "calcom",
      calcomAccountId: accountId,
      calcomEventTypeId: o.eventTypeId ?? 0,
      calcomBookingUid: o.uid,
      calcomBookingUids: [...older, o.uid],
      attendeeName: o.attendee.name,
      // Stored normalised (E.164, lower-case) so `find` looks them up exactly, through an index.
      attendeeEmail: storedEmail(o.attendee.email),
      attendeePhone: storedPhone(o.attendee.phone),
      attendeeTimezone: o.attendee.timeZone ?? "UTC",
      startTime: o.start,
      endTime: o.end,
      durationMinutes: minutes(o),
      hostName: o.hostName,
      calcomTeamId: await w.teamOf(accountId, o.eventTypeId),
      status: stored(o.status),
      cancellationReason: RANK[o.status] === 2 ? o.reason : null,
      callSessionId: agentId ? o.callSessionId : null,
      notes: o.notes,
    });
    return { type: FIRST_EVENT[o.status], appointment: row };
  }

  private async applyNoShow(w: MirrorWriter, uid: string, noShow: boolean): Promise<AppointmentChange[]> {
    const held = await w.byUid(uid);
    if (!held) return []; // a booking the mirror does not hold yet: reconciliation brings it (Cal.com keeps no updatedAt for the mark)
    const row = await w.lock(held.id);
    if (row.noShow === noShow) return [];
    return [{ type: "appointment.no_show", appointment: await w.update(row.id, { noShow }) }];
  }
}

const minutes = (o: BookingObservation) => Math.round((o.end.getTime() - o.start.getTime()) / 60_000);
