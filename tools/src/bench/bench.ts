// `npm run bench`: throughput and latency of the API's hot endpoints on embedded PGlite and on PostgreSQL, beside a
// bare Node `http` server and a bare Express route answering the same JSON, all measured in this run with autocannon.
// Every server runs in its own process (built with `npm run build` first); the Cal.com sandbox runs in another.
// Options: --duration <s> (default 10), --connections <n> (default 10), --database-url <postgres admin url>,
// --memory-runs <n> (default 3), --only PGlite|PostgreSQL.
import { type ChildProcess, execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { SignJWT } from "jose";
import pg from "pg";
import { apiEnv, children, cleanups, ROOT, start, stop } from "./harness";

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
};
const DURATION = Number(arg("duration", "10"));
const CONNECTIONS = Number(arg("connections", "10"));
const MEMORY_RUNS = Number(arg("memory-runs", "3"));
const DATABASES = (["PGlite", "PostgreSQL"] as const).filter((d) => arg("only", d) === d);
const PG_ADMIN_URL = arg("database-url", process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres");
const DEMO_KEY = "cal_test_sandboxdemo0000000000000000000000"; // apps/calcom-sandbox/seeds/default.json
const EVENT_TYPE_ID = 1;

const rssMb = (child: ChildProcess) => {
  const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
  const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1];
  if (kb === undefined) throw new Error(`no VmRSS in /proc/${child.pid}/status`);
  return Number(kb) / 1024;
};

interface Row {
  target: string;
  database: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

async function load(url: string, init: { method?: "GET" | "POST"; headers?: Record<string, string>; body?: string; connections?: number } = {}) {
  const options = { url, method: init.method ?? "GET", headers: init.headers, body: init.body, connections: init.connections ?? CONNECTIONS };
  await autocannon({ ...options, duration: 2 }); // warm-up: JIT, connection pools, caches
  const result = await autocannon({ ...options, duration: DURATION });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.non2xx };
}

