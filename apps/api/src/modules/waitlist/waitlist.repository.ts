import type { WaitlistStatus } from "@agni/contracts";
import { isUniqueViolation } from "../../db/errors";
import type { Prisma, PrismaClient } from "../../db/prisma";

export type WaitlistRow = Prisma.WaitlistEntryGetPayload<object>;
export type NewWaitlistEntry = Omit<Prisma.WaitlistEntryUncheckedCreateInput, "id" | "status" | "createdAt" | "updatedAt">;

/** Entries that are still open (a time may yet be offered to them, or one is held for them). */
const OPEN: WaitlistStatus[] = ["waiting", "offered"];

/**
 * A status filter as callers read statuses: an entry whose expiry passed before anything was offered is `expired`
 * whatever the row says (nothing sweeps them; the offer path never picks them).
 */
function statusWhere(status: WaitlistStatus | undefined, now: Date): Prisma.WaitlistEntryWhereInput {
  if (status === "waiting") return { status: "waiting", expiresAt: { gt: now } };
  if (status === "expired") return { OR: [{ status: "expired" }, { status: "waiting", expiresAt: { lte: now } }] };
  return status ? { status } : {};
}

/** The waitlist's storage. Every query is scoped to the organisation. */
export class WaitlistRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * Adds the caller unless they already have an open entry for the same window with the agent (a unique index decides,
   * so two identical requests at once add one): then that one is the answer, `created: false`.
   */
  async join(data: NewWaitlistEntry): Promise<{ entry: WaitlistRow; created: boolean }> {
    try {
      return { entry: await this.prisma.waitlistEntry.create({ data }), created: true };
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const entry = await this.prisma.waitlistEntry.findFirst({
        where: {
          organizationId: data.organizationId,
          agentId: data.agentId,
          contactKey: data.contactKey,
          windowStart: data.windowStart,
          windowEnd: data.windowEnd,
          status: { in: OPEN },
        },
      });
      if (!entry) throw err;
      return { entry, created: false };
    }
  }

  async list(
    organizationId: string,
    filter: { agentId?: string; status?: WaitlistStatus },
    page: { limit: number; offset: number },
    now: Date,
  ): Promise<{ rows: WaitlistRow[]; total: number }> {
    const where: Prisma.WaitlistEntryWhereInput = { organizationId, ...(filter.agentId ? { agentId: filter.agentId } : {}), ...statusWhere(filter.status, now) };
    const [rows, total] = await Promise.all([
      this.prisma.waitlistEntry.findMany({ where, orderBy: [{ createdAt: "asc" }, { id: "asc" }], take: page.limit, skip: page.offset }),
      this.prisma.waitlistEntry.count({ where }),
    ]);
    return { rows, total };
  }

  get(organizationId: string, id: string): Promise<WaitlistRow | null> {
    return this.prisma.waitlistEntry.findFirst({ where: { id, organizationId } });
  }

  /**
   * The offer of this time to this caller (by phone or email), still open: the entry whose Cal.com reservation their
   * booking must name, and which it marks booked.
   */
  offerTo(calcomAccountId: string, eventTypeId: number, start: Date, contact: { phone: string | null; email: string | null }, now: Date): Promise<WaitlistRow | null> {
    const who = [...(contact.phone ? [{ attendeePhone: contact.phone }] : []), ...(contact.email ? [{ attendeeEmail: contact.email }] : [])];
    if (who.length === 0) return Promise.resolve(null);
    return this.prisma.waitlistEntry.findFirst({
      where: { calcomAccountId, eventTypeId, offeredStart: start, status: "offered", offerExpiresAt: { gt: now }, OR: who },
      orderBy: { createdAt: "asc" },
    });
  }

  async booked(id: string, now: Date): Promise<void> {
    await this.prisma.waitlistEntry.updateMany({ where: { id, status: "offered" }, data: { status: "booked", updatedAt: now } });
  }

  /** Cancels an open entry (a conditional update: an offer being made at the same moment either lands first or not at all). */
  async cancel(organizationId: string, id: string, now: Date): Promise<WaitlistRow | null> {
    await this.prisma.waitlistEntry.updateMany({ where: { id, organizationId, status: { in: OPEN } }, data: { status: "cancelled", updatedAt: now } });
    return this.get(organizationId, id);
  }
}
