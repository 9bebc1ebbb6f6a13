import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import type { Logger } from "pino";
import { applyMigrations, findMigrationsDir } from "./migrator";
import { PrismaClient } from "./prisma";

export interface Database {
  prisma: PrismaClient;
  kind: "pglite" | "postgres";
  /** The embedded database itself (PGlite only), which the job engine shares in-process. */
  pglite?: PGlite;
  /** Resolves when the database answers a trivial query (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** PostgreSQL connection string; when absent the embedded PGlite database is used. */
  databaseUrl?: string;
  /** Where PGlite keeps its files; absent means in memory (tests). Ignored for PostgreSQL. */
  dataDir?: string;
  /** Apply pending migrations before returning (default true). */
  migrate?: boolean;
  migrationsDir?: string;
  logger?: Pick<Logger, "info">;
  /** How long a new PostgreSQL connection may take before the request fails with 503 (default 5 s). */
  connectTimeoutMs?: number;
}

// Held for the whole migration run so that API replicas starting together on one PostgreSQL apply each migration once.
const MIGRATION_LOCK_KEY = 7_142_011_305;

/** Opens the database the configuration names, migrated to the committed schema. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const migrate = options.migrate ?? true;
  if (options.databaseUrl) {
    if (migrate) await migratePostgres({ ...options, databaseUrl: options.databaseUrl });
    // Without a connect timeout a database host that accepts but never answers would hold every request forever.
    const factory = new PrismaPg({ connectionString: options.databaseUrl, connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000 });
    const prisma = new PrismaClient({ adapter: factory });
    return {
      prisma,
      kind: "postgres",
      ping: async () => void (await prisma.$queryRaw`SELECT 1`),
      close: () => prisma.$disconnect(),
    };
  }

  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const pglite = new PGlite(options.dataDir);
  const factory = new PrismaPGlite(pglite);
  if (migrate) await runMigrations(factory, options);
  const prisma = new PrismaClient({ adapter: factory });
  return {
    prisma,
    kind: "pglite",
    pglite,
    ping: async () => void (await pglite.query("SELECT 1")),
    close: async () => {
      await prisma.$disconnect();
      await pglite.close();
    },
  };
}

async function runMigrations(factory: SqlMigrationAwareDriverAdapterFactory, options: OpenDatabaseOptions) {
  const applied = await applyMigrations(factory, options.migrationsDir ?? findMigrationsDir());
  if (applied.length > 0) options.logger?.info({ migrations: applied }, "applied database migrations");
}

async function migratePostgres(options: OpenDatabaseOptions & { databaseUrl: string }) {
  // A session-level lock needs one dedicated connection, not a pool.
  const lock = new pg.Client({ connectionString: options.databaseUrl });
  await lock.connect();
  // The schema engine takes Prisma's own session-level advisory lock and never lets go of it; on a connection that
  // went back into the serving pool the lock would outlive the migration and stall the next replica's start for as
  // long as that connection stays busy. Its own pool, ended here, releases it.
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 2 });
  try {
    await lock.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
    await runMigrations(new PrismaPg(pool), options);
  } finally {
    await pool.end();
    await lock.end();
  }
}
