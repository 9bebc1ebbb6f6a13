import type { RateLimitStore } from "@agni/calcom";
import type { Logger } from "pino";
import type { AppConfig } from "./config";
import type { Database } from "./db/database";
import { scheduleHousekeeping } from "./housekeeping";
import { type JobBackend, JobEngine } from "./jobs/engine";
import { SecretBox } from "./lib/crypto";
import { createCalcomGateway, type CalcomGateway } from "./modules/calcom/calcom-gateway";
import { MirrorQueue } from "./modules/mirror/intake-queue";
import { createMirror } from "./modules/mirror/mirror";
import { DeliveryQueue } from "./modules/webhooks/delivery-queue";
import { WebhookDispatcher } from "./modules/webhooks/dispatcher";
import { WebhooksRepository } from "./modules/webhooks/webhooks.repository";

export type BackgroundConfig = Pick<AppConfig, "redisUrl" | "workers" | "jobs" | "housekeepingIntervalMs" | "webhooks" | "encryptionKey" | "previousEncryptionKeys"> &
  Partial<Pick<AppConfig, "publicUrl" | "calcomTimeoutMs" | "calcomRateLimit" | "calcomAgentShare" | "calcomAllowedOrigins" | "mirror">>;

/** Defaults of the Cal.com mirror when the configuration leaves them out (tests). */
const DEFAULT_MIRROR = { reconcileIntervalMs: 5 * 60_000, sharePercent: 10 };
const MIRROR_CONCURRENCY = 4;

/** How the API (app.ts) and the workers reach Cal.com, from the same settings. */
export function gatewayFor(config: BackgroundConfig, rateLimitStore?: RateLimitStore): CalcomGateway {
  return createCalcomGateway({
    timeoutMs: config.calcomTimeoutMs ?? 8_000,
    rateLimitPerMinute: config.calcomRateLimit,
    agentSharePercent: config.calcomAgentShare,
    backgroundSharePercent: (config.mirror ?? DEFAULT_MIRROR).sharePercent,
    rateLimitStore,
    allowedOrigins: config.calcomAllowedOrigins,
  });
}

/** Where this process's jobs live: Redis when configured, else the API's PostgreSQL, else its embedded PGlite. */
export function jobBackendFor(redisUrl: string | undefined, db: Pick<Database, "kind" | "pglite">, databaseUrl: string | undefined): JobBackend {
  if (redisUrl) return { kind: "redis", url: redisUrl };
  if (db.kind === "postgres" && databaseUrl) return { kind: "postgres", url: databaseUrl };
  if (db.pglite) return { kind: "pglite", pglite: db.pglite };
  throw new Error("no job backend: PostgreSQL without a connection string");
}

export interface Background {
  engine: JobEngine;
  /** The producer side: the API queues deliveries through it. */
  deliveries: DeliveryQueue;
  /** The Cal.com mirror's queue: the webhook intake queues verified deliveries on it. */
  mirror: MirrorQueue;
  /** Stops taking jobs; the active ones finish (SIGTERM: while requests in flight drain). */
  stopWorkers(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens the job engine and, when this process runs workers, the workers and schedulers: webhook deliveries (and their
 * sweep) and housekeeping. Used by the API (main.ts), `npm run worker` (worker.ts) and the tests.
 */
export async function startBackground(options: {
  db: Pick<Database, "prisma" | "kind" | "pglite">;
  databaseUrl?: string;
  config: BackgroundConfig;
  logger: Logger;
  /** Where Cal.com keys' budgets live (shared by replicas), as for the API. */
  calcomBudget?: RateLimitStore;
}): Promise<Background> {
  const { db, config, logger } = options;
  const engine = await JobEngine.open(jobBackendFor(config.redisUrl, db, options.databaseUrl), logger, config.jobs);
  const deliveries = new DeliveryQueue(engine, logger);
  const mirrorQueue = new MirrorQueue(engine, logger);
  if (config.workers) {
    const repo = new WebhooksRepository(db.prisma);
    const box = new SecretBox(config.encryptionKey, config.previousEncryptionKeys);
    await deliveries.work(repo, new WebhookDispatcher(repo, box, config.webhooks, logger), config.webhooks.concurrency);
    await scheduleHousekeeping(engine, db.prisma, logger, config.housekeepingIntervalMs);
    const mirror = createMirror({ prisma: db.prisma, gateway: gatewayFor(config, options.calcomBudget), box, publicUrl: config.publicUrl, deliveries, queue: mirrorQueue, logger, waitlistOfferMs: config.mirror?.waitlistOfferMs });
    const { reconcileIntervalMs } = config.mirror ?? DEFAULT_MIRROR;
    await mirrorQueue.work({ repo: mirror.repo, applier: mirror.applier, reconciler: mirror.reconciler, passOnLapsed: mirror.passOnLapsed, intervalMs: reconcileIntervalMs, concurrency: MIRROR_CONCURRENCY });
  }
  return { engine, deliveries, mirror: mirrorQueue, stopWorkers: () => engine.stopWorkers(), close: () => engine.close() };
}
