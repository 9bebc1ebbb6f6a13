import { readFileSync } from "node:fs";
import { createSandbox } from "./sandbox";
import type { Seed } from "./seed";

/** `npm run sandbox`: a local Cal.com API v2 stand-in, seeded from SANDBOX_SEED (default seeds/default.json). */
const port = Number(process.env.PORT ?? 5555);
const host = process.env.HOST ?? "127.0.0.1";
const seedFile = process.env.SANDBOX_SEED ?? new URL("../seeds/default.json", import.meta.url);
const seed = JSON.parse(readFileSync(seedFile, "utf8")) as Seed;

// SANDBOX_RATE_LIMIT: requests per minute per key (Cal.com's 120 by default; raise it for benchmarks).
const rateLimitPerMinute = process.env.SANDBOX_RATE_LIMIT ? Number(process.env.SANDBOX_RATE_LIMIT) : undefined;
// SANDBOX_SLOT_LATENCY_MS: how long every GET /v2/slots takes (0 by default; benchmarks use Cal.com's few hundred ms).
const slotLatencyMs = process.env.SANDBOX_SLOT_LATENCY_MS ? Number(process.env.SANDBOX_SLOT_LATENCY_MS) : undefined;
const sandbox = createSandbox({ seed, rateLimitPerMinute, slotLatencyMs });
const server = await sandbox.listen(port, host);
const lines = [`Cal.com sandbox listening on ${server.url}`];
for (const seeded of seed.users) {
  const user = [...sandbox.store.users.values()].find((u) => u.username === seeded.username);
  if (!user) continue;
  const types = [...sandbox.store.eventTypes.values()].filter((e) => e.ownerId === user.id);
  lines.push(`User "${user.username}" (id ${user.id}, ${user.timeZone})${seeded.apiKey ? `, API key ${seeded.apiKey}` : ""}`);
  for (const t of types) lines.push(`  event type ${t.id}: ${t.title} (${t.lengthInMinutes} min)`);
}
for (const team of sandbox.store.teams.values()) {
  const members = team.members.map((m) => `${sandbox.store.userById(m.userId).username} (${m.role.toLowerCase()})`).join(", ");
  lines.push(`Team "${team.slug}" (id ${team.id}): ${members}`);
  for (const t of [...sandbox.store.eventTypes.values()].filter((e) => e.teamId === team.id)) {
    const hosts = (t.hosts ?? []).map((h) => sandbox.store.userById(h.userId).name).join(", ");
    lines.push(`  event type ${t.id}: ${t.title} (${t.lengthInMinutes} min, ${t.schedulingType === "COLLECTIVE" ? "collective" : "round-robin"}: ${hosts})`);
  }
}
lines.push(
  "Test controls: POST /_sandbox/reset, POST|DELETE /_sandbox/faults, GET /_sandbox/bookings,",
  "  POST /_sandbox/web-app/bookings[/{uid}/reschedule|cancel|confirm|reject|no-show],",
  "  GET /_sandbox/webhook-deliveries, POST|DELETE /_sandbox/webhook-faults[/pause|resume|release], GET /_sandbox/webhook-faults/held, POST /_sandbox/webhook-cron",
  "",
);
process.stdout.write(lines.join("\n"));
const stop = () => void server.close().then(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
