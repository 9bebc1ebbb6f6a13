import type { Logger } from "pino";
import type { PrismaClient } from "./db/prisma";
import type { JobEngine } from "./jobs/engine";
import { IdempotencyRepository } from "./modules/appointments/idempotency.repository";
import { sweepCalcomBudgets } from "./modules/calcom/calcom-budgets.repository";
import { WebhooksRepository } from "./modules/webhooks/webhooks.repository";

export const SYSTEM_QUEUE = "agni-system";
/** Events (with their finished deliveries and attempts) are kept this long, for the deliveries listing and redelivery. */
export const EVENT_RETENTION_MS = 30 * 24 * 3_600_000;

/** Removes rows that have outlived their use; safe on every replica at once (each delete is one statement). */
export async function sweepExpiredRows(prisma: PrismaClient, now = new Date()) {
  return {
    idempotencyRecords: await new IdempotencyRepository(prisma).sweep(now),
    calcomBudgets: await sweepCalcomBudgets(prisma, now.getTime()),
    appointmentEvents: await new WebhooksRepository(prisma).pruneEvents(new Date(now.getTime() - EVENT_RETENTION_MS)),
  };
}

/**
 * Sweeps every `everyMs` through a BullMQ job scheduler: once per interval across all replicas and worker processes
 * (each upserts the same scheduler; one of them claims each run). A failed sweep is logged and runs again next time.
 */
export async function scheduleHousekeeping(engine: JobEngine, prisma: PrismaClient, logger: Pick<Logger, "info">, everyMs: number): Promise<void> {
  engine.work(SYSTEM_QUEUE, {
    housekeeping: async (job) => {
      const removed = await sweepExpiredRows(prisma);
      logger.info({ run: job.id, removed }, "housekeeping ran");
    },
  });
  await engine.every(SYSTEM_QUEUE, "housekeeping", everyMs, "housekeeping");
}
