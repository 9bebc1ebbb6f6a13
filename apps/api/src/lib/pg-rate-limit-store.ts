import type { RateLimitStore } from "@agni/calcom";
import { Prisma, type PrismaClient } from "../db/prisma";

/**
 * The Cal.com per-key request budget in PostgreSQL, shared by every API replica on the same database when no Redis
 * is configured. The same rolling-window rule as the in-memory and Redis stores, in one statement: the upsert locks
 * the key's row and always works on its latest version, so concurrent takers on any connection queue up on it.
 */
export class PgRateLimitStore implements RateLimitStore {
  constructor(private readonly prisma: PrismaClient) {}

  async take(key: string, limit: number, windowMs: number, now: number): Promise<number> {
    const at = BigInt(Math.floor(now));
    const window = BigInt(Math.ceil(windowMs));
    // The send times still inside the window, oldest first (SET expressions all read the row as it was).
    const kept = Prisma.sql`ARRAY(SELECT t FROM unnest(b.sent_at) AS t WHERE t > ${at - window}::bigint ORDER BY t)`;
    const full = Prisma.sql`cardinality(${kept}) >= ${limit}::int`;
    const rows = await this.prisma.$queryRaw<{ wait: bigint }[]>`
      INSERT INTO calcom_budgets AS b (key, sent_at, last_wait) VALUES (${key}, ARRAY[${at}::bigint], 0)
      ON CONFLICT (key) DO UPDATE SET
        last_wait = CASE WHEN ${full} THEN GREATEST(1, (${kept})[cardinality(${kept}) - ${limit}::int + 1] + ${window}::bigint - ${at}::bigint) ELSE 0 END,
        sent_at = CASE WHEN ${full} THEN ${kept} ELSE ${kept} || ${at}::bigint END
      RETURNING last_wait AS wait`;
    return Number(rows[0].wait);
  }
}

/** Deletes the budgets of keys that sent nothing for an hour (longer than any window), so the table does not keep a
 * row for every key ever used. A key that sends again starts a fresh row. */
export async function sweepCalcomBudgets(prisma: PrismaClient, now = Date.now()): Promise<number> {
  const cutoff = BigInt(Math.floor(now - 3_600_000));
  return prisma.$executeRaw`DELETE FROM calcom_budgets WHERE coalesce((SELECT max(t) FROM unnest(sent_at) AS t), 0) < ${cutoff}::bigint`;
}
