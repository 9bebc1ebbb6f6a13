import { createSandbox, type Sandbox } from "@agni/calcom-sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../src/db/database";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import path from "node:path";
import { type ApiProcess, bearer, callApi, deploymentSecrets, setUpCalendarAgent, startApiProcess, startWorkerProcess } from "./support/api-process";
import { createTestDatabase, TEST_DATABASE_KIND } from "./support/test-database";
import { startReceiver, type WebhookReceiver } from "./support/webhook-receiver";

// The built API as two processes on one PostgreSQL, jobs on its BullMQ backend: a replica killed (-9) while its
// deliveries are in flight loses none of them (the other takes them over once their locks run out: at least once, same
// event id), and the housekeeping scheduler that both upsert runs once per interval across both.

let db: Database & { url?: string };
let sandbox: Sandbox;
let sandboxServer: { url: string; close(): Promise<void> };
let receiver: WebhookReceiver;
const secrets = deploymentSecrets();
const processes: ApiProcess[] = [];
const HOUSEKEEPING_MS = 1_000;

const jobEnv = () => ({
  ...secrets,
  DATABASE_URL: db.url,
  LOG_LEVEL: "info",
  AGNI_JOB_LOCK_DURATION_MS: "2000",
  AGNI_JOB_STALLED_INTERVAL_MS: "1000",
  AGNI_WEBHOOK_RETRY_BASE_MS: "200",
  AGNI_WEBHOOK_RETRY_MAX_DELAY_MS: "1000",
  AGNI_WEBHOOK_ALLOW_PRIVATE: "true",
    AGNI_HOUSEKEEPING_INTERVAL_MS: String(HOUSEKEEPING_MS),
});

async function replica(env: Record<string, string> = {}) {
  const p = await startApiProcess({ ...jobEnv(), ...env });
  processes.push(p);
  return p;
}

/** The scheduled time of each housekeeping run either process logged (BullMQ names them repeat:<scheduler>:<millis>). */
const housekeepingRuns = (...ps: ApiProcess[]) =>
  ps.flatMap((p) =>
    p
      .output()
      .split("\n")
      .filter((line) => line.includes('"housekeeping ran"'))
      .map((line) => String((JSON.parse(line) as { run: string }).run)),
  );

