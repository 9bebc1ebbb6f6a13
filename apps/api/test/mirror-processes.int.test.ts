import { createServer, type AddressInfo } from "node:net";
import { createCalcomClient } from "@agni/calcom";
import { createSandbox, type Sandbox } from "@agni/calcom-sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../src/db/database";
import { type ApiProcess, bearer, callApi, deploymentSecrets, setUpCalendarAgent, startApiProcess } from "./support/api-process";
import { createTestDatabase, TEST_DATABASE_KIND } from "./support/test-database";
import { startReceiver, type WebhookReceiver } from "./support/webhook-receiver";

// The Cal.com mirror across two built API processes on one PostgreSQL: a replica killed (-9) in the middle of applying a
// delivery (held in a Cal.com call it makes to place the booking) loses nothing: the other takes the job over once its
// lock runs out, applies it, and the change reaches the subscription exactly once.

let db: Database & { url?: string };
let sandbox: Sandbox;
let sandboxServer: { url: string; close(): Promise<void> };
let receiver: WebhookReceiver;
const secrets = deploymentSecrets();
const processes: ApiProcess[] = [];

const jobEnv = () => ({
  ...secrets,
  DATABASE_URL: db.url,
  AGNI_JOB_LOCK_DURATION_MS: "2000",
  AGNI_JOB_STALLED_INTERVAL_MS: "1000",
  AGNI_WEBHOOK_RETRY_BASE_MS: "200",
  AGNI_WEBHOOK_RETRY_MAX_DELAY_MS: "1000",
  AGNI_WEBHOOK_ALLOW_PRIVATE: "true",
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function replica(env: Record<string, string> = {}) {
  const p = await startApiProcess({ ...jobEnv(), ...env });
  processes.push(p);
  return p;
}

describe.skipIf(TEST_DATABASE_KIND !== "postgres")("the Cal.com mirror across API processes on one PostgreSQL", () => {
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

  it("a replica killed -9 while applying a delivery: the other applies it, and its event is delivered once", async () => {
    const port = await freePort();
    const a = await replica({ PORT: String(port), AGNI_PUBLIC_URL: `http://127.0.0.1:${port}` });
    const auth = await bearer(secrets.AGNI_JWT_SECRET, `org-mirror-${Date.now()}`);
    const { agent, eventType, apiKey } = await setUpCalendarAgent(a.url, auth, { it: sandbox, url: sandboxServer.url }, "Mirror", ["suggest"]);
    expect((await callApi(a.url, auth, "POST", "/api/v1/webhooks", { url: receiver.url, events: ["appointment.booked", "appointment.cancelled"] })).status).toBe(201);
    const account = (await callApi(a.url, auth, "GET", `/api/v1/calcom/agents/${agent.id}/account`)).body.data.calcom_account_id as string;
    // The connect's first reconciliation, run now so that it cannot read the booking below before its deliveries.
    expect((await callApi(a.url, auth, "POST", `/api/v1/calcom/accounts/${account}/sync`)).status).toBe(200);
    const slot = (await callApi(a.url, auth, "POST", "/api/v1/calcom/appointments/manage", { action: "suggest", agent_id: agent.id, timezone: "UTC" })).body.data.slot_times[0];

    // A booking on the Cal.com page, cancelled by its attendee; the cancel reaches A first, and A (not knowing the
    // booking) asks Cal.com where it came from: that read is held until A is dead.
    const [hook] = (await createCalcomClient({ apiKey, baseUrl: sandboxServer.url, rateLimit: false }).webhooks.list()).filter((w) => w.subscriberUrl.startsWith(a.url));
    expect(hook).toBeDefined();
    sandbox.webhookFaults.pause({ webhookId: hook!.id });
    const booking = await sandbox.webApp.book({ start: slot, eventTypeId: eventType.id, attendee: { name: "Walk In", email: "walk-in@example.com", timeZone: "UTC" } });
    await sandbox.webApp.cancel(booking.uid, { by: "attendee" });
    const held = sandbox.webhookFaults.held();
    expect(held.map((h) => h.triggerEvent)).toEqual(["BOOKING_CREATED", "BOOKING_CANCELLED"]);
    let arrived: () => void = () => undefined;
    const reached = new Promise<void>((resolve) => (arrived = resolve));
    const never = new Promise<unknown>(() => undefined);
    never.catch = ((fn) => (arrived(), Promise.prototype.catch.call(never, fn))) as typeof never.catch;
    sandbox.faults.inject({ apiKey, method: "GET", path: `/v2/bookings/${booking.uid}`, until: never });
    await sandbox.webhookFaults.release({ ids: [held[1]!.deliveryId] });
    await reached;
    a.child.kill("SIGKILL");
    await a.exited;

    // B takes the job over once its lock runs out (2 s, checked every second) and applies it.
    const b = await replica();
    const deadline = Date.now() + 30_000;
    let shown: { status: string; source: string } | undefined;
    while (Date.now() < deadline) {
      const res = await callApi(b.url, auth, "GET", `/api/v1/calcom/appointments/${booking.uid}`);
      if (res.status === 200) {
        shown = res.body.data.appointment;
        break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(shown).toMatchObject({ status: "cancelled", source: "calcom" });
    await receiver.waitFor(1);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(receiver.received.map((d) => d.event.type)).toEqual(["appointment.cancelled"]);
    b.child.kill("SIGTERM");
    expect(await b.exited).toBe(0);
  });
});
