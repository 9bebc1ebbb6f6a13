import net from "node:net";
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createApp } from "../src/app";
import { openDatabase, type Database } from "../src/db/database";
import { createLogger } from "../src/logger";
import { bearer } from "./support/api-process";
import { TEST_DATABASE_KIND } from "./support/test-database";

const JWT_SECRET = randomBytes(32).toString("hex");

// A "PostgreSQL" that fails in one of the ways a real one does while it stops, restarts or is cut off.
const behaviours: Record<string, (socket: net.Socket) => void> = {
  "closes every connection as it opens": (s) => s.end(),
  "resets every connection": (s) => s.resetAndDestroy(),
  "closes the connection after the client's first message": (s) => s.once("data", () => s.end()),
  "accepts and never answers": () => {},
};

// Each of them must reach the caller as a 503 envelope with Retry-After, never a 500 or a request left hanging.
// Independent of the database under test, so it runs once (in the PGlite run).
describe.runIf(TEST_DATABASE_KIND === "pglite")("a database that cannot be used", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function apiOn(databaseUrl: string) {
    const db: Database = await openDatabase({ databaseUrl, migrate: false, connectTimeoutMs: 500 });
    const logs: string[] = [];
    const app = createApp({
      prisma: db.prisma,
      ping: () => db.ping(),
      config: { auth: { jwtSecret: JWT_SECRET }, encryptionKey: randomBytes(32), bodyLimit: "1mb", calcomTimeoutMs: 1000 },
      logger: createLogger("info", { write: (line: string) => void logs.push(line) }),
    });
    const server: Server = createServer(app).listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    cleanups.push(async () => {
      await new Promise((r) => server.close(r));
      await db.close().catch(() => {});
    });
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, auth: await bearer(JWT_SECRET, "org-unavailable"), logs };
  }

  async function fakeDatabase(behaviour: (socket: net.Socket) => void): Promise<string> {
    const sockets = new Set<net.Socket>();
    const server = net.createServer((s) => {
      sockets.add(s);
      s.on("error", () => {});
      behaviour(s);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    cleanups.push(async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    });
    return `postgresql://agni@127.0.0.1:${(server.address() as AddressInfo).port}/agni`;
  }

  async function closedPort(): Promise<string> {
    const server = net.createServer().listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    const port = (server.address() as AddressInfo).port;
    await new Promise((r) => server.close(r));
    return `postgresql://agni@127.0.0.1:${port}/agni`;
  }

  const cases: [string, () => Promise<string>][] = [
    ["refuses connections", closedPort],
    ...Object.entries(behaviours).map(([name, b]): [string, () => Promise<string>] => [name, () => fakeDatabase(b)]),
  ];

  it.each(cases)("answers 503 SERVICE_UNAVAILABLE with Retry-After when the database %s", async (_name, database) => {
    const api = await apiOn(await database());
    for (const [method, path, body] of [
      ["GET", "/api/v1/agents/"],
      ["POST", "/api/v1/agents/", { agentName: "refused" }],
    ] as const) {
      const res = await fetch(api.url + path, { method, headers: { ...api.auth, "content-type": "application/json" }, body: body && JSON.stringify(body) });
      expect(res.status, `${method} ${path}`).toBe(503);
      expect(res.headers.get("retry-after")).toBe("2");
      expect(await res.json()).toMatchObject({ success: false, code: "SERVICE_UNAVAILABLE", request_id: expect.any(String) });
    }
    const ready = await fetch(`${api.url}/ready`);
    expect(ready.status).toBe(503);
    expect(api.logs.join("")).not.toContain("unhandled error");
  });
});
