import type { OrgCache } from "../../lib/org-cache";
import { isUniqueViolation } from "../../db/errors";
import type { Prisma, PrismaClient } from "../../db/prisma";
import { AGENT_ACCOUNT_INCLUDE } from "../calcom/effective-account";
import { type AppointmentChange, recordAppointmentChange } from "../events/outbox";
import { type FreedTime, freedBy } from "../waitlist/waitlist-offers";
import type { DeliveryQueue } from "../webhooks/delivery-queue";

export type AppointmentRow = Prisma.AppointmentGetPayload<object>;
export type NewAppointment = Omit<Prisma.AppointmentUncheckedCreateInput, "id" | "createdAt" | "updatedAt" | "calcomBookingUids"> & {
  calcomBookingUid: string;
};

/** By our id, or by any Cal.com booking uid in the appointment's reschedule chain. */
function byIdOrUid(idOrUid: string): Prisma.AppointmentWhereInput {
  const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(idOrUid);
  return { OR: [...(isUuid ? [{ id: idOrUid }] : []), { calcomBookingUids: { has: idOrUid } }] };
}

/** Everything the appointments module stores: appointments and what it needs about agents. Always org-scoped. */
export class AppointmentsRepository {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly cache?: OrgCache,
    private readonly deliveries?: DeliveryQueue,
    /** Offers a time a cancel or reschedule freed to the account's waitlist (after the commit). */
    private readonly offerFreed?: (accountId: string, times: FreedTime[]) => Promise<void>,
  ) {}

  /**
   * Every write that changes an appointment's state goes through here: the write and its event (events out) commit
   * together, and the event's deliveries are queued after the commit. `write` returns no change when nothing changed.
   */
  private async changing(write: (tx: Prisma.TransactionClient) => Promise<{ row: AppointmentRow; change?: AppointmentChange }>): Promise<AppointmentRow> {
    const { row, deliveries, change } = await this.prisma.$transaction(async (tx) => {
      const done = await write(tx);
      return { row: done.row, change: done.change, deliveries: done.change ? await recordAppointmentChange(tx, done.change) : [] };
    });
    await this.deliveries?.enqueue(deliveries);
    const freed = change && freedBy(change);
    if (freed && row.calcomAccountId) await this.offerFreed?.(row.calcomAccountId, [freed]);
    return row;
  }

  /** The agent with its Cal.com accounts and its calendar (`calcom`) tools, active ones first. */
  agent(organizationId: string, agentId: string) {
    const load = () => this.loadAgent(organizationId, agentId);
    return this.cache ? this.cache.get(organizationId, `calendar:${agentId}`, load) : load();
  }

  private loadAgent(organizationId: string, agentId: string) {
    return this.prisma.agent.findFirst({
      where: { id: agentId, organizationId },
      include: { ...AGENT_ACCOUNT_INCLUDE, tools: { where: { type: "calcom" }, orderBy: [{ isActive: "desc" }, { createdAt: "asc" }] } },
    });
  }

  create(data: NewAppointment): Promise<AppointmentRow> {
    return this.changing(async (tx) => {
      const row = await tx.appointment.create({ data: { ...data, calcomBookingUids: [data.calcomBookingUid] } });
      return { row, change: { type: row.status === "pending" ? "appointment.requested" : "appointment.booked", appointment: row } };
    });
  }

  /** Records a booking once: when a concurrent request recorded the same booking first, that row is the answer. */
  async createOnce(data: NewAppointment): Promise<AppointmentRow> {
    try {
      return await this.create(data);
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const row = await this.find(data.organizationId, data.calcomBookingUid, data.agentId ?? undefined);
      if (!row) throw err;
      return row;
    }
  }

  /** By our id, or by any Cal.com booking uid in the appointment's reschedule chain. */
  find(organizationId: string, idOrUid: string, agentId?: string): Promise<AppointmentRow | null> {
    return this.prisma.appointment.findFirst({ where: { organizationId, ...(agentId ? { agentId } : {}), ...byIdOrUid(idOrUid) } });
  }

  /**
   * By id or uid, an appointment the agent may change: its own, or one made outside Agni (no agent) on the agent's
   * Cal.com account — what `find` returns. Another agent's booking on a shared account is not this agent's.
   */
  findChangeable(organizationId: string, idOrUid: string, agentId: string, accountId: string): Promise<AppointmentRow | null> {
    return this.prisma.appointment.findFirst({
      where: { organizationId, AND: [{ OR: [{ agentId }, { agentId: null, calcomAccountId: accountId }] }, byIdOrUid(idOrUid)] },
    });
  }

  /** Records a reschedule: the new Cal.com booking becomes current and joins the chain. */
  rescheduled(id: string, booking: { uid: string; start: Date; end: Date; durationMinutes: number; hostName?: string | null }): Promise<AppointmentRow> {
    return this.changing(async (tx) => {
      // Locked, as the Cal.com mirror locks it: the mirror may be recording this same reschedule (its webhook) right now.
      await tx.$queryRaw`SELECT id FROM appointments WHERE id = ${id}::uuid FOR UPDATE`;
      const before = await tx.appointment.findUniqueOrThrow({ where: { id } });
      if (before.calcomBookingUid === booking.uid || before.calcomBookingUids.includes(booking.uid)) return { row: before }; // recorded already
      const row = await tx.appointment.update({
        where: { id },
        data: {
          calcomBookingUid: booking.uid,
          calcomBookingUids: { push: booking.uid },
          startTime: booking.start,
          endTime: booking.end,
          durationMinutes: booking.durationMinutes,
          // A team booking may change hands on a reschedule (round-robin without "same host").
          ...(booking.hostName ? { hostName: booking.hostName } : {}),
          status: "accepted",
        },
      });
      const previous = { startTime: before.startTime, endTime: before.endTime, calcomBookingUid: before.calcomBookingUid };
      return { row, change: { type: "appointment.rescheduled", appointment: row, previous } };
    });
  }

  /**
   * Takes the appointment's change lease for `owner` until `until`, when no change holds it or its holder went silent
   * past its lease (`recovering`: that change may have reached Cal.com). Each step is one atomic UPDATE, so of
   * concurrent takers — in any process — exactly one gets it. Null when another change holds it.
   */
  async claimChange(organizationId: string, id: string, owner: string, until: Date, now: Date): Promise<{ row: AppointmentRow; recovering: boolean } | null> {
    const take = (where: Prisma.AppointmentWhereInput) =>
      this.prisma.appointment.updateMany({ where: { id, organizationId, ...where }, data: { changeLockedBy: owner, changeLockedUntil: until } });
    let recovering = false;
    if ((await take({ changeLockedUntil: null })).count === 0) {
      if ((await take({ changeLockedUntil: { lt: now } })).count === 0) return null;
      recovering = true;
    }
    const row = await this.prisma.appointment.findUnique({ where: { id } });
    return row && { row, recovering };
  }

  /** Extends `owner`'s change lease; false when it is no longer theirs (it ran out and was taken over). */
  async renewChange(id: string, owner: string, until: Date): Promise<boolean> {
    return (await this.prisma.appointment.updateMany({ where: { id, changeLockedBy: owner }, data: { changeLockedUntil: until } })).count === 1;
  }

  async releaseChange(id: string, owner: string): Promise<void> {
    await this.prisma.appointment.updateMany({ where: { id, changeLockedBy: owner }, data: { changeLockedBy: null, changeLockedUntil: null } });
  }

  /** Marks the appointment cancelled; one cancelled already keeps its first reason (and records no second event). */
  cancelled(id: string, reason: string | null): Promise<AppointmentRow> {
    return this.changing(async (tx) => {
      const { count } = await tx.appointment.updateMany({ where: { id, status: { not: "cancelled" } }, data: { status: "cancelled", cancellationReason: reason } });
      const row = await tx.appointment.findUniqueOrThrow({ where: { id } });
      return count === 1 ? { row, change: { type: "appointment.cancelled", appointment: row } } : { row };
    });
  }

  /**
   * Records the host's decision on a pending appointment: accepted (`appointment.confirmed`) or declined (cancelled,
   * `appointment.declined`). Only a row still pending changes, so the decision is recorded once whether our call or
   * Cal.com's webhook for it (applied by the mirror) comes first.
   */
  decided(id: string, decision: "confirm" | "decline", reason: string | null): Promise<AppointmentRow> {
    return this.changing(async (tx) => {
      const data = decision === "confirm" ? { status: "accepted" as const } : { status: "cancelled" as const, cancellationReason: reason };
      const { count } = await tx.appointment.updateMany({ where: { id, status: "pending" }, data });
      const row = await tx.appointment.findUniqueOrThrow({ where: { id } });
      return count === 1 ? { row, change: { type: decision === "confirm" ? "appointment.confirmed" : "appointment.declined", appointment: row } } : { row };
    });
  }

  /** Whether the host declined the appointment (it is stored cancelled; its `appointment.declined` event says why). */
  async declined(organizationId: string, id: string): Promise<boolean> {
    return (await this.prisma.appointmentEvent.count({ where: { organizationId, appointmentId: id, type: "appointment.declined" } })) > 0;
  }

  /**
   * The agent's calendar as the Cal.com mirror holds it: the agent's own appointments and every other appointment of
   * its account (made outside Agni, or by another agent sharing an org-level account) of the agent's event type, if it
   * has one.
   */
  list(
    organizationId: string,
    agentId: string,
    filter: { status?: "upcoming" | "past" | "cancelled" | "all"; limit: number; now: Date; accountId: string; eventTypeId: number | null },
  ) {
    const account: Prisma.AppointmentWhereInput = { calcomAccountId: filter.accountId, ...(filter.eventTypeId !== null ? { calcomEventTypeId: filter.eventTypeId } : {}) };
    const where: Prisma.AppointmentWhereInput = { organizationId, OR: [{ agentId }, account] };
    if (filter.status === "upcoming") Object.assign(where, { status: { not: "cancelled" }, endTime: { gte: filter.now } });
    if (filter.status === "past") Object.assign(where, { status: { not: "cancelled" }, endTime: { lt: filter.now } });
    if (filter.status === "cancelled") Object.assign(where, { status: "cancelled" });
    return this.prisma.appointment.findMany({ where, orderBy: { startTime: "asc" }, take: filter.limit });
  }

  /**
   * The account's upcoming (not cancelled, not yet over) appointments with this attendee phone (E.164) and email
   * (lower-case), each when given, starting within [from, to) when given; earliest first. The ones the agent may
   * change (findChangeable): its own and every booking made outside Agni that the mirror holds for the account.
   * Indexed by (calcom_account_id, attendee_phone | attendee_email).
   */
  upcomingMatching(
    organizationId: string,
    accountId: string,
    agentId: string,
    match: { phone?: string; email?: string; from?: Date; to?: Date },
    filter: { now: Date; limit: number },
  ) {
    return this.prisma.appointment.findMany({
      where: {
        organizationId,
        calcomAccountId: accountId,
        OR: [{ agentId }, { agentId: null }],
        status: { not: "cancelled" },
        endTime: { gte: filter.now },
        ...(match.phone ? { attendeePhone: match.phone } : {}),
        ...(match.email ? { attendeeEmail: match.email } : {}),
        ...(match.from || match.to ? { startTime: { ...(match.from ? { gte: match.from } : {}), ...(match.to ? { lt: match.to } : {}) } } : {}),
      },
      orderBy: { startTime: "asc" },
      take: filter.limit,
    });
  }

  /** The one write on the appointment path to cached data: the account's status (its cache entries are dropped). */
  async markAccount(organizationId: string, id: string, status: "invalid" | "error", error: string) {
    await this.prisma.calcomAccount.update({ where: { id }, data: { status, error } });
    await this.cache?.changed(organizationId);
  }
}
