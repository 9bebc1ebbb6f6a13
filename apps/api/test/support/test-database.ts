import { randomUUID } from "node:crypto";
import pg from "pg";
import { type Database, openDatabase } from "../../src/db/database";

/** Which database this integration run uses (the vitest project sets it): in-memory PGlite, or PostgreSQL at DATABASE_URL. */
export const TEST_DATABASE_KIND: Database["kind"] = process.env.AGNI_TEST_DATABASE === "postgres" ? "postgres" : "pglite";

/**
 * A migrated, empty database for one test file. On PostgreSQL each call creates its own database next to the one
 * DATABASE_URL names (so test files never share rows) and drops it on close.
 */
export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<Database & { url?: string }> {
  const baseUrl = process.env.DATABASE_URL;
  if (TEST_DATABASE_KIND === "pglite") return openDatabase({ migrate: options.migrate });
  if (!baseUrl) throw new Error("The PostgreSQL test run needs DATABASE_URL");

  const name = `agni_test_${randomUUID().replace(/-/g, "").slice(0, 16)}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const db = await openDatabase({ databaseUrl: url.toString(), migrate: options.migrate });
  return {
    ...db,
    url: url.toString(),
    async close() {
      await db.close();
      const dropper = new pg.Client({ connectionString: baseUrl });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await dropper.end();
    },
  };
}
