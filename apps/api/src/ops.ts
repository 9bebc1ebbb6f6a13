// The API's operations entry point, `@agni/api/ops`: everything workspace scripts (tools/) use of the API. They import
// this module and nothing else of apps/api (lint enforces it), so the API's files can move without breaking them.
import path from "node:path";
import { loadConfig } from "./config";
import { openDatabase } from "./db/database";
import { SecretBox } from "./lib/crypto";
import { notifyOrgChanged } from "./db/invalidation-bus";
import { rotateStoredCalcomKeys, rotateWebhookSecrets, type KeyRotationReport } from "./modules/calcom/key-rotation";

export { createApp, type AppDeps } from "./app";
export { openDatabase, type Database } from "./db/database";
export { createMigration, MIGRATION_LOCK } from "./db/migrator";
export { createLogger } from "./logger";
export type { KeyRotationReport };

/**
 * Applies pending migrations where the API would find its database: PostgreSQL at `DATABASE_URL`, else the embedded
 * PGlite database under `AGNI_DATA_DIR` (default `.agni`). `onApplied` hears the names of the migrations applied.
 * Returns a description of the database for the operator.
 */
export async function migrateDatabase(env: NodeJS.ProcessEnv, onApplied: (names: string[] | undefined) => void): Promise<string> {
  const databaseUrl = env.DATABASE_URL || undefined;
  const dataDir = path.resolve(env.AGNI_DATA_DIR ?? ".agni", "pglite");
  const db = await openDatabase({
    databaseUrl,
    dataDir: databaseUrl ? undefined : dataDir,
    logger: { info: (fields: { migrations?: string[] }) => onApplied(fields.migrations) },
  });
  await db.close();
  return databaseUrl ? "PostgreSQL" : `PGlite in ${dataDir}`;
}

/**
 * Re-encrypts every stored Cal.com key (and webhook signing secret) under the configured `AGNI_ENCRYPTION_KEY`, reading old values with the keys in
 * `AGNI_ENCRYPTION_KEY_PREVIOUS`, on the API's database; on PostgreSQL, running replicas are told to drop the cached
 * accounts of the organisations touched. Stop the API first on PGlite (single-process).
 * @throws ConfigError when the environment is not a valid API configuration
 */
export async function rotateEncryptionKeys(env: NodeJS.ProcessEnv): Promise<KeyRotationReport & { webhookSecrets: KeyRotationReport }> {
  const config = loadConfig(env);
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.databaseUrl ? undefined : path.join(config.dataDir, "pglite") });
  try {
    const box = new SecretBox(config.encryptionKey, config.previousEncryptionKeys);
    const report = { ...(await rotateStoredCalcomKeys(db.prisma, box)), webhookSecrets: await rotateWebhookSecrets(db.prisma, box) };
    // Running replicas drop cached account rows of these organisations (they hold the old ciphertext).
    if (db.kind === "postgres") {
      for (const org of report.organizations) await notifyOrgChanged(db.prisma, org);
    }
    return report;
  } finally {
    await db.close();
  }
}
