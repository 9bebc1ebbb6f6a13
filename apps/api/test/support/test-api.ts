import { randomBytes, randomUUID } from "node:crypto";
import type { RequestListener } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { createSandbox, type Sandbox } from "@agni/calcom-sandbox";
import { SignJWT } from "jose";
import { type AppDeps, createApp } from "../../src/app";
import { type Background, type BackgroundConfig, startBackground } from "../../src/background";
import { DEFAULT_JOB_SETTINGS } from "../../src/jobs/engine";
import { MIRROR_QUEUE, WAITLIST_LAPSE } from "../../src/modules/mirror/intake-queue";
import { createLogger } from "../../src/logger";
import { createHttpServer, type ServerLimits } from "../../src/http/server";
import { SecretBox } from "../../src/lib/crypto";
import { findLeaks, mintedKeys, recordResponses } from "./secret-scan";
import { createTestDatabase } from "./test-database";

export const TEST_JWT_SECRET = "test-secret-that-is-long-enough-for-hs256-0123456789";

export interface TestApi {
  url: string;
  /** Every log line the API wrote, for assertions that secrets never reach the logs. */
  logs: string[];
  /** Every response the API sent during this run (any client), for the secrets scan. */
  responses: import("./secret-scan").RecordedResponse[];
  sandboxUrl: string;
  /** The Cal.com sandbox itself: users, event types, bookings, fault injection. */
  sandbox: Sandbox;
  /** The job engine and its workers (webhook deliveries, housekeeping), in this process on the test database. */
  background: Background;
  /** Direct database access, for assertions about what is stored. */
  prisma: import("../../src/db/prisma").PrismaClient;
  /** A fresh Cal.com user in the sandbox and its API key. */
  calcomUser(timeZone?: string): { apiKey: string; username: string; id: number };
  token(claims?: Record<string, unknown>, options?: { expiresIn?: string; secret?: string }): Promise<string>;
  /** A fresh organisation id and a token for it. */
  org(): Promise<{ orgId: string; token: string; auth: Record<string, string> }>;
  request(method: string, path: string, init?: { auth?: Record<string, string>; body?: unknown; headers?: Record<string, string> }): Promise<{ status: number; body: any; headers: Headers }>;
  /**
   * Resolves once the Cal.com mirror is at rest: every webhook the sandbox fired has been answered and every mirror job
   * (deliveries to apply, reconciliations, such as the one a connect queues) has run. Tests that count the API's
   * Cal.com requests wait for it first, so that the mirror's own background calls do not land in their count.
   */
  mirrorSettled(ms?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts the real API (createApp) over HTTP on a random port, on the test database (PGlite, or PostgreSQL when
 * DATABASE_URL is set), with the Cal.com sandbox over real HTTP.
 */
export async function startTestApi(
  options: {
    config?: Partial<AppDeps["config"]> | ((sandboxUrl: string) => Partial<AppDeps["config"]>);
    stores?: AppDeps["stores"];
    /** Timeouts and connection cap of the HTTP server (production defaults otherwise). */
    server?: Partial<ServerLimits>;
    /** Job and webhook delivery settings (short lock, stall and retry times by default, for tests). */
    background?: { jobs?: Partial<BackgroundConfig["jobs"]>; webhooks?: Partial<BackgroundConfig["webhooks"]> };
    /** The clock the slot cache ages entries by (real time otherwise). */
    clock?: () => number;
    /**
     * The Cal.com mirror: by default AGNI_PUBLIC_URL is this API's address, so connecting an account registers a
     * sandbox webhook that reaches the intake; `publicUrl: false` leaves it unset (the mirror lives on reconciliation).
     */
    mirror?: { publicUrl?: boolean; reconcileIntervalMs?: number; waitlistOfferMs?: number };
  } = {},
): Promise<TestApi> {
  const db = await createTestDatabase();
  const sandbox = createSandbox();
  const sandboxServer = await sandbox.listen(0, "127.0.0.1");
  const encryptionKey = randomBytes(32);
  const calcomKeys: string[] = [];
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const logger = createLogger("info", sink);
  // Listen first, so that the API knows its own address (AGNI_PUBLIC_URL, where Cal.com's webhooks are sent).
  let handle: RequestListener = (_req, res) => void res.writeHead(503).end();
  const server = createHttpServer((req, res) => handle(req, res), options.server).listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const publicUrl = options.mirror?.publicUrl === false ? undefined : url;
  const mirror = { reconcileIntervalMs: options.mirror?.reconcileIntervalMs ?? 5 * 60_000, sharePercent: 50, waitlistOfferMs: options.mirror?.waitlistOfferMs ?? 10 * 60_000 };
  const background = await startBackground({
    db,
    databaseUrl: db.url,
    logger,
    config: {
      workers: true,
      encryptionKey,
      publicUrl,
      calcomTimeoutMs: 3000,
      mirror,
      jobs: { ...DEFAULT_JOB_SETTINGS, lockDurationMs: 2_000, stalledIntervalMs: 1_000, ...options.background?.jobs },
      housekeepingIntervalMs: 10 * 60_000,
      webhooks: { timeoutMs: 3_000, retryBaseMs: 100, retryMaxDelayMs: 400, retryWindowMs: 60_000, concurrency: 4, allowPrivate: true, ...options.background?.webhooks },
    },
  });
  const app = createApp({
    prisma: db.prisma,
    ping: () => db.ping(),
    config: {
      auth: { jwtSecret: TEST_JWT_SECRET },
      encryptionKey,
      bodyLimit: "1mb",
      calcomTimeoutMs: 3000,
      webhooks: { allowPrivate: true },
      publicUrl,
      mirror,
      ...(typeof options.config === "function" ? options.config(sandboxServer.url) : options.config),
    },
    logger,
    stores: options.stores,
    deliveries: background.deliveries,
    clock: options.clock,
    mirror: background.mirror,
  });
  const recorder = recordResponses(app);
  handle = recorder.listener;

  const token: TestApi["token"] = async (claims = {}, options = {}) =>
    new SignJWT({ ...claims })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("user-1")
      .setIssuedAt()
      .setExpirationTime(options.expiresIn ?? "10m")
      .sign(new TextEncoder().encode(options.secret ?? TEST_JWT_SECRET));

  const request: TestApi["request"] = async (method, path, init = {}) => {
    const headers: Record<string, string> = { ...init.auth, ...init.headers };
    let body: string | undefined;
    if (init.body !== undefined) {
      body = typeof init.body === "string" ? init.body : JSON.stringify(init.body);
      headers["content-type"] ??= "application/json";
    }
    const res = await fetch(url + path, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON: keep the text */
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };

  let n = 0;
  return {
    url,
    logs,
    responses: recorder.responses,
    prisma: db.prisma,
    background,
    sandboxUrl: sandboxServer.url,
    sandbox,
    calcomUser(timeZone = "Europe/Berlin") {
      n += 1;
      const { user, apiKey } = sandbox.addUser({ username: `user${n}-${randomUUID().slice(0, 8)}`, timeZone });
      calcomKeys.push(apiKey);
      return { apiKey, username: user.username, id: user.id };
    },
    token,
    async org() {
      const orgId = `org_${randomUUID()}`;
      const t = await token({ org_id: orgId });
      return { orgId, token: t, auth: { authorization: `Bearer ${t}` } };
    },
    request,
    async mirrorSettled(ms = 15_000) {
      await sandbox.webhooksSettled();
      const queue = background.engine.queue(MIRROR_QUEUE);
      const deadline = Date.now() + ms;
      // The reconciliation sweep's scheduler always has its next run waiting, and a waitlist offer's lapse waits for
      // the offer's expiry (a timer, not work in hand): only the other jobs count.
      const idle = (j: { name: string }, delayed: boolean) => j.name === "reconcile-sweep" || (delayed && j.name === WAITLIST_LAPSE);
      while (
        !(await queue.getJobs(["waiting", "active", "prioritized"])).every((j) => idle(j, false)) ||
        !(await queue.getJobs(["delayed"])).every((j) => idle(j, true))
      ) {
        if (Date.now() > deadline) throw new Error("the Cal.com mirror did not settle");
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await sandboxServer.close();
      await background.close();
      // Secrets scan: no Cal.com key (handed to the API, or still stored), no organisation API key and no webhook
      // signing secret may appear in any response body or log line of this run, other than the one that created it.
      const box = new SecretBox(encryptionKey);
      const stored = await db.prisma.calcomAccount.findMany({ where: { apiKeyEncrypted: { not: null } } });
      const subscriptions = await db.prisma.webhookSubscription.findMany();
      const secrets = [
        ...calcomKeys,
        ...stored.map((a) => box.decrypt(a.apiKeyEncrypted!, a.organizationId)),
        ...subscriptions.map((w) => box.decrypt(w.secretEncrypted, w.organizationId)),
        ...(await db.prisma.calcomAccount.findMany({ where: { webhookSecretEncrypted: { not: null } } })).map((a) => box.decrypt(a.webhookSecretEncrypted!, a.organizationId)),
        ...mintedKeys(recorder.responses),
      ];
      await db.close();
      const leaks = findLeaks(secrets, recorder.responses, logs);
      if (leaks.length > 0) throw new Error(`Secrets leaked during this test file:\n${leaks.join("\n")}`);
    },
  };
}
