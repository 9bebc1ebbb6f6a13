import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/app";
import { openDatabase, type Database } from "../src/db/database";
import { PgInvalidationBus } from "../src/db/invalidation-bus";
import { OrgCache } from "../src/lib/org-cache";
import { createLogger } from "../src/logger";
import { createTestDatabase, TEST_DATABASE_KIND } from "./support/test-database";

// Two API instances on one PostgreSQL database, each with its own connection pool, cache and invalidation channel:
// what one writes, the other serves at once, never a stale cached copy.
const secret = randomBytes(32).toString("hex");
let base: Database & { url?: string };
const replicas: { url: string; db: Database; bus: PgInvalidationBus; close: () => Promise<void> }[] = [];
let auth: Record<string, string>;

async function replica(databaseUrl: string) {
  const db = await openDatabase({ databaseUrl, migrate: false });
  const bus = new PgInvalidationBus(databaseUrl, (orgId) => db.prisma.$executeRaw`SELECT pg_notify(${PgInvalidationBus.CHANNEL}, ${orgId})`);
  await bus.start();
  const app = createApp({
    prisma: db.prisma,
    ping: () => db.ping(),
    config: { auth: { jwtSecret: secret }, encryptionKey: Buffer.alloc(32, 7), bodyLimit: "1mb", calcomTimeoutMs: 2000 },
    logger: createLogger("silent", new Writable({ write: (_c, _e, cb) => cb() })),
    cache: new OrgCache({ bus }),
  });
  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, db, bus, close: async () => (server.close(), await bus.close(), await db.close()) };
}

const call = async (url: string, method: string, path: string, body?: unknown) => {
  const res = await fetch(url + path, { method, headers: { ...auth, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as any };
};

describe.skipIf(TEST_DATABASE_KIND !== "postgres")("replicas on one PostgreSQL", () => {
  beforeAll(async () => {
    base = await createTestDatabase();
    replicas.push(await replica(base.url!), await replica(base.url!));
    const token = await new SignJWT({ org_id: "org-replicas" }).setProtectedHeader({ alg: "HS256" }).setExpirationTime("10m").sign(new TextEncoder().encode(secret));
    auth = { authorization: `Bearer ${token}` };
  });
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.close()));
    await base?.close();
  });

  it("serves a write made on one replica from the other's cache without delay", async () => {
    const [a, b] = replicas;
    const agent = (await call(a!.url, "POST", "/api/v1/agents/", { agentName: "Replicated" })).body.data;
    const tool = (await call(a!.url, "POST", "/api/v1/tools/", { name: "calendar", type: "calcom", agentId: agent.id, description: "v1" })).body.data;
    expect((await call(b!.url, "GET", `/api/v1/tools/${tool.id}/`)).body.data.description).toBe("v1"); // now cached on b
    expect((await call(b!.url, "GET", `/api/v1/tools/${tool.id}/`)).body.data.description).toBe("v1");

    for (const version of ["v2", "v3", "v4"]) {
      expect((await call(a!.url, "PATCH", `/api/v1/tools/${tool.id}/`, { description: version })).status).toBe(200);
      // NOTIFY is delivered on the other replica's listening connection within milliseconds.
      await expect.poll(async () => (await call(b!.url, "GET", `/api/v1/tools/${tool.id}/`)).body.data.description, { timeout: 2_000, interval: 20 }).toBe(version);
    }

    expect((await call(a!.url, "DELETE", `/api/v1/tools/${tool.id}/`)).status).toBe(200);
    await expect.poll(async () => (await call(b!.url, "GET", `/api/v1/tools/${tool.id}/`)).status, { timeout: 2_000, interval: 20 }).toBe(404);
  });

  it("stops serving from cache while its invalidation channel is down, and resumes when it is back", async () => {
    const [a, b] = replicas;
    const agent = (await call(a!.url, "POST", "/api/v1/agents/", { agentName: "Channel" })).body.data;
    const tool = (await call(a!.url, "POST", "/api/v1/tools/", { name: "calendar", type: "calcom", agentId: agent.id, description: "before" })).body.data;
    await call(b!.url, "GET", `/api/v1/tools/${tool.id}/`);

    // Cut b's listening connection from the server side, as a database restart or network fault would.
    await a!.db.prisma.$executeRaw`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'`;
    await expect.poll(() => b!.bus.healthy(), { timeout: 2_000, interval: 10 }).toBe(false);
    // Writes that b cannot hear about while the channel is down are still seen by b: it reads through.
    await a!.db.prisma.tool.update({ where: { id: tool.id }, data: { description: "written while b was deaf" } });
    expect((await call(b!.url, "GET", `/api/v1/tools/${tool.id}/`)).body.data.description).toBe("written while b was deaf");
    await expect.poll(() => b!.bus.healthy(), { timeout: 5_000, interval: 50 }).toBe(true);
    await call(a!.url, "PATCH", `/api/v1/tools/${tool.id}/`, { description: "after" });
    await expect.poll(async () => (await call(b!.url, "GET", `/api/v1/tools/${tool.id}/`)).body.data.description, { timeout: 2_000, interval: 20 }).toBe("after");
  });
});
