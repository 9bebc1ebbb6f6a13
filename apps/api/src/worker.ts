import { startBackground } from "./background";
import { ConfigError, loadConfig } from "./config";
import { openDatabase } from "./db/database";
import { PgRateLimitStore } from "./modules/calcom/calcom-budgets.repository";
import { createRedisStores } from "./lib/redis-stores";
import { createLogger } from "./logger";

/**
 * `npm run worker`: runs the job workers (webhook deliveries, the Cal.com mirror, housekeeping) without serving HTTP, so that API and
 * workers scale separately. Needs PostgreSQL: the embedded database belongs to the one API process, which runs the
 * workers itself.
 */
async function main() {
  let config;
  try {
    config = loadConfig({ ...process.env, AGNI_WORKERS: "on" });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  if (!config.databaseUrl) {
    process.stderr.write(
      "npm run worker needs PostgreSQL (DATABASE_URL): the embedded database can only be opened by the API process, which runs the workers itself (AGNI_WORKERS=on, the default).\n",
    );
    process.exit(2);
  }
  const logger = createLogger(config.logLevel);
  const db = await openDatabase({ databaseUrl: config.databaseUrl, logger });
  // The mirror's Cal.com calls share each key's budget with the API replicas: in Redis when configured, else in PostgreSQL.
  const stores = config.redisUrl ? createRedisStores(config.redisUrl) : undefined;
  const calcomBudget = stores?.calcom ?? new PgRateLimitStore(db.prisma);
  const background = await startBackground({ db, databaseUrl: config.databaseUrl, config, logger, calcomBudget });
  logger.info({ jobs: background.engine.kind }, "worker running");
  process.stdout.write(`Agni worker running (jobs on ${background.engine.kind === "redis" ? "Redis" : "PostgreSQL"})\n`);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    // Jobs in flight get until the deadline; a job still running then is released by its lock running out.
    setTimeout(() => process.exit(1), config.shutdownTimeoutMs).unref();
    void background
      .close()
      .then(() => db.close())
      .then(() => stores?.close())
      .catch(() => undefined)
      .then(() => process.exit(0));
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

main().catch((err) => {
  process.stderr.write(`Agni worker failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