describe.skipIf(TEST_DATABASE_KIND !== "postgres")("events out across API processes on one PostgreSQL", () => {
  beforeAll(async () => {
    db = await createTestDatabase();
    sandbox = createSandbox({ rateLimitPerMinute: 1_000_000 });
    sandboxServer = await sandbox.listen(0, "127.0.0.1");
    receiver = await startReceiver();
  });
  afterAll(async () => {
    for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL");
    await Promise.all(processes.map((p) => p.exited));
    await receiver?.close();
    await sandboxServer?.close();
    await db?.close();
  });

  it("a replica killed mid-delivery loses no event, and housekeeping runs once per interval across both", async () => {
    const a = await replica();
    const auth = await bearer(secrets.AGNI_JWT_SECRET, `org-events-${Date.now()}`);
    const { agent } = await setUpCalendarAgent(a.url, auth, { it: sandbox, url: sandboxServer.url }, "Events", ["suggest", "book"]);
    const subscribed = await callApi(a.url, auth, "POST", "/api/v1/webhooks", { url: receiver.url, events: ["appointment.booked"] });
    expect(subscribed.status).toBe(201);
    const webhook = subscribed.body.data as { id: string; secret: string };

    // A is the only process with workers: it takes every delivery, and the receiver holds them all unanswered.
    let release: (status: number) => void = () => undefined;
    const held = new Promise<number>((resolve) => (release = resolve));
    receiver.answer = () => held;
    const slots: string[] = (await callApi(a.url, auth, "POST", "/api/v1/calcom/appointments/manage", { action: "suggest", agent_id: agent.id, timezone: "UTC" })).body.data.slot_times;
    const booked: string[] = [];
    for (const slot of slots.slice(0, 5)) {
      const res = await callApi(a.url, auth, "POST", "/api/v1/calcom/appointments/manage", { action: "book", agent_id: agent.id, timezone: "UTC", name: "Ada", email: "ada@example.com", appointment_datetime: slot });
      expect(res.status).toBe(200);
      booked.push(res.body.data.appointment_id);
    }
    await receiver.waitFor(5);
    const eventIds = new Set(receiver.received.map((d) => d.event.id));
    expect(eventIds.size).toBe(5);

    // B starts; both upsert the housekeeping scheduler. Once a few runs happened, A dies with its deliveries in flight.
    const b = await replica();
    const deadline = Date.now() + 30_000;
    while (housekeepingRuns(a, b).length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    a.child.kill("SIGKILL");
    await a.exited;
    receiver.answer = () => 200;
    release(500); // what A's connections still wait on; they are gone with A

    // B takes the five over once their locks run out, and sends the same events again.
    await receiver.waitFor(10, 30_000);
    const deadlineSettled = Date.now() + 30_000;
    let listed: { event_id: string; status: string; attempts: { status_code: number | null }[] }[] = [];
    for (;;) {
      listed = (await callApi(b.url, auth, "GET", `/api/v1/webhooks/${webhook.id}/deliveries`)).body.data;
      if (listed.length === 5 && listed.every((d) => d.status === "succeeded")) break;
      if (Date.now() > deadlineSettled) throw new Error(`not delivered: ${JSON.stringify(listed)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(new Set(listed.map((d) => d.event_id))).toEqual(eventIds);
    expect(new Set(receiver.received.map((d) => d.event.id))).toEqual(eventIds); // at least once, never a new id
    expect(listed.every((d) => d.attempts.at(-1)?.status_code === 200)).toBe(true);
    const appointmentIds = new Set(receiver.received.map((d) => d.event.data.appointment.id));
    expect(appointmentIds).toEqual(new Set(booked));

    // Each housekeeping run is one scheduled slot, taken by one of the two processes: no slot twice, slots an interval apart.
    const runs = housekeepingRuns(a, b);
    expect(runs.length).toBeGreaterThanOrEqual(4);
    expect(new Set(runs).size).toBe(runs.length);
    const slotsRun = runs.map((id) => Number(id.split(":").at(-1))).sort((x, y) => x - y);
    for (let i = 1; i < slotsRun.length; i++) expect(slotsRun[i]! - slotsRun[i - 1]!).toBeGreaterThanOrEqual(HOUSEKEEPING_MS * 0.9);
    b.child.kill("SIGTERM");
    expect(await b.exited).toBe(0);
  });

  it("workers in their own process (npm run worker) deliver what an API without workers queued, and finish a delivery in flight on SIGTERM", async () => {
    const api = await replica({ AGNI_WORKERS: "off" });
    const auth = await bearer(secrets.AGNI_JWT_SECRET, `org-worker-${Date.now()}`);
    const { agent } = await setUpCalendarAgent(api.url, auth, { it: sandbox, url: sandboxServer.url }, "Worker", ["suggest", "book"]);
    const hook = await startReceiver();
    try {
      const webhook = (await callApi(api.url, auth, "POST", "/api/v1/webhooks", { url: hook.url, events: ["appointment.booked"] })).body.data as { id: string };
      const slot = (await callApi(api.url, auth, "POST", "/api/v1/calcom/appointments/manage", { action: "suggest", agent_id: agent.id, timezone: "UTC" })).body.data.slot_times[0];
      const booked = await callApi(api.url, auth, "POST", "/api/v1/calcom/appointments/manage", { action: "book", agent_id: agent.id, timezone: "UTC", name: "Ada", email: "ada@example.com", appointment_datetime: slot });
      expect(booked.status).toBe(200);
      await new Promise((r) => setTimeout(r, 1_000));
      expect(hook.received).toEqual([]); // queued, but nobody works here

      let release: (status: number) => void = () => undefined;
      hook.answer = () => new Promise<number>((resolve) => (release = resolve));
      const worker = await startWorkerProcess(jobEnv());
      processes.push(worker);
      await hook.waitFor(1);
      worker.child.kill("SIGTERM");
      await new Promise((r) => setTimeout(r, 300));
      release(200); // answered after the SIGTERM: the worker still records it, then exits
      expect(await worker.exited).toBe(0);
      const [delivery] = (await callApi(api.url, auth, "GET", `/api/v1/webhooks/${webhook.id}/deliveries`)).body.data;
      expect(delivery).toMatchObject({ status: "succeeded", attempt_count: 1 });
      expect(hook.received).toHaveLength(1);
    } finally {
      await hook.close();
    }
  });

  it("npm run worker refuses the embedded database, saying why", async () => {
    const worker = path.resolve(import.meta.dirname, "../dist/worker.js");
    const env = { PATH: process.env.PATH ?? "", NODE_ENV: "development", AGNI_DATA_DIR: path.join(process.env.TMPDIR ?? "/tmp", `agni-worker-${Date.now()}`) };
    const failed = await promisify(execFile)(process.execPath, [worker], { env }).then(
      () => null,
      (err: { code: number; stderr: string }) => err,
    );
    expect(failed?.code).toBe(2);
    expect(failed?.stderr).toMatch(/^npm run worker needs PostgreSQL \(DATABASE_URL\): the embedded database can only be opened by the API process/);
  });
});
