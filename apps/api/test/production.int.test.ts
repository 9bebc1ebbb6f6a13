import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { createSandbox } from "@agni/calcom-sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiProcess, bearer, callApi, deploymentSecrets, startApiProcess } from "./support/api-process";
import { rawGet } from "./support/raw-http";
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

function freshStore(): Record<string, string> {
  if (databaseUrl) return { DATABASE_URL: databaseUrl };
  const dir = mkdtempSync(path.join(tmpdir(), "agni-production-"));
  dataDirs.push(dir);
  return { AGNI_DATA_DIR: dir };
}

async function production(env: Record<string, string | undefined> = {}, store = freshStore()): Promise<ApiProcess> {
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

describe("production settings", () => {
  it("refuses to start without AGNI_PUBLIC_URL, naming it with every other missing setting", async () => {
    const missingAll = await startApiProcess({ ...freshStore(), AGNI_PUBLIC_URL: undefined, AGNI_JWT_SECRET: undefined, AGNI_ENCRYPTION_KEY: undefined }).catch((e: Error) => e);
    expect(missingAll).toBeInstanceOf(Error);
    expect((missingAll as Error).message).toMatch(/exited \(2\) before listening[\s\S]*AGNI_JWT_SECRET[\s\S]*AGNI_ENCRYPTION_KEY[\s\S]*AGNI_PUBLIC_URL is required in production/);
    const missingUrl = await startApiProcess({ ...secrets, ...freshStore(), AGNI_PUBLIC_URL: undefined }).catch((e: Error) => e);
    expect(missingUrl).toBeInstanceOf(Error);
    expect((missingUrl as Error).message).toMatch(/exited \(2\)[\s\S]*AGNI_PUBLIC_URL is required in production/);
    expect((missingUrl as Error).message).not.toMatch(/AGNI_JWT_SECRET|AGNI_ENCRYPTION_KEY/);
  });

  it("lets accounts point at Cal.com's own API only, unless AGNI_CALCOM_ALLOWED_ORIGINS lists more; exports point at AGNI_PUBLIC_URL whatever the Host", async () => {
    const sandbox = createSandbox();
    const sandboxServer = await sandbox.listen(0, "127.0.0.1");
    try {
      const { apiKey } = sandbox.addUser({ username: `prod-${Date.now()}`, timeZone: "UTC" });
      const auth = await bearer(secrets.AGNI_JWT_SECRET, `org-production-${Date.now()}`);
      const connect = { api_key: apiKey, api_base_url: sandboxServer.url };

      const store = freshStore(); // one after the other on the same database
      const strict = await production({ AGNI_PUBLIC_URL: "https://agni.example.com", AGNI_CALCOM_ALLOWED_ORIGINS: undefined }, store);
      const refused = await callApi(strict.url, auth, "POST", "/api/v1/calcom/connect", connect);
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({
        code: "INVALID_REQUEST",
        message: `api_base_url ${sandboxServer.url} is not allowed on this deployment`,
        details: { allowed_origins: ["https://api.cal.com"] },
      });
      expect(sandbox.requests).toHaveLength(0);

      const agent = (await callApi(strict.url, auth, "POST", "/api/v1/agents/", { agentName: "Published" })).body.data;
      const tool = (await callApi(strict.url, auth, "POST", "/api/v1/tools/", { name: "calendar", type: "calcom", agentId: agent.id, enabledFunctions: { values: ["book"] } })).body.data;
      expect((await callApi(strict.url, auth, "PATCH", `/api/v1/tools/${tool.id}/`, { isActive: true })).status).toBe(200);
      const exported = await rawGet(strict.url, `/api/v1/tools/${tool.id}/export?format=retell`, { ...auth, host: "evil.example" });
      expect(JSON.parse(exported.body).data.tools[0].url).toMatch(/^https:\/\/agni\.example\.com\/api\/v1\/tools\//);
      strict.child.kill("SIGTERM");
      await strict.exited;

      const selfHosted = await production({ AGNI_CALCOM_ALLOWED_ORIGINS: sandboxServer.url }, store);
      expect((await callApi(selfHosted.url, auth, "POST", "/api/v1/calcom/connect", connect)).status).toBe(201);
    } finally {
      await sandboxServer.close();
    }
  }, 90_000);
});
