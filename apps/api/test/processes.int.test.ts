import { createSandbox, type Sandbox } from "@agni/calcom-sandbox";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../src/db/database";
import { type ApiProcess, bearer, callApi, deploymentSecrets, setUpCalendarAgent, startApiProcess } from "./support/api-process";
import { createTestDatabase, TEST_DATABASE_KIND } from "./support/test-database";

// The built API as real processes on one PostgreSQL database, the Cal.com sandbox over HTTP: replicas behave as
// one, a SIGTERM loses no accepted request, and a kill -9 in the middle of a booking never leads to a second one.
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

let db: Database & { url?: string };
let sandbox: Sandbox;
let sandboxServer: { url: string; close(): Promise<void> };
const secrets = deploymentSecrets();
const processes: ApiProcess[] = [];
let auth: Record<string, string>;

async function replica(env: Record<string, string | undefined> = {}) {
  const p = await startApiProcess({ ...secrets, DATABASE_URL: db.url, ...env });
  processes.push(p);
  return p;
}

const call = (p: ApiProcess, method: string, path: string, body?: unknown, headers?: Record<string, string>) => callApi(p.url, auth, method, path, body, headers);

/** An agent with its own Cal.com user (own key, own budget) and a calendar tool, set up through `p`. */
async function calendarAgent(p: ApiProcess) {
  const { agent, eventType, user } = await setUpCalendarAgent(p.url, auth, { it: sandbox, url: sandboxServer.url }, "Replicated");
  const first = await call(p, "POST", "/api/v1/calcom/appointments/manage", { action: "suggest", agent_id: agent.id, timezone: "UTC" });
  expect(first.status, `the set-up's first suggest: ${JSON.stringify(first.body)}`).toBe(200);
  const slots: string[] = first.body.data.slot_times;
  const slot = slots[0]!;
  const live = () => sandbox.bookings().filter((b: any) => (b.userId ?? b.hosts?.[0]?.id) === user.id && b.status !== "cancelled");
  return { agent, eventType, slot, slots, live };
}

