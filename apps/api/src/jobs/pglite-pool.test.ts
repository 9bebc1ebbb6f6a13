import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../db/database";
import { runJobScenario } from "../../test/support/job-scenario";
import { JobEngine } from "./engine";
import { createPglitePool } from "./pglite-pool";

/** Resolves once `check` holds, polling; fails with `what` after `ms`. */
async function until(check: () => boolean | Promise<boolean>, what: string, ms = 15_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("createPglitePool (BullMQ's pg.Pool shape over an in-process PGlite)", () => {
  let db: PGlite;
  beforeAll(async () => {
    db = new PGlite();
    await db.exec("CREATE TABLE t (id int8 PRIMARY KEY, n numeric, label text)");
  });
  afterAll(() => db.close());

  it("answers like node-postgres: rows, rowCount, int8 and numeric as strings, several statements without parameters", async () => {
    const pool = createPglitePool(db);
    const inserted = await pool.query("INSERT INTO t (id, n, label) VALUES ($1, $2, $3), ($4, $5, $6)", [1, "1.50", "a", 2, "2.25", "b"]);
    expect(inserted.rowCount).toBe(2);
    const { rows } = await pool.query("SELECT id, n, label FROM t WHERE id = $1", [1]);
    expect(rows).toEqual([{ id: "1", n: "1.50", label: "a" }]);
    const last = await pool.query("-- a comment first, as BullMQ's files have\nUPDATE t SET label = 'c' WHERE id = 2; SELECT label FROM t WHERE id = 2");
    expect(last.rows).toEqual([{ label: "c" }]);
  });

  it("delivers NOTIFY to a client that ran LISTEN (comments and quotes allowed), and stops after UNLISTEN or release", async () => {
    const pool = createPglitePool(db);
    const client = await pool.connect();
    const heard: string[] = [];
    client.on("notification", (m) => heard.push(`${m.channel}:${m.payload}`));
    await client.query('-- subscribe\nLISTEN "jobs_channel";');
    await pool.query("SELECT pg_notify($1, $2)", ["jobs_channel", "one"]);
    await until(() => heard.length === 1, "the first notification");
    await client.query("UNLISTEN jobs_channel");
    await pool.query("SELECT pg_notify($1, $2)", ["jobs_channel", "two"]);
    await client.query("LISTEN jobs_channel");
    client.release();
    await pool.query("SELECT pg_notify($1, $2)", ["jobs_channel", "three"]);
    await new Promise((r) => setTimeout(r, 50));
    expect(heard).toEqual(["jobs_channel:one"]);
  });

  it("holds BEGIN … COMMIT/ROLLBACK on a checked-out client as one transaction, and rolls back one released while open", async () => {
    const pool = createPglitePool(db);
    const client = await pool.connect();
    await client.query("BEGIN");
    await client.query("INSERT INTO t (id, label) VALUES ($1, $2)", [10, "rolled back"]);
    await client.query("ROLLBACK");
    await client.query("BEGIN");
    await client.query("INSERT INTO t (id, label) VALUES ($1, $2)", [11, "committed"]);
    // Others wait for the open transaction (one session, one lock), as a row lock would make them on a server.
    const other = pool.query("SELECT count(*)::int AS n FROM t WHERE id = 11");
    await client.query("COMMIT");
    expect((await other).rows).toEqual([{ n: 1 }]);
    await client.query("BEGIN");
    await client.query("INSERT INTO t (id, label) VALUES ($1, $2)", [12, "released"]);
    client.release();
    const { rows } = await pool.query("SELECT id FROM t WHERE id IN (10, 11, 12) ORDER BY id");
    expect(rows).toEqual([{ id: "11" }]);
  });
});

// Keeps BullMQ honest on the adapter: an upgrade of bullmq that changes what it needs from a pg.Pool fails here.
describe("BullMQ's PostgreSQL backend on the adapter, next to Prisma on the same PGlite", () => {
  let database: Database;
  let engine: JobEngine;
  beforeAll(async () => {
    database = await openDatabase({});
    engine = await JobEngine.open({ kind: "pglite", pglite: database.pglite! }, console, { lockDurationMs: 2_000, stalledIntervalMs: 1_000, maxStalledCount: 10 });
  });
  afterAll(async () => {
    await engine?.close();
    await database?.close();
  });

  it("runs each job once, retries with the handler's own delay, dedupes by job id and fires a scheduler, while Prisma transactions roll back beside it", async () => {
    // Prisma interactive transactions that roll back, interleaved with BullMQ's writes: none of BullMQ's may go with them.
    const rollbacks = Array.from({ length: 10 }, (_, i) =>
      database.prisma
        .$transaction(async (tx) => {
          await tx.idempotencyRecord.create({ data: { organizationId: "org", key: `k${i}`, requestHash: "h", expiresAt: new Date() } });
          throw new Error("roll back");
        })
        .catch(() => undefined),
    );
    await runJobScenario(engine, rollbacks);
    expect(await database.prisma.idempotencyRecord.count()).toBe(0);
  });
});
