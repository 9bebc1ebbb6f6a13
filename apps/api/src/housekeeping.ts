import type { Logger } from "pino";
import type { PrismaClient } from "./db/prisma";
import { sweepCalcomBudgets } from "./lib/pg-rate-limit-store";
import { sweepIdempotencyRecords } from "./modules/appointments/idempotency";

/** Removes rows that have outlived their use; safe on every replica at once (each delete is one statement). */
export async function sweepExpiredRows(prisma: PrismaClient, now = new Date()) {
  return {
    idempotencyRecords: await sweepIdempotencyRecords(prisma, now),
    calcomBudgets: await sweepCalcomBudgets(prisma, now.getTime()),
  };
}

/** Sweeps once shortly after start and then every `everyMs`; a failed sweep is logged and tried again next time. */
export function startHousekeeping(prisma: PrismaClient, logger: Pick<Logger, "info" | "warn">, everyMs = 10 * 60_000): { stop(): void } {
  const sweep = () =>
    sweepExpiredRows(prisma).then(
      (removed) => {
        if (removed.idempotencyRecords + removed.calcomBudgets > 0) logger.info({ removed }, "removed expired rows");
      },
      (err: unknown) => logger.warn({ err }, "housekeeping sweep failed; trying again later"),
    );
  const first = setTimeout(sweep, 5_000);
  const timer = setInterval(sweep, everyMs);
  first.unref();
  timer.unref();
  return {
    stop() {
      clearTimeout(first);
      clearInterval(timer);
    },
  };
}
