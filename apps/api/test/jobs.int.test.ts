import { afterAll, beforeAll, describe, it } from "vitest";
import { jobBackendFor } from "../src/background";
import type { Database } from "../src/db/database";
import { JobEngine } from "../src/jobs/engine";
import { runJobScenario } from "./support/job-scenario";
import { createTestDatabase, TEST_DATABASE_KIND } from "./support/test-database";

// The job engine on the backend this run's database gives it (PGlite in-process, or PostgreSQL with one shared pool),
// and on Redis (CI starts it; REDIS_URL or 127.0.0.1:6379).
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const settings = { lockDurationMs: 2_000, stalledIntervalMs: 1_000, maxStalledCount: 10 };

describe(`job engine (${TEST_DATABASE_KIND})`, () => {
  let db: Database & { url?: string };
  const engines: JobEngine[] = [];
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await Promise.all(engines.map((e) => e.close()));
    await db?.close();
  });

  it(`runs, retries, dedupes and schedules jobs on the database (${TEST_DATABASE_KIND})`, async () => {
    const engine = await JobEngine.open(jobBackendFor(undefined, db, db.url), console, settings);
    engines.push(engine);
    await runJobScenario(engine);
  });

  it.skipIf(TEST_DATABASE_KIND !== "pglite")("does the same on Redis", async () => {
    const engine = await JobEngine.open(jobBackendFor(REDIS_URL, db, db.url), console, settings);
    engines.push(engine);
    const queue = `test-redis-${Date.now()}`;
    try {
      await runJobScenario(engine, [], queue);
    } finally {
      await engine.queue(queue).obliterate({ force: true });
    }
  });
});
