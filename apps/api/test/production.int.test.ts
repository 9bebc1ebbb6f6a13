import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiProcess, deploymentSecrets, startApiProcess } from "./support/api-process";
import { createTestDatabase } from "./support/test-database";

// The built API (dist/main.js, as `npm start` runs it) as a production process, on this run's database: PostgreSQL,
// or an embedded PGlite in a fresh data directory per process.

let databaseUrl: string | undefined;
let closeDatabase: (() => Promise<void>) | undefined;
const dataDirs: string[] = [];
const processes: ApiProcess[] = [];
const secrets = deploymentSecrets();

beforeAll(async () => {
  if (process.env.AGNI_TEST_DATABASE === "postgres") {
    const db = await createTestDatabase();
    databaseUrl = db.url;
    closeDatabase = () => db.close();
  }
});
afterAll(async () => {
  for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL");
  await Promise.all(processes.map((p) => p.exited));
  await closeDatabase?.();
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

async function production(env: Record<string, string | undefined> = {}): Promise<ApiProcess> {
  const store = databaseUrl ? { DATABASE_URL: databaseUrl } : { AGNI_DATA_DIR: mkdtempSync(path.join(tmpdir(), "agni-production-")) };
  if (store.AGNI_DATA_DIR) dataDirs.push(store.AGNI_DATA_DIR);
  const p = await startApiProcess({ ...secrets, ...store, ...env });
  processes.push(p);
  return p;
}

/** The process's exit code, or "still running" if it has not exited within `ms`. */
const exitWithin = (p: ApiProcess, ms: number) => Promise.race([p.exited, sleep(ms).then(() => "still running")]);

describe("shutdown", () => {
  // Log lines of ~6 KB each (the request log names the path): a few hundred fill any pipe buffer.
  const fillLog = async (p: ApiProcess) => {
    const long = `/unknown${"/x".repeat(3_000)}`;
    for (let i = 0; i < 200; i++) expect((await fetch(p.url + long)).status).toBe(404);
  };

  it("exits within the shutdown deadline on SIGTERM when the reader of its log has stopped reading (pipe full)", async () => {
    const p = await production({ LOG_LEVEL: "info", AGNI_SHUTDOWN_TIMEOUT_MS: "2000" });
    p.child.stdout!.pause();
    await fillLog(p);
    p.child.kill("SIGTERM");
    expect(await exitWithin(p, 15_000)).toBe(0);
  }, 60_000);

  it("exits on SIGTERM when the reader of its log has gone (broken pipe), having kept serving", async () => {
    const p = await production({ LOG_LEVEL: "info", AGNI_SHUTDOWN_TIMEOUT_MS: "2000" });
    p.child.stdout!.destroy();
    await fillLog(p);
    expect((await fetch(`${p.url}/health`)).status).toBe(200);
    p.child.kill("SIGTERM");
    expect(await exitWithin(p, 15_000)).toBe(0);
  }, 60_000);
});
