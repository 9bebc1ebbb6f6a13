import { Prisma, type PrismaClient } from "../../db/prisma";
import type { AppointmentRow } from "../appointments/appointments.repository";
import { type AppointmentChange, recordAppointmentChange } from "../events/outbox";
import { type FreedTime, freedBy } from "../waitlist/waitlist-offers";

export type MirrorAccount = Prisma.CalcomAccountGetPayload<object>;
type Tx = Prisma.TransactionClient;

/** The mirror's writes inside one transaction (the account's mirror lock held). */
export class MirrorWriter {
  constructor(
    private readonly tx: Tx,
    readonly organizationId: string,
  ) {}

  /** The organisation's appointment whose reschedule chain holds `uid`. */
  byUid(uid: string): Promise<AppointmentRow | null> {
    return this.tx.appointment.findFirst({ where: { organizationId: this.organizationId, calcomBookingUids: { has: uid } } });
  }

  /** Whether `agentId` is an agent of this organisation (a booking's metadata names one; anyone can write metadata). */
  async isAgent(agentId: string): Promise<boolean> {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(agentId)) return false;
    return (await this.tx.agent.count({ where: { id: agentId, organizationId: this.organizationId } })) === 1;
  }

  /**
   * The team of an event type the account's agents book, when it is a team's: known from the event-type webhook the
   * mirror keeps for it (registered or refused), so a team booking the mirror records first keeps its team.
   */
  async teamOf(accountId: string, eventTypeId: number | null): Promise<number | null> {
    if (eventTypeId === null) return null;
    const row = await this.tx.calcomEventTypeWebhook.findUnique({ where: { calcomAccountId_eventTypeId: { calcomAccountId: accountId, eventTypeId } }, select: { teamId: true } });
    return row?.teamId ?? null;
  }

  create(data: Omit<Prisma.AppointmentUncheckedCreateInput, "organizationId">): Promise<AppointmentRow> {
    return this.tx.appointment.create({ data: { ...data, organizationId: this.organizationId } });
  }

  /** Locks the row (our own reschedule and cancel lock it too) and returns it as it is now. */
  async lock(id: string): Promise<AppointmentRow> {
    await this.tx.$queryRaw`SELECT id FROM appointments WHERE id = ${id}::uuid FOR UPDATE`;
    return this.tx.appointment.findUniqueOrThrow({ where: { id } });
  }

  update(id: string, data: Prisma.AppointmentUncheckedUpdateInput): Promise<AppointmentRow> {
    return this.tx.appointment.update({ where: { id }, data });
  }
}

/** What the mirror stores: Cal.com accounts' webhook and reconciliation state, and the appointments it applies. */
export class MirrorRepository {
  constructor(private readonly prisma: PrismaClient) {}

  account(id: string): Promise<MirrorAccount | null> {
    return this.prisma.calcomAccount.findUnique({ where: { id } });
  }

  /** An account of the organisation (org-level or an agent's private key). */
  orgAccount(organizationId: string, id: string): Promise<MirrorAccount | null> {
    return this.prisma.calcomAccount.findFirst({ where: { id, organizationId } });
  }

  /** Connected accounts not reconciled since `before` (or never), oldest first. */
  async dueAccounts(before: Date, take: number): Promise<string[]> {
    const rows = await this.prisma.calcomAccount.findMany({
      // Not an account whose key Cal.com rejected (`invalid`): its runs would only fail until it is reconnected.
      where: { status: { in: ["active", "error"] }, apiKeyEncrypted: { not: null }, OR: [{ reconciledAt: null }, { reconciledAt: { lt: before } }] },
      orderBy: [{ reconciledAt: { sort: "asc", nulls: "first" } }, { id: "asc" }],
      select: { id: true },
      take,
    });
    return rows.map((r) => r.id);
  }

  /** Whether the organisation's mirror holds a booking uid (in any appointment's chain). */
  async knows(organizationId: string, uid: string): Promise<boolean> {
    return (await this.prisma.appointment.count({ where: { organizationId, calcomBookingUids: { has: uid } } })) > 0;
  }

  /**
   * Runs `decide` in one transaction holding the account's mirror lock (a transaction-scoped advisory lock: one apply
   * per account at a time, across processes, and never a row lock taken out of the order the booking flow takes them:
   * appointment, then account), records each change it returns through the outbox seam, and returns the deliveries
   * to queue after the commit. A booking our own booking flow recorded meanwhile (a unique violation on the
   * organisation's booking uid) was recorded, with its event, by that flow: nothing more to do.
   */
  async applying(
    account: Pick<MirrorAccount, "id" | "organizationId">,
    decide: (w: MirrorWriter) => Promise<AppointmentChange[]>,
    announce = true,
  ): Promise<{ changes: number; deliveries: string[]; freed: FreedTime[] }> {
    try {
      return await this.prisma.$transaction(async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`mirror:${account.id}`}, 0))`;
        const changes = await decide(new MirrorWriter(tx, account.organizationId));
        const deliveries: string[] = [];
        for (const change of changes) deliveries.push(...(await recordAppointmentChange(tx, change, { announce })));
        // Times the changes freed, for the waitlist (not for the calendar as it stood before the account was connected).
        const freed = announce ? changes.map(freedBy).filter((f): f is FreedTime => f !== null) : [];
        return { changes: changes.length, deliveries, freed };
      });
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") return { changes: 0, deliveries: [], freed: [] };
      throw err;
    }
  }

  /**
   * Stores `sealed` as the account's webhook secret unless another was stored since `seen` was read (a concurrent
   * registration); returns the one stored now.
   */
  async claimWebhookSecret(id: string, seen: string | null, sealed: string): Promise<string | null> {
    await this.prisma.calcomAccount.updateMany({ where: { id, webhookSecretEncrypted: seen }, data: { webhookSecretEncrypted: sealed } });
    return (await this.prisma.calcomAccount.findUnique({ where: { id }, select: { webhookSecretEncrypted: true } }))?.webhookSecretEncrypted ?? null;
  }

  async webhookRegistered(id: string, webhookId: number): Promise<void> {
    await this.prisma.calcomAccount.update({ where: { id }, data: { calcomWebhookId: webhookId, webhookError: null } });
  }

  async webhookFailed(id: string, error: string): Promise<void> {
    await this.prisma.calcomAccount.update({ where: { id }, data: { webhookError: error } });
  }

  async reconciled(id: string, cursor: Date, at: Date): Promise<void> {
    await this.prisma.calcomAccount.update({ where: { id }, data: { reconcileCursor: cursor, reconciledAt: at } });
  }
}
