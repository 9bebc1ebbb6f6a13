import type { RateLimitStore } from "@agni/calcom";
import type { PrismaClient } from "../db/prisma";

/**
 * The Cal.com per-key request budget in PostgreSQL, shared by every API replica on the same database when no Redis
 * is configured. The same rolling-window rule as the in-memory and Redis stores, made atomic across connections by
 * a transaction-scoped advisory lock per key: the second statement starts after the lock is held, so it sees every
 * request another replica recorded before.
 */
export class PgRateLimitStore implements RateLimitStore {
  constructor(private readonly prisma: PrismaClient) {}

  async take(key: string, limit: number, windowMs: number, now: number): Promise<number> {
    const [at, since, window] = [BigInt(Math.floor(now)), BigInt(Math.floor(now - windowMs)), BigInt(Math.ceil(windowMs))];
    const [, rows] = await this.prisma.$transaction([
      this.prisma.$queryRaw`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))::text AS locked`,
      this.prisma.$queryRaw<{ wait: bigint }[]>`
        WITH expired AS (DELETE FROM calcom_requests WHERE key = ${key} AND sent_at <= ${since}),
        nth AS (
          SELECT sent_at FROM calcom_requests WHERE key = ${key} AND sent_at > ${since}
          ORDER BY sent_at DESC OFFSET ${limit - 1}::int LIMIT 1
        ),
        taken AS (INSERT INTO calcom_requests (key, sent_at) SELECT ${key}, ${at} WHERE NOT EXISTS (SELECT 1 FROM nth))
        SELECT COALESCE((SELECT GREATEST(1, sent_at + ${window} - ${at}) FROM nth), 0)::bigint AS wait`,
    ]);
    return Number(rows[0]!.wait);
  }
}
