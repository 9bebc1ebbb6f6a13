import { once } from "node:events";
import path from "node:path";
import { createApp } from "./app";
import { startBackground } from "./background";
import { ConfigError, loadConfig } from "./config";
import { openDatabase } from "./db/database";
import { createHttpServer } from "./http/server";
import { notifyOrgChanged, PgInvalidationBus } from "./db/invalidation-bus";
import { OrgCache } from "./lib/org-cache";
import { PgRateLimitStore } from "./modules/calcom/calcom-budgets.repository";
import { createRedisStores } from "./lib/redis-stores";
import { createLogger } from "./logger";
import { startupBanner } from "./startup-banner";

/** Starts the API: config → database (migrated) → app → listen, and shuts down cleanly on SIGTERM/SIGINT. */
async function main() {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  if (config.devSecretsFile) {
    logger.warn(
      { file: config.devSecretsFile },
      config.devSecretsGenerated ? "generated development secrets (set AGNI_JWT_SECRET and AGNI_ENCRYPTION_KEY in production)" : "using development secrets",
    );
  }
  if (config.env === "production" && !config.calcomAllowedOrigins) {
    logger.warn("AGNI_CALCOM_ALLOWED_ORIGINS is *: callers may point api_base_url at any address this server can reach");
  }

  const db = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.databaseUrl ? undefined : path.join(config.dataDir, "pglite"),
    logger,
  });
  // Rate budgets shared by replicas: in Redis when configured; else, on PostgreSQL, Cal.com's per-key budget lives in
  // the database (our own per-credential limit then stays per process).
  const stores = config.redisUrl ? createRedisStores(config.redisUrl) : undefined;
  const calcomBudget = stores?.calcom ?? (db.kind === "postgres" ? new PgRateLimitStore(db.prisma) : undefined);
  // On PostgreSQL, replicas tell each other about writes (LISTEN/NOTIFY) so that none serves a stale cached read.
  const bus = config.databaseUrl
    ? new PgInvalidationBus(config.databaseUrl, (orgId) => notifyOrgChanged(db.prisma, orgId), logger)
    : undefined;
  await bus?.start();
  const cache = new OrgCache({ bus });
  // Jobs (webhook deliveries, housekeeping): workers here unless AGNI_WORKERS=off (then `npm run worker` runs them).
  const background = await startBackground({ db, databaseUrl: config.databaseUrl, config, logger, calcomBudget });
  const app = createApp({
    prisma: db.prisma,
    ping: () => db.ping(),
    config,
    logger,
    stores: { ...stores, calcom: calcomBudget },
    cache,
    deliveries: background.deliveries,
    mirror: background.mirror,
  });
  const server = createHttpServer(app, config.server).listen(config.port, config.host);
  await once(server, "listening");
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  const url = `http://${config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host}:${port}`;
  logger.info({ url, database: db.kind, jobs: background.engine.kind, workers: config.workers }, "listening");
  process.stdout.write(startupBanner(url, db.kind === "pglite" ? `embedded PGlite in ${config.dataDir}` : "PostgreSQL"));

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    // Requests in flight get until the deadline; then the process exits whatever is still pending.
    const force = setTimeout(() => process.exit(1), config.shutdownTimeoutMs);
    force.unref();
    // Workers stop taking jobs at once and finish the ones they hold while requests drain; a job still running at the
    // deadline is released by its lock running out and taken over by another worker.
    const workersStopped = background.stopWorkers();
    server.close(async () => {
      await workersStopped;
      await background.close().catch(() => undefined);
      await bus?.close();
      await db.close().catch(() => undefined);
      await stores?.close();
      process.exit(0);
    });
    server.closeIdleConnections();
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

main().catch((err) => {
  process.stderr.write(`Agni API failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
