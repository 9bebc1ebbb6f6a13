// `npm run bench:mirror`: the live-calendar figures of issue 14, with Cal.com's slot lookups made slow (400 ms, as in
// production) in the sandbox: `suggest` through the API (warm slot cache) beside the same lookup made directly;
// Cal.com slot calls per 100 `suggest` calls on one event type; outbound webhook deliveries per second with two API
// replicas on PostgreSQL; webhook-to-mirror lag (a booking on the Cal.com page until its row is in the mirror). The API runs as its own processes
// (built first); the sandbox runs in this process so that every slot lookup it serves is counted.
// Options: --duration <s> (default 10), --latency <ms> (default 400), --database-url <postgres admin url>,
// --bookings <n> (default 100), --subscriptions <n> (default 10).
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import path from "node:path";
import { createSandbox } from "@agni/calcom-sandbox";
import autocannon from "autocannon";
import { SignJWT } from "jose";
import pg from "pg";
import { apiEnv, children, cleanups, ROOT, start, stop } from "./harness";

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
};
const DURATION = Number(arg("duration", "10"));
const LATENCY_MS = Number(arg("latency", "400"));
const BOOKINGS = Number(arg("bookings", "100"));
const SUBSCRIPTIONS = Number(arg("subscriptions", "10"));
const PG_ADMIN_URL = arg("database-url", process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres");
const API_LISTENING = /Agni API listening on (http:\/\/\S+)/;
const fmt = (n: number, digits = 1) => n.toFixed(digits);

const quantile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;

async function main() {
  console.log("Building the API…");
  execFileSync("npx", ["nx", "run", "@agni/api:build", "--output-style=static"], { cwd: ROOT, stdio: "ignore" });

  // The sandbox, counting the slot lookups it serves per event type.
  const sandbox = createSandbox({ rateLimitPerMinute: 100_000_000, slotLatencyMs: LATENCY_MS });
  const lookups = new Map<string, number>();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://sandbox");
    if (req.method === "GET" && url.pathname === "/v2/slots") {
      const id = url.searchParams.get("eventTypeId") ?? "";
      lookups.set(id, (lookups.get(id) ?? 0) + 1);
    }
    void sandbox.handler(req, res);
  }).listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  cleanups.push(() => void server.close());
  const sandboxUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // suggest runs on an office calendar (Mon–Fri 09:00–17:00 UTC, 30 minutes: about 80 open times a week); the
  // bookings that feed the deliveries on a host open around the clock (15 minutes), so that they never run short.
  const office = sandbox.addUser({ username: "office", timeZone: "UTC" });
  const allDay = sandbox.addUser({
    username: "all-day",
    timeZone: "UTC",
    schedule: { availability: [{ days: ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"], startTime: "00:00", endTime: "23:59" }] },
  });

  const secret = randomBytes(32).toString("base64url");
  const encryptionKey = randomBytes(32).toString("base64");
  const token = await new SignJWT({ org_id: `bench-${Date.now()}` }).setProtectedHeader({ alg: "HS256" }).setSubject("bench").setExpirationTime("2h").sign(new TextEncoder().encode(secret));
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const call = async (base: string, method: string, p: string, body?: unknown) => {
    const res = await fetch(base + p, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const json = (await res.json()) as { data: Record<string, unknown> & { id: string }; message?: string };
    if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${json.message}`);
    return json.data;
  };
  /** An agent with the host's key on a fresh event type and an active calendar tool. */
  const agentOn = async (base: string, host: { user: { id: number }; apiKey: string }, lengthInMinutes: number) => {
    const eventTypeId = (sandbox.addEventType(host.user.id, { title: "Bench", slug: `bench-${randomBytes(4).toString("hex")}`, lengthInMinutes }) as { id: number }).id;
    const agent = await call(base, "POST", "/api/v1/agents/", { agentName: "Bench", calcomEventTypeId: eventTypeId });
    await call(base, "POST", `/api/v1/calcom/agents/${agent.id}/connect`, { api_key: host.apiKey, api_base_url: sandboxUrl });
    const tool = await call(base, "POST", "/api/v1/tools/", { name: "calendar", type: "calcom", agentId: agent.id, enabledFunctions: { values: ["suggest", "availability", "book"] } });
    await call(base, "PATCH", `/api/v1/tools/${tool.id}/`, { isActive: true });
    return { agentId: agent.id, eventTypeId };
  };

  const pgName = `agni_bench_mirror_${Date.now()}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${pgName}"`);
  cleanups.push(async () => {
    await admin.query(`DROP DATABASE IF EXISTS "${pgName}" WITH (FORCE)`);
    await admin.end();
  });
  const pgUrl = new URL(PG_ADMIN_URL);
  pgUrl.pathname = `/${pgName}`;
  const replica = (extra: Record<string, string | undefined> = {}) => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "agni-bench-mirror-"));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const env = { ...apiEnv({ secret, sandboxUrl, dataDir, databaseUrl: pgUrl.toString() }), AGNI_ENCRYPTION_KEY: encryptionKey, AGNI_WEBHOOK_ALLOW_PRIVATE: "true", ...extra };
    return start("API", ["apps/api/dist/main.js"], env, API_LISTENING);
  };

  // 1. suggest: the direct Cal.com lookup the API makes on a miss, then the API with its slot cache warm, on each database.
  const direct: number[] = [];
  const range = { start: new Date().toISOString(), end: new Date(Date.now() + 7 * 86_400_000).toISOString() };
  const suggestRuns: { database: string; coldMs: number; suggests: number; calcomCalls: number; loads: { connections: number; requests: number; p50: number; p99: number; rps: number; errors: number }[] }[] = [];
  for (const database of ["PGlite", "PostgreSQL"] as const) {
    const api = await replica(database === "PGlite" ? { DATABASE_URL: undefined } : {});
    const { agentId, eventTypeId } = await agentOn(api.url, office, 30);
    if (direct.length === 0) {
      for (let i = 0; i < 20; i++) {
        const t = performance.now();
        const res = await fetch(`${sandboxUrl}/v2/slots?eventTypeId=${eventTypeId}&start=${range.start}&end=${range.end}&timeZone=UTC`, { headers: { "cal-api-version": "2024-09-04" } });
        await res.arrayBuffer();
        direct.push(performance.now() - t);
      }
      direct.sort((x, y) => x - y);
    }
    const lookupsBefore = lookups.get(String(eventTypeId)) ?? 0;
    const suggest = { action: "suggest", agent_id: agentId, timezone: "UTC" };
    const cold = performance.now();
    await call(api.url, "POST", "/api/v1/calcom/appointments/manage", suggest);
    const coldMs = performance.now() - cold;
    const loads = [];
    for (const connections of [1, 10]) {
      const result = await autocannon({ url: `${api.url}/api/v1/calcom/appointments/manage`, method: "POST", headers, body: JSON.stringify(suggest), connections, duration: DURATION });
      loads.push({ connections, requests: result.requests.total, p50: result.latency.p50, p99: result.latency.p99, rps: result.requests.average, errors: result.errors + result.non2xx });
    }
    const suggests = 1 + loads.reduce((n, l) => n + l.requests, 0);
    suggestRuns.push({ database, coldMs, suggests, calcomCalls: (lookups.get(String(eventTypeId)) ?? 0) - lookupsBefore, loads });
    await stop(api.child);
  }

  // 2. Outbound deliveries per second, two replicas on PostgreSQL: appointments booked (each one event per
  // subscription) while no process runs workers, then two replicas with workers drain the queue.
  const received: number[] = [];
  const receiver = createServer((req, res) => {
    req.resume().on("end", () => {
      received.push(performance.now());
      res.writeHead(204).end();
    });
  }).listen(0, "127.0.0.1");
  await new Promise((resolve) => receiver.once("listening", resolve));
  cleanups.push(() => void receiver.close());
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/agni`;
  const writer = await replica({ AGNI_WORKERS: "off" });
  for (let i = 0; i < SUBSCRIPTIONS; i++) await call(writer.url, "POST", "/api/v1/webhooks", { url: `${receiverUrl}/${i}`, events: ["appointment.booked"] });
  const booking = await agentOn(writer.url, allDay, 15);
  const open = (await call(writer.url, "POST", "/api/v1/calcom/appointments/manage", { action: "availability", agent_id: booking.agentId, timezone: "UTC", days_ahead: 14 })).slot_times as string[];
  if (open.length < BOOKINGS) throw new Error(`only ${open.length} free slots for ${BOOKINGS} bookings`);
  for (let i = 0; i < BOOKINGS; i += 5) {
    await Promise.all(
      open.slice(i, Math.min(i + 5, BOOKINGS)).map((slot, j) =>
        call(writer.url, "POST", "/api/v1/calcom/appointments/manage", { action: "book", agent_id: booking.agentId, timezone: "UTC", name: `Caller ${i + j}`, email: `caller${i + j}@example.com`, appointment_datetime: slot }),
      ),
    );
  }
  await stop(writer.child);
  const expected = BOOKINGS * SUBSCRIPTIONS;
  const [a, b] = await Promise.all([replica(), replica()]);
  const from = performance.now();
  const alreadyDelivered = received.length;
  const deadline = Date.now() + 120_000;
  while (received.length < expected && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  const drainMs = (received.at(-1) ?? from) - from;
  const delivered = received.length - alreadyDelivered; // counted now: the bookings below are delivered too
  const deliveriesPerSecond = (delivered / drainMs) * 1000;
  await Promise.all([stop(a.child), stop(b.child)]);

  // 3. Webhook-to-mirror lag, PostgreSQL: bookings made on the Cal.com page (the sandbox's web app) reach the API's
  // public intake as Cal.com's webhooks; the lag runs from the booking until its row is in the mirror's table.
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port: free } = probe.address() as AddressInfo;
      probe.close(() => resolve(free));
    });
  });
  const mirrorApi = await replica({ PORT: String(port), AGNI_PUBLIC_URL: `http://127.0.0.1:${port}` });
  const paged = await agentOn(mirrorApi.url, allDay, 15);
  const db = new pg.Client({ connectionString: pgUrl.toString() });
  await db.connect();
  cleanups.push(() => db.end());
  const lags: number[] = [];
  const pageSlots = (await call(mirrorApi.url, "POST", "/api/v1/calcom/appointments/manage", { action: "availability", agent_id: paged.agentId, timezone: "UTC", days_ahead: 14 })).slot_times as string[];
  for (const [i, start] of pageSlots.slice(0, Math.min(BOOKINGS, pageSlots.length)).entries()) {
    const t = performance.now();
    const made = await sandbox.webApp.book({ start, eventTypeId: paged.eventTypeId, attendee: { name: `Page ${i}`, email: `page${i}@example.com`, timeZone: "UTC" } });
    const until = Date.now() + 10_000;
    while (Date.now() < until) {
      const { rowCount } = await db.query("SELECT 1 FROM appointments WHERE calcom_booking_uid = $1", [made.uid]);
      if (rowCount) break;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    lags.push(performance.now() - t);
  }
  lags.sort((x, y) => x - y);
  await stop(mirrorApi.child);

  console.log(`\nMachine: ${cpus().length} × ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
  console.log(`Sandbox slot latency ${LATENCY_MS} ms; slot cache TTL 60 s (AGNI_SLOT_CACHE_TTL_MS default); load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}\n`);
  console.log("| suggest | database | calls | p50 ms | p99 ms | req/s | errors |");
  console.log("|---|---|---:|---:|---:|---:|---:|");
  console.log(`| Cal.com GET /v2/slots directly (7 days), sequential | — | ${direct.length} | ${fmt(quantile(direct, 0.5))} | ${fmt(quantile(direct, 0.99))} | — | 0 |`);
  for (const r of suggestRuns) {
    console.log(`| through the API, cold (first call) | ${r.database} | 1 | ${fmt(r.coldMs)} | — | — | 0 |`);
    for (const l of r.loads) console.log(`| through the API, warm, ${l.connections} conn, ${DURATION} s | ${r.database} | ${l.requests} | ${fmt(l.p50)} | ${fmt(l.p99)} | ${fmt(l.rps, 0)} | ${l.errors} |`);
  }
  console.log("");
  for (const r of suggestRuns) {
    console.log(`Cal.com slot calls (${r.database}): ${r.calcomCalls} for ${r.suggests} suggest calls on one event type = ${fmt((r.calcomCalls / r.suggests) * 100, 3)} per 100 (target ≤ 5)`);
  }
  console.log(
    `Outbound deliveries, 2 replicas on PostgreSQL: ${delivered} of ${expected} (${BOOKINGS} bookings × ${SUBSCRIPTIONS} subscriptions) in ${fmt(drainMs / 1000, 2)} s = ${fmt(deliveriesPerSecond, 0)} deliveries/s` +
      (alreadyDelivered ? ` (${alreadyDelivered} delivered before both replicas listened, not counted)` : ""),
  );
  console.log(`Webhook-to-mirror lag, PostgreSQL, ${lags.length} bookings on the Cal.com page: p50 ${fmt(quantile(lags, 0.5))} ms, p99 ${fmt(quantile(lags, 0.99))} ms (target p99 < 1 s)`);
}

try {
  await main();
} finally {
  await Promise.all(children.map(stop));
  for (const cleanup of cleanups.reverse()) await cleanup();
}
