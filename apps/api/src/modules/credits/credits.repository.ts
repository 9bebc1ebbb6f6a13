import type { CreditChargeStatus, CreditMode } from "@agni/contracts";
import type { Prisma, PrismaClient } from "../../db/prisma";
import { isUniqueViolation } from "../../db/errors";

export type CreditSettingsRow = Prisma.CreditSettingsGetPayload<object>;
export type CreditChargeRow = Prisma.CreditChargeGetPayload<object>;

/** A call session of one agent of one organisation. */
export interface SessionKey {
  organizationId: string;
  agentId: string;
  callSessionId: string;
}

/** A claim on a `charging` session older than this is taken over (its process died mid-charge; `externalRef` keeps it single). */
const STALE_CHARGING_MS = 60_000;

/** Cal.com's `externalRef` for a call session: unique per agent, the same on every retry. */
export const externalRefOf = (s: SessionKey) => `agni:${s.agentId}:${s.callSessionId}`;

const where = (s: SessionKey) => ({ organizationId: s.organizationId, agentId: s.agentId, callSessionId: s.callSessionId });

/** Credit settings and call sessions' credits. Every query is scoped to the organisation. */
export class CreditsRepository {
  constructor(private readonly prisma: PrismaClient) {}

  settings(organizationId: string): Promise<CreditSettingsRow | null> {
    return this.prisma.creditSettings.findUnique({ where: { organizationId } });
  }

  saveSettings(organizationId: string, data: { enabled: boolean; mode: CreditMode; perAction: Record<string, number> }): Promise<CreditSettingsRow> {
    return this.prisma.creditSettings.upsert({ where: { organizationId }, create: { organizationId, ...data }, update: data });
  }

  session(s: SessionKey): Promise<CreditChargeRow | null> {
    return this.prisma.creditCharge.findFirst({ where: where(s) });
  }

  /** Adds one billable action's credits to an open session (creating it); false when the session is already completed. */
  async addCredits(s: SessionKey, credits: number, noCreditsAtCheck: boolean): Promise<boolean> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const updated = await this.prisma.creditCharge.updateMany({
        where: { ...where(s), status: "open" },
        data: { credits: { increment: credits }, actions: { increment: 1 }, updatedAt: new Date(), ...(noCreditsAtCheck ? { noCreditsAtCheck } : {}) },
      });
      if (updated.count === 1) return true;
      try {
        await this.prisma.creditCharge.create({ data: { ...where(s), credits, actions: 1, noCreditsAtCheck, externalRef: externalRefOf(s) } });
        return true;
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
      }
    }
    return false;
  }

  /** Takes the session for charging (open, or a stale charge); creates an empty one when the call had nothing billable. */
  async claim(s: SessionKey): Promise<CreditChargeRow | null> {
    const now = new Date();
    const claimed = await this.prisma.creditCharge.updateMany({
      where: { ...where(s), OR: [{ status: "open" }, { status: "charging", updatedAt: { lt: new Date(now.getTime() - STALE_CHARGING_MS) } }] },
      data: { status: "charging", updatedAt: now },
    });
    if (claimed.count === 1) return this.session(s);
    try {
      return await this.prisma.creditCharge.create({ data: { ...where(s), status: "charging", externalRef: externalRefOf(s) } });
    } catch (err) {
      if (isUniqueViolation(err)) return null;
      throw err;
    }
  }

  /** Ends a charge: `charged` or `unpaid`, or back to `open` (Cal.com unreachable: completing again is safe). */
  settle(id: string, status: Extract<CreditChargeStatus, "open" | "charged" | "unpaid">, lastError: string | null): Promise<CreditChargeRow> {
    const now = new Date();
    return this.prisma.creditCharge.update({ where: { id }, data: { status, lastError, updatedAt: now, chargedAt: status === "open" ? null : now } });
  }

  async list(organizationId: string, query: { limit: number; offset: number; status?: CreditChargeStatus }) {
    const w = { organizationId, ...(query.status ? { status: query.status } : {}) };
    const [items, total] = await this.prisma.$transaction([
      this.prisma.creditCharge.findMany({ where: w, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: query.limit, skip: query.offset }),
      this.prisma.creditCharge.count({ where: w }),
    ]);
    return { items, total };
  }
}