async function main() {
  console.log("Building the API and the sandbox…");
  execFileSync("npx", ["nx", "run-many", "-t", "build", "-p", "@agni/api", "@agni/calcom-sandbox", "--output-style=static"], { cwd: ROOT, stdio: "ignore" });

  const sandbox = await start("sandbox", ["apps/calcom-sandbox/dist/main.js"], { PORT: "0", SANDBOX_RATE_LIMIT: "100000000" }, /listening on (http:\/\/\S+)/);
  const secret = randomBytes(32).toString("base64url");
  const token = await new SignJWT({ org_id: "bench" }).setProtectedHeader({ alg: "HS256" }).setSubject("bench").setExpirationTime("2h").sign(new TextEncoder().encode(secret));
  const auth = { authorization: `Bearer ${token}`, "content-type": "application/json" };

  const rows: Row[] = [];
  const memory: { database: string; runs: number[] }[] = [];
  let accountJson = "";

  const pgName = `agni_bench_${Date.now()}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${pgName}"`);
  cleanups.push(async () => {
    await admin.query(`DROP DATABASE IF EXISTS "${pgName}" WITH (FORCE)`);
    await admin.end();
  });
  const pgUrl = new URL(PG_ADMIN_URL);
  pgUrl.pathname = `/${pgName}`;

  // Cal.com called directly: the same slots request the API makes for `suggest` (7 days from today, UTC).
  const today = new Date();
  today.setUTCHours(0, 0, 0, 0);
  const end = new Date(today.getTime() + 8 * 86_400_000 - 1);
  const slotsUrl = `${sandbox.url}/v2/slots?eventTypeId=${EVENT_TYPE_ID}&start=${today.toISOString()}&end=${end.toISOString()}&timeZone=UTC`;
  const direct = () => load(slotsUrl, { headers: { authorization: `Bearer ${DEMO_KEY}`, "cal-api-version": "2024-09-04" }, connections: 1 });
  const overheads: { database: string; api: number; direct: number }[] = [];

  for (const database of DATABASES) {
    const dataDir = mkdtempSync(path.join(tmpdir(), "agni-bench-"));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    // The slot cache off: `suggest` here measures what the API adds to a Cal.com call (bench:mirror measures the cache).
    const env = { ...apiEnv({ secret, sandboxUrl: sandbox.url, dataDir, databaseUrl: database === "PostgreSQL" ? pgUrl.toString() : undefined }), AGNI_SLOT_CACHE_TTL_MS: "0" };
    const api = await start(`API on ${database}`, ["apps/api/dist/main.js"], env, /Agni API listening on (http:\/\/\S+)/);

    const call = async (method: string, p: string, body?: unknown) => {
      const res = await fetch(api.url + p, { method, headers: auth, body: body === undefined ? undefined : JSON.stringify(body) });
      const json = (await res.json()) as { data: Record<string, unknown>; message?: string };
      if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${json.message}`);
      return json.data;
    };
    const agent = await call("POST", "/api/v1/agents/", { agentName: "Bench", calcomEventTypeId: EVENT_TYPE_ID });
    await call("POST", `/api/v1/calcom/agents/${agent.id}/connect`, { api_key: DEMO_KEY, api_base_url: sandbox.url });
    const tool = await call("POST", "/api/v1/tools/", { name: "calendar", type: "calcom", agentId: agent.id, enabledFunctions: { values: ["suggest", "book"] } });
    await call("PATCH", `/api/v1/tools/${tool.id}/`, { isActive: true }); // tools are created inactive

    const accountUrl = `${api.url}/api/v1/calcom/agents/${agent.id}/account`;
    accountJson ||= await (await fetch(accountUrl, { headers: auth })).text();
    const measure = async (target: string, url: string, init: Parameters<typeof load>[1] = {}) => {
      rows.push({ target, database, ...(await load(url, { headers: auth, ...init })) });
    };
    await measure("GET /calcom/agents/{id}/account", accountUrl);
    await measure("GET /tools/{id}/", `${api.url}/api/v1/tools/${tool.id}/`);
    const suggest = JSON.stringify({ action: "suggest", agent_id: agent.id, timezone: "UTC" });
    const suggestUrl = `${api.url}/api/v1/calcom/appointments/manage`;
    await measure("POST …/appointments/manage suggest (1 conn)", suggestUrl, { method: "POST", body: suggest, connections: 1 });
    rows.push({ target: "sandbox GET /v2/slots directly (1 conn)", database, ...(await direct()) });
    // The API's overhead on suggest: three more pairs (API, then Cal.com directly) back to back, so that drift in the
    // sandbox's own speed cancels out; the median pair is reported.
    const pairs: { api: number; direct: number }[] = [];
    for (let i = 0; i < 3; i++) {
      const viaApi = await load(suggestUrl, { method: "POST", body: suggest, headers: auth, connections: 1 });
      pairs.push({ api: viaApi.p50, direct: (await direct()).p50 });
    }
    pairs.sort((a, b) => a.api - a.direct - (b.api - b.direct));
    overheads.push({ database, ...pairs[1] });

    // Memory: the same load MEMORY_RUNS more times; RSS after each.
    const runs: number[] = [];
    for (let i = 0; i < MEMORY_RUNS; i++) {
      await load(accountUrl, { headers: auth });
      runs.push(rssMb(api.child));
    }
    memory.push({ database, runs });
    await stop(api.child);
  }


  for (const kind of ["http", "express"] as const) {
    const server = await start(kind, ["--import", "tsx", "tools/src/bench/baseline.ts", kind], { BENCH_BODY: accountJson }, /listening on (http:\/\/\S+)/);
    rows.push({ target: `baseline: bare ${kind === "http" ? "Node http" : "Express route"}`, database: "—", ...(await load(`${server.url}/api/v1/calcom/agents/x/account`)) });
    await stop(server.child);
  }

  const express = rows.find((r) => r.target === "baseline: bare Express route");
  if (!express) throw new Error("the Express baseline did not run");
  const fmt = (n: number, digits = 1) => n.toFixed(digits);
  console.log(`\nMachine: ${cpus().length} × ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
  console.log(`autocannon: ${CONNECTIONS} connections (1 for suggest/slots), ${DURATION} s per row after a 2 s warm-up\n`);
  console.log("| target | database | req/s | p50 ms | p99 ms | × Express req/s | errors |");
  console.log("|---|---|---:|---:|---:|---:|---:|");
  for (const r of rows) {
    console.log(`| ${r.target} | ${r.database} | ${fmt(r.rps, 0)} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${fmt(r.rps / express.rps, 2)} | ${r.errors} |`);
  }
  console.log("\nsuggest, median of three back-to-back pairs (API, then the sandbox directly), 1 connection:");
  for (const o of overheads) {
    console.log(`  ${o.database}: the API adds ${fmt(o.api - o.direct)} ms at p50 (${fmt(o.api)} vs ${fmt(o.direct)} direct)`);
  }
  console.log(`\nRSS of the API after ${MEMORY_RUNS} repeated runs of the account load:`);
  for (const m of memory) console.log(`  ${m.database}: ${m.runs.map((v) => `${fmt(v)} MB`).join(" → ")}`);
}

try {
  await main();
} finally {
  await Promise.all(children.map(stop));
  for (const cleanup of cleanups.reverse()) await cleanup();
}
