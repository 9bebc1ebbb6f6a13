// Benchmark: p50/p99 latency of `suggest` and `book` through the API against the Cal.com sandbox, beside the same
// Cal.com calls made directly with libs/calcom from this process, so the API's own overhead shows as a ratio.
// Everything runs in-process on loopback (API on embedded PGlite in memory, sandbox over real HTTP).
// Usage: npm run bench:appointments [-- --iterations 200]
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { createApp, createLogger, openDatabase } from "@agni/api/ops";
import { createCalcomClient } from "@agni/calcom";
import { createSandbox } from "@agni/calcom-sandbox";
import { SignJWT } from "jose";

const iterations = Number(process.argv[process.argv.indexOf("--iterations") + 1]) || 150;
const secret = randomBytes(32).toString("hex");

const sandbox = createSandbox({ rateLimitPerMinute: 1_000_000 });
const sandboxServer = await sandbox.listen(0, "127.0.0.1");
const db = await openDatabase({});
const app = createApp({
  prisma: db.prisma,
  ping: () => db.ping(),
  config: { auth: { jwtSecret: secret }, encryptionKey: randomBytes(32), bodyLimit: "1mb", calcomTimeoutMs: 8000, calcomRateLimit: 100_000 },
  logger: createLogger("warn", new Writable({ write: (_c, _e, cb) => cb() })),
});
const server = app.listen(0, "127.0.0.1");
await new Promise((resolve) => server.once("listening", resolve));
const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const token = await new SignJWT({ org_id: "bench" }).setProtectedHeader({ alg: "HS256" }).setExpirationTime("1h").sign(new TextEncoder().encode(secret));

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(apiUrl + path, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: body ? JSON.stringify(body) : undefined });
  // The API's envelope; `data.id` is all this script reads of it.
  const json = (await res.json()) as { message: string; data: { id: string } };
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${json.message}`);
  return json;
}

// One host whose calendar is open around the clock, so that hundreds of bookings find room.
const { user, apiKey } = sandbox.addUser({ username: "bench", timeZone: "UTC", schedule: { availability: [{ days: ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"], startTime: "00:00", endTime: "23:59" }] } });
const eventType = sandbox.addEventType(user.id, { title: "Bench", slug: "bench", lengthInMinutes: 15 }) as { id: number };
const agent = (await call("POST", "/api/v1/agents/", { agentName: "Bench", calcomEventTypeId: eventType.id })).data;
await call("POST", `/api/v1/calcom/agents/${agent.id}/connect`, { api_key: apiKey, api_base_url: sandboxServer.url });
const tool = (await call("POST", "/api/v1/tools/", { name: "calendar", type: "calcom", agentId: agent.id, enabledFunctions: { values: ["book", "suggest"] } })).data;
await call("PATCH", `/api/v1/tools/${tool.id}/`, { isActive: true }); // tools are created inactive
const cal = createCalcomClient({ apiKey, baseUrl: sandboxServer.url, rateLimit: false });

async function measure(label: string, n: number, run: (i: number) => Promise<unknown>) {
  for (let i = 0; i < 10; i++) await run(-1 - i); // warm-up
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await run(i);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))];
  return { label, p50: q(0.5), p99: q(0.99) };
}

const free = Object.values(await cal.slots.list({ eventTypeId: eventType.id, start: new Date().toISOString(), end: new Date(Date.now() + 29 * 86_400_000).toISOString() }))
  .flat()
  .map((s) => s.start);
if (free.length < 2 * iterations + 40) throw new Error(`only ${free.length} free slots for ${iterations} iterations`);
let next = 0;
const slot = () => free[next++];

const range = { eventTypeId: eventType.id, start: new Date().toISOString(), end: new Date(Date.now() + 7 * 86_400_000).toISOString(), timeZone: "UTC" };
const rows = [
  await measure("suggest via API", iterations, () => call("POST", "/api/v1/calcom/appointments/manage", { action: "suggest", agent_id: agent.id, timezone: "UTC" })),
  await measure("slots direct", iterations, () => cal.slots.list(range)),
  await measure("book via API", iterations, (i) =>
    call("POST", "/api/v1/calcom/appointments/manage", { action: "book", agent_id: agent.id, timezone: "UTC", name: `Api ${i}`, email: `api${i + 100}@example.com`, appointment_datetime: slot() }),
  ),
  await measure("book direct", iterations, (i) =>
    cal.bookings.create({ start: slot(), eventTypeId: eventType.id, attendee: { name: `Direct ${i}`, email: `direct${i + 100}@example.com`, timeZone: "UTC" } }),
  ),
];

const fmt = (ms: number) => `${ms.toFixed(2)} ms`.padStart(10);
console.log(`appointments benchmark — ${iterations} iterations each, loopback, PGlite in memory\n`);
console.log(`${"operation".padEnd(18)}${"p50".padStart(10)}${"p99".padStart(10)}`);
for (const r of rows) console.log(`${r.label.padEnd(18)}${fmt(r.p50)}${fmt(r.p99)}`);
const ratio = (a: number, b: number) => (a / b).toFixed(2);
console.log(`\nAPI / direct (p50): suggest ×${ratio(rows[0].p50, rows[1].p50)}, book ×${ratio(rows[2].p50, rows[3].p50)}`);
console.log(`API / direct (p99): suggest ×${ratio(rows[0].p99, rows[1].p99)}, book ×${ratio(rows[2].p99, rows[3].p99)}`);

server.close();
await sandboxServer.close();
await db.close();