describe.skipIf(TEST_DATABASE_KIND !== "postgres")("API processes on one PostgreSQL", () => {
  beforeAll(async () => {
    db = await createTestDatabase();
    sandbox = createSandbox({ rateLimitPerMinute: 1_000_000 });
    sandboxServer = await sandbox.listen(0, "127.0.0.1");
    auth = await bearer(secrets.AGNI_JWT_SECRET, `org-processes-${Date.now()}`);
  });
  // A failed test must not leave its injected Cal.com faults to the next one.
  // Nor its replicas: they share the job queue with the next test's, and would take its background jobs (webhook
  // registration, reconciliation) under their own settings — a replica with the default budget spending the next
  // test's 4-a-minute key down before its first call (the two-replica budget test's old flake on PostgreSQL).
  afterEach(async () => {
    sandbox?.faults.clear();
    const running = processes.splice(0).filter((p) => p.child.exitCode === null && p.child.signalCode === null);
    for (const p of running) p.child.kill("SIGKILL");
    await Promise.all(running.map((p) => p.exited));
  });
  afterAll(async () => {
    for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL");
    await Promise.all(processes.map((p) => p.exited));
    await sandboxServer?.close();
    await db?.close();
  });

  it("two replicas answer concurrent duplicate bookings split across both with one Cal.com booking", async () => {
    const [a, b] = [await replica(), await replica()];
    const { agent, slots, live } = await calendarAgent(a);
    // With an explicit Idempotency-Key, and without one (the key is derived from the call's identity), each its own slot.
    const headerSets: Record<string, string>[] = [{ "idempotency-key": `twin-${Date.now()}` }, {}];
    for (const [n, headers] of headerSets.entries()) {
      const book = { action: "book", agent_id: agent.id, timezone: "UTC", name: "Twin", email: "twin@example.com", appointment_datetime: slots[n] };
      const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => call(i % 2 ? b : a, "POST", "/api/v1/calcom/appointments/manage", book, headers)));
      expect(answers.map((r) => r.status)).toEqual(Array(10).fill(200));
      expect(new Set(answers.map((r) => r.body.data.appointment_id)).size).toBe(1);
    }
    expect(live()).toHaveLength(2);
    expect(await db.prisma.appointment.count({ where: { agentId: agent.id } })).toBe(2);
  });

  for (const [backend, env] of [
    ["Redis", { REDIS_URL }],
    ["PostgreSQL (no Redis configured)", {}],
  ] as const) {
    it(`share one Cal.com request budget per key through ${backend}`, async () => {
      // One agent: the key's whole budget; the slot cache off, so that every suggest spends from it. The mirror's
      // background calls (its webhook, its first reconciliation) spend from the same 4, as many as their share allows
      // by then, so the test counts what reached Cal.com rather than assuming how much was left.
      const budget = { ...env, AGNI_CALCOM_RATE_LIMIT: "4", AGNI_CALCOM_AGENT_SHARE: "100", AGNI_SLOT_CACHE_TTL_MS: "0" };
      const [a, b] = [await replica(budget), await replica(budget)];
      const { agent, eventType } = await calendarAgent(a); // its first suggest spends 1 of the key's 4
      const sent = () => sandbox.requests.filter((r) => r.path === "/v2/slots" && r.query.eventTypeId === String(eventType.id)).length;
      const suggest = { action: "suggest", agent_id: agent.id, timezone: "UTC" };
      const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => call(i % 2 ? b : a, "POST", "/api/v1/calcom/appointments/manage", suggest)));
      const statuses = answers.map((r) => r.status).sort();
      const ok = statuses.filter((s) => s === 200).length;
      expect(statuses).toEqual([...Array(ok).fill(200), ...Array(10 - ok).fill(429)]);
      expect(ok).toBeLessThanOrEqual(3);
      expect(answers.find((r) => r.status === 429)!.body.code).toBe("RATE_LIMITED");
      // Every answered suggest reached Cal.com, and together with the first one never more than the key's 4 (each
      // replica alone would have let 4 through: 8).
      expect(sent()).toBe(1 + ok);
    });
  }

  it("on SIGTERM stops accepting, finishes every request in flight, and exits cleanly", async () => {
    const c = await replica({ AGNI_SLOT_CACHE_TTL_MS: "0" }); // every suggest reaches Cal.com
    const { agent, eventType } = await calendarAgent(c);
    const reached = () => sandbox.requests.filter((r) => r.path === "/v2/slots" && r.query.eventTypeId === String(eventType.id)).length;
    const before = reached();
    sandbox.faults.inject({ path: "/v2/slots", delayMs: 800, times: 100 });
    try {
      const inFlight = Array.from({ length: 12 }, () => call(c, "POST", "/api/v1/calcom/appointments/manage", { action: "suggest", agent_id: agent.id, timezone: "UTC" }));
      // Every request has been accepted and is being worked on (it reached Cal.com) when the signal arrives.
      await expect.poll(() => reached() - before, { timeout: 10_000, interval: 10 }).toBe(12);
      c.child.kill("SIGTERM");
      const answers = await Promise.all(inFlight);
      expect(answers.map((r) => r.status)).toEqual(Array(12).fill(200));
      expect(answers.every((r) => r.body.data.slot_times.length > 0)).toBe(true);
      expect(await c.exited).toBe(0);
      await expect(fetch(`${c.url}/health`)).rejects.toThrow();
    } finally {
      sandbox.faults.clear();
    }
  });

  it("after kill -9 between Cal.com booking and our write, the retried book returns that booking, never a second", async () => {
    const first = await replica({ AGNI_CALCOM_TIMEOUT_MS: "30000" });
    const { agent, slot, live } = await calendarAgent(first);
    const book = { action: "book", agent_id: agent.id, timezone: "UTC", name: "Crash", email: "crash@example.com", appointment_datetime: slot };
    const key = { "idempotency-key": `crash-${Date.now()}` };
    const posts = () => sandbox.requests.filter((r) => r.method === "POST" && r.path === "/v2/bookings").length;
    const postsBefore = posts();

    sandbox.faults.inject({ path: "/v2/bookings", method: "POST", drop: "hang", times: 1 });
    const lost = call(first, "POST", "/api/v1/calcom/appointments/manage", book, key).catch((err: unknown) => err);
    await expect.poll(() => live().length, { timeout: 10_000, interval: 10 }).toBe(1); // Cal.com has booked…
    first.child.kill("SIGKILL"); // …and the API dies before it hears back
    expect(await lost).toBeInstanceOf(Error);
    expect(await db.prisma.appointment.count({ where: { agentId: agent.id } })).toBe(0);

    const second = await replica();
    const retried = await call(second, "POST", "/api/v1/calcom/appointments/manage", book, key);
    expect(retried.status, JSON.stringify(retried.body)).toBe(200);
    expect(live()).toHaveLength(1);
    expect(posts() - postsBefore).toBe(1); // found again through Cal.com, not booked again
    const row = await db.prisma.appointment.findUnique({ where: { id: retried.body.data.appointment_id } });
    expect(row?.calcomBookingUid).toBe(live()[0]!.uid);
    // Later retries replay the same answer.
    expect((await call(second, "POST", "/api/v1/calcom/appointments/manage", book, key)).body.data.appointment_id).toBe(row!.id);
  }, 60_000);
});
