import { isUniqueViolation } from "../../db/errors";
import type { Prisma, PrismaClient } from "../../db/prisma";

/** How long a completed answer is kept (and a dead claim, before it is swept). */
export const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;

/** The `idempotency_records` table: one row per (organisation, key), a claim in progress or a completed answer. */
export class IdempotencyRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * Inserts an `in_progress` claim that lasts until `until`, after clearing an expired row of the key. Null when
   * another claim or answer holds the key; otherwise whether the cleared row was a claim of the same request whose
   * owner died (`recovering`).
   */
  async claim(organizationId: string, key: string, hash: string, until: Date): Promise<{ recovering: boolean } | null> {
    const expired = await this.prisma.$queryRaw<{ state: string; request_hash: string }[]>`
      DELETE FROM idempotency_records WHERE organization_id = ${organizationId} AND key = ${key} AND expires_at < ${new Date()}
      RETURNING state::text, request_hash`;
    const recovering = expired.some((row) => row.state === "in_progress" && row.request_hash === hash);
    try {
      await this.prisma.idempotencyRecord.create({ data: { organizationId, key, requestHash: hash, expiresAt: until } });
      return { recovering };
    } catch (err) {
      if (isUniqueViolation(err)) return null;
      throw err;
    }
  }

  find(organizationId: string, key: string) {
    return this.prisma.idempotencyRecord.findUnique({ where: { organizationId_key: { organizationId, key } } });
  }

  /** Extends a claim still in progress. */
  async renew(organizationId: string, key: string, until: Date): Promise<void> {
    await this.prisma.idempotencyRecord.updateMany({ where: { organizationId, key, state: "in_progress" }, data: { expiresAt: until } });
  }

  /** Stores the answer of a claim; it is replayed until `until`. */
  async complete(organizationId: string, key: string, answer: { status: number; body: Prisma.InputJsonValue }, until: Date): Promise<void> {
    await this.prisma.idempotencyRecord.update({
      where: { organizationId_key: { organizationId, key } },
      data: { state: "completed", responseStatus: answer.status, responseBody: answer.body, expiresAt: until },
    });
  }

  /** Lets go of a key whose work failed (a failure is never replayed). */
  async release(organizationId: string, key: string): Promise<void> {
    await this.prisma.idempotencyRecord.deleteMany({ where: { organizationId, key } });
  }

  /** Forgets one completed answer (not one a concurrent caller may have stored since). */
  async forget(organizationId: string, key: string, row: { createdAt: Date; expiresAt: Date }): Promise<void> {
    await this.prisma.idempotencyRecord.deleteMany({ where: { organizationId, key, state: "completed", createdAt: row.createdAt, expiresAt: row.expiresAt } });
  }

  /**
   * Deletes what no request can use any more: completed answers past their 24 hours, and claims whose owner died more
   * than 24 hours ago. A dead claim is kept that long (not just past its lease) because a retry that finds it takes over
   * as `recovering` and looks for the booking the dead attempt may have made; without the row it would book again.
   */
  async sweep(now = new Date()): Promise<number> {
    const { count } = await this.prisma.idempotencyRecord.deleteMany({
      where: {
        OR: [
          { state: "completed", expiresAt: { lt: now } },
          { state: "in_progress", expiresAt: { lt: new Date(now.getTime() - IDEMPOTENCY_TTL_MS) } },
        ],
      },
    });
    return count;
  }
}
