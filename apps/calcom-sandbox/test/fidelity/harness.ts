import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { createSandbox, type SandboxOptions } from "../../src/index";

// The fidelity suite's world: a sandbox on a pinned clock, a host in Europe/Rome with Cal.com's default schedule
// (Monday–Friday 09:00–17:00, as the slots e2e spec creates it) and a 60-minute event type. Cases call the sandbox
// over real HTTP and compare with what Cal.com's source and specs say it answers.

/** Sunday 2049-09-05 12:00Z: the slot fixtures' week (2050-09-05…) and the booking day (Mon 2049-09-06) lie ahead. */
export const NOW = new Date("2049-09-05T12:00:00Z");

const closers: (() => Promise<void>)[] = [];

/** Closes every sandbox and receiver a case started (call from afterEach). */
export async function closeAll(): Promise<void> {
  await Promise.all(closers.splice(0).map((c) => c()));
}

const VERSIONS: [RegExp, string][] = [
  [/^\/v2\/bookings/, "2024-08-13"],
  [/^\/v2\/slots/, "2024-09-04"],
  [/^\/v2\/event-types/, "2024-06-14"],
  [/^\/v2\/schedules/, "2024-06-11"],
];

export interface CallInit {
  /** API key sent as `Authorization: Bearer …`; `raw` sends the header value as given. */
  key?: string;
  raw?: string;
  /** `cal-api-version`; the resource's own by default, `null` for none. */
  version?: string | null;
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
}

export interface Answer {
  status: number;
  body: any;
  headers: Headers;
}

export async function world(options: SandboxOptions = {}) {
  const clock = { now: NOW.getTime() };
  const sandbox = createSandbox({ now: () => new Date(clock.now), ...options });
  const server = await sandbox.listen(0);
  closers.push(server.close);
  const { user: host, apiKey } = sandbox.addUser({ username: "rome-host", name: "Rome Host", timeZone: "Europe/Rome" });
  const eventType = sandbox.addEventType(host.id, { title: "Frisbee match", slug: "frisbee-match", lengthInMinutes: 60 });

  async function call(method: string, path: string, init: CallInit = {}): Promise<Answer> {
    const url = new URL(path, server.url);
    for (const [k, v] of Object.entries(init.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { ...init.headers };
    const version = init.version === undefined ? VERSIONS.find(([re]) => re.test(url.pathname))?.[1] : init.version;
    if (version) headers["cal-api-version"] = version;
    if (init.key) headers.authorization = `Bearer ${init.key}`;
    if (init.raw) headers.authorization = init.raw;
    if (init.body !== undefined) headers["content-type"] = "application/json";
    const res = await fetch(url, { method, headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  }

  const attendee = { name: "Ada Lovelace", email: "ada@example.com", timeZone: "Europe/Rome" };
  /** POST /v2/bookings for the world's event type (or `extra.eventTypeId`), as the host's API key unless `key` says otherwise. */
  const book = (start: string, extra: Record<string, unknown> = {}, key: string | undefined = apiKey) =>
    call("POST", "/v2/bookings", { key, body: { start, eventTypeId: eventType.id, attendee, ...extra } });

  return { sandbox, url: server.url, clock, host, apiKey, eventType, call, book, attendee };
}

/** An HTTP server that records what it receives (webhook deliveries), answering `status` (200 by default). */
export async function receiver(options: { status?: number } = {}) {
  const received: { body: string; headers: IncomingHttpHeaders }[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c)).on("end", () => {
      received.push({ body, headers: req.headers });
      res.statusCode = options.status ?? 200;
      res.end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    /** Waits (bounded) until `n` deliveries arrived; the assertion is on what arrived, not on timing. */
    async next(n = 1) {
      for (let i = 0; i < 250 && received.length < n; i++) await new Promise((r) => setTimeout(r, 20));
      return received.slice(0, n).map((r) => ({ event: JSON.parse(r.body), raw: r.body, headers: r.headers }));
    },
  };
}

/** A URL on which nothing listens (connection refused): a subscriber Cal.com cannot reach. */
export async function unreachableUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/hook`;
}

/** The world plus a webhook of the host subscribed to `triggers`, delivering to a fresh receiver. */
export async function subscribedWorld(triggers: string[], options: SandboxOptions & { secret?: string } = {}) {
  const { secret, ...sandboxOptions } = options;
  const w = await world(sandboxOptions);
  const hook = await receiver();
  const created = await w.call("POST", "/v2/webhooks", { key: w.apiKey, body: { subscriberUrl: hook.url, active: true, triggers, ...(secret ? { secret } : {}) } });
  return { ...w, hook, webhookId: created.body.data.id as number };
}
