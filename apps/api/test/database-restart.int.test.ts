import { createSandbox, type Sandbox } from "@agni/calcom-sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiProcess, bearer, callApi, deploymentSecrets, setUpCalendarAgent, startApiProcess } from "./support/api-process";
import { postgresBinDir, type PrivatePostgres, startPrivatePostgres } from "./support/private-postgres";
import { TEST_DATABASE_KIND } from "./support/test-database";

// The built API on a PostgreSQL server of this test's own, which the test stops and starts under load: while it is
// down every request gets an envelope (503, Retry-After) and /ready says so; once it is back the same process serves
// again, and nothing was half-written.
describe.skipIf(TEST_DATABASE_KIND !== "postgres" || !postgresBinDir())("PostgreSQL restarted under load", () => {
  let pg: PrivatePostgres;
  let api: ApiProcess;
  let sandbox: Sandbox;
  let sandboxServer: { url: string; close(): Promise<void> };
  let auth: Record<string, string>;
  const secrets = deploymentSecrets();
  const call = (method: string, path: string, body?: unknown) => callApi(api.url, auth, method, path, body);

  beforeAll(async () => {
    pg = await startPrivatePostgres();
    sandbox = createSandbox({ rateLimitPerMinute: 1_000_000 });
    sandboxServer = await sandbox.listen(0, "127.0.0.1");
    api = await startApiProcess({ ...secrets, DATABASE_URL: pg.url });
    auth = await bearer(secrets.AGNI_JWT_SECRET, "org-restart");
  });
  afterAll(async () => {
    if (api && api.child.exitCode === null) api.child.kill("SIGKILL");
    await api?.exited;
    await sandboxServer?.close();
    await pg?.destroy();
  });

  it("answers 503 envelopes while the database is down, reports it on /ready, and recovers without a restart", async () => {
    const { agent } = await setUpCalendarAgent(api.url, auth, { it: sandbox, url: sandboxServer.url }, "Steady");

    // Load: reads, writes and Cal.com calls in a loop, through the stop and the start.
    const seen: { request: string; status: number; body: any; retryAfter: string | null }[] = [];
    let loading = true;
    const worker = async (n: number) => {
      for (let i = 0; loading; i++) {
        const [method, path, body] = [
          ["GET", "/api/v1/agents/"],
          ["POST", "/api/v1/agents/", { agentName: `load-${n}-${i}` }],
          ["POST", "/api/v1/calcom/appointments/manage", { action: "suggest", agent_id: agent.id, timezone: "UTC" }],
          ["GET", `/api/v1/calcom/agents/${agent.id}/account`],
        ][i % 4] as [string, string, unknown?];
        const answer = await call(method, path, body);
        seen.push({ request: `${method} ${path}`, status: answer.status, body: answer.body, retryAfter: answer.headers.get("retry-after") });
      }
    };
    const workers = [1, 2, 3, 4].map(worker);
    await expect.poll(() => seen.length, { timeout: 10_000 }).toBeGreaterThan(20);

    await pg.stop();
    const ready = await fetch(`${api.url}/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ checks: { database: "unavailable" } });
    const down = await call("POST", "/api/v1/agents/", { agentName: "while-down" });
    expect(down).toMatchObject({ status: 503, body: { success: false, code: "SERVICE_UNAVAILABLE", request_id: expect.any(String) } });
    expect(down.headers.get("retry-after")).toBe("2");
    const duringOutage = seen.length;
    await expect.poll(() => seen.slice(duringOutage).filter((r) => r.status === 503).length, { timeout: 10_000 }).toBeGreaterThan(8);

    await pg.start();
    await expect.poll(async () => (await fetch(`${api.url}/ready`)).status, { timeout: 20_000, interval: 200 }).toBe(200);
    const afterRecovery = seen.length;
    await expect.poll(() => seen.slice(afterRecovery).filter((r) => r.status < 300).length, { timeout: 10_000 }).toBeGreaterThan(8);
    loading = false;
    await Promise.all(workers);

    // Every answer was a success or a 503 envelope the client can retry; never a 500 or a dropped connection.
    expect(api.child.exitCode).toBeNull();
    const failures = seen.filter((r) => r.status >= 300);
    expect(failures.length).toBeGreaterThan(0);
    for (const f of failures) {
      expect(f, `${f.request}, API log:\n${api.output()}`).toMatchObject({ status: 503, retryAfter: "2", body: { success: false, code: "SERVICE_UNAVAILABLE" } });
    }
    // Nothing half-written: the refused agent does not exist; each created one is whole and listed once.
    const agents = (await call("GET", "/api/v1/agents/?limit=100")).body;
    const names: string[] = agents.data.map((a: { agentName: string }) => a.agentName);
    expect(names).not.toContain("while-down");
    const created = seen.filter((r) => r.status === 201).map((r) => r.body.data.agentName as string);
    expect(new Set(names)).toEqual(new Set(["Steady", ...created]));
    // And the calendar works again through the same process.
    const slots = await call("POST", "/api/v1/calcom/appointments/manage", { action: "suggest", agent_id: agent.id, timezone: "UTC" });
    expect(slots.status).toBe(200);
    const booked = await call("POST", "/api/v1/calcom/appointments/manage", {
      action: "book", agent_id: agent.id, timezone: "UTC", name: "After", email: "after@example.com", appointment_datetime: slots.body.data.slot_times[0],
    });
    expect(booked.status).toBe(200);
  }, 90_000);
});
