import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../src/db/database";
import { findMigrationsDir, pendingSchemaChanges } from "../src/db/migrator";
import { createTestDatabase, TEST_DATABASE_KIND } from "./support/test-database";

const committed = readdirSync(findMigrationsDir(), { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

describe(`database (${TEST_DATABASE_KIND})`, () => {
  let db: Database;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.close());

  it("applies every committed migration and records it in Prisma's own history table", async () => {
    const rows = await db.prisma.$queryRaw<{ migration_name: string; finished_at: Date | null; rolled_back_at: Date | null }[]>`
      SELECT migration_name, finished_at, rolled_back_at FROM _prisma_migrations ORDER BY migration_name`;
    expect(rows.map((r) => r.migration_name)).toEqual(committed);
    expect(rows.every((r) => r.finished_at !== null && r.rolled_back_at === null)).toBe(true);
  });

  it("rolls a multi-row change back completely when one statement fails", async () => {
    const orgId = `org_tx_${Date.now()}`;
    await expect(
      db.prisma.$transaction(async (tx) => {
        await tx.organization.create({ data: { id: orgId } });
        await tx.organization.create({ data: { id: orgId } }); // duplicate primary key
      }),
    ).rejects.toThrow();
    expect(await db.prisma.organization.findUnique({ where: { id: orgId } })).toBeNull();
  });

  it("answers the readiness ping", async () => {
    await expect(db.ping()).resolves.toBeUndefined();
  });
});

// Independent of the database under test, so it runs once (in the PGlite run).
describe.runIf(TEST_DATABASE_KIND === "pglite")("migrations", () => {
  it("match prisma/schema.prisma (a schema change without a migration fails here)", async () => {
    expect(await pendingSchemaChanges()).toBe("");
  }, 120_000);
});

describe.runIf(TEST_DATABASE_KIND === "pglite")("embedded PGlite on disk", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "agni-pglite-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps data across restarts and migrates only once", async () => {
    const first = await openDatabase({ dataDir: dir });
    await first.prisma.organization.create({ data: { id: "org_persisted" } });
    await first.close();

    const applied: unknown[] = [];
    const second = await openDatabase({ dataDir: dir, logger: { info: (fields: unknown) => applied.push(fields) } });
    expect(await second.prisma.organization.findUnique({ where: { id: "org_persisted" } })).not.toBeNull();
    expect(applied).toEqual([]);
    await second.close();
  });
});

describe.runIf(TEST_DATABASE_KIND === "postgres")("PostgreSQL start-up", () => {
  it("lets several API instances start on one fresh database at once (migrations applied exactly once)", async () => {
    const db = await createTestDatabase({ migrate: false });
    try {
      const url = db.url!;
      const opened = await Promise.all([1, 2, 3].map(() => openDatabase({ databaseUrl: url })));
      const rows = await opened[0]!.prisma.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM _prisma_migrations`;
      expect(Number(rows[0]!.n)).toBe(committed.length);
      await Promise.all(opened.map((d) => d.close()));
    } finally {
      await db.close();
    }
  });

  it("holds no lock once migrated, so a replica starting next never waits for a running one", async () => {
    const db = await createTestDatabase();
    try {
      // The running instance keeps its pool open and busy; the schema engine's own advisory lock must not be in it.
      await db.prisma.$queryRaw`SELECT 1`;
      const locks = await db.prisma.$queryRaw<{ objid: number }[]>`
        SELECT l.objid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND a.datname = current_database()`;
      expect(locks).toEqual([]);
      const next = await openDatabase({ databaseUrl: db.url! });
      await next.close();
    } finally {
      await db.close();
    }
  });
});
