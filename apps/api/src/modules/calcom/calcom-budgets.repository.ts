import type { BudgetShare, RateLimitStore } from "@agni/calcom";
import { Prisma, type PrismaClient } from "../../db/prisma";

/**
 * The Cal.com per-key request budget in PostgreSQL, shared by every API replica on the same database when no Redis
 * is configured. The same rolling-window rule as the in-memory and Redis stores (budgetWait in @agni/calcom), in one
 * statement: the upsert locks the key's row and always works on its latest version, so concurrent takers on any
 * connection queue up on it. `sent_by` runs parallel to `sent_at`: who sent each request (a share id, or '' for none).
 */
export class PgRateLimitStore implements RateLimitStore {
  constructor(private readonly prisma: PrismaClient) {}

  async take(key: string, limit: number, windowMs: number, now: number, share?: BudgetShare): Promise<number> {
    const at = BigInt(Math.floor(now));
    const window = BigInt(Math.ceil(windowMs));
    const by = share?.id ?? "";
    // The entries still inside the window, oldest first (SET expressions all read the row as it was); ties keep
    // their order of insertion, so that the two arrays stay parallel (rows from before sent_by existed pad it with nulls).
    const inWindow = (column: "t" | "a", mineOnly = false) =>
      Prisma.sql`ARRAY(SELECT ${Prisma.raw(column === "a" ? "coalesce(a, '')" : "t")} FROM unnest(b.sent_at, b.sent_by) WITH ORDINALITY AS u(t, a, n)
        WHERE t > ${at - window}::bigint ${mineOnly ? Prisma.sql`AND a = ${by}::text` : Prisma.empty} ORDER BY t, n)`;
    const [kept, keptBy, mine] = [inWindow("t"), inWindow("a"), inWindow("t", true)];
    const waitFor = (log: Prisma.Sql, max: number | bigint) =>
      Prisma.sql`CASE WHEN cardinality(${log}) >= ${max}::int THEN GREATEST(1, (${log})[cardinality(${log}) - ${max}::int + 1] + ${window}::bigint - ${at}::bigint) ELSE 0 END`;
    const wait = share ? Prisma.sql`GREATEST(${waitFor(kept, limit)}, ${waitFor(mine, share.limit)})` : waitFor(kept, limit);
    const rows = await this.prisma.$queryRaw<{ wait: bigint }[]>`
      INSERT INTO calcom_budgets AS b (key, sent_at, sent_by, last_wait) VALUES (${key}, ARRAY[${at}::bigint], ARRAY[${by}::text], 0)
      ON CONFLICT (key) DO UPDATE SET
        last_wait = ${wait},
        sent_at = CASE WHEN ${wait} > 0 THEN ${kept} ELSE ${kept} || ${at}::bigint END,
        sent_by = CASE WHEN ${wait} > 0 THEN ${keptBy} ELSE ${keptBy} || ${by}::text END
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
