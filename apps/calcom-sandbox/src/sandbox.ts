import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { readJsonBody, sendError, sendSuccess } from "./http";
import { bookingOutput, bookingRoutes } from "./routes/bookings";
import type { Route } from "./routes/context";
import { creditRoutes } from "./routes/credits";
import { eventTypeOutput, eventTypeRoutes } from "./routes/event-types";
import { legacyBookingRoutes } from "./routes/legacy-bookings";
import { meOutput } from "./routes/me";
import { scheduleRoutes } from "./routes/schedules";
import { slotRoutes } from "./routes/slots";
import { deliverWebhooks, webhookRoutes } from "./routes/webhooks";
import { applySeed, type Seed } from "./seed";
import { type Fault, Faults } from "./server/faults";
import { Guards } from "./server/guards";
import { createHandler, type RecordedRequest } from "./server/handler";
import { type NewEventType, type NewUser, SandboxStore, type SandboxUser, type StoredSchedule } from "./store";

export type { Fault } from "./server/faults";
export type { RecordedRequest } from "./server/handler";

export interface SandboxOptions {
  /** Requests per window per API key before 429 (Cal.com's default for API keys is 120 a minute). */
  rateLimitPerMinute?: number;
  /** Requests per window per IP without credentials (Cal.com's default is 120 a minute). */
  anonymousRateLimitPerMinute?: number;
  /** The rate-limit window (and block) length; default 60 s. Tests shorten it. */
  rateLimitWindowMs?: number;
  /** The clock for everything time-dependent: slots, notice, bookings, reservations, rate limits, webhooks. */
  now?: () => Date;
  /** Loaded at start and by `POST /_sandbox/reset`. */
  seed?: Seed;
  /** Behave as a self-hosted Cal.com without a licence key: API v2 refuses every API key (default false). */
  withoutLicence?: boolean;
}

export interface Sandbox {
  readonly store: SandboxStore;
  addUser(input: NewUser): { user: SandboxUser; apiKey: string };
  addEventType(userId: number, input: NewEventType): ReturnType<typeof eventTypeOutput>;
  addSchedule(userId: number, input: Omit<StoredSchedule, "id" | "ownerId" | "isDefault"> & { isDefault?: boolean }): StoredSchedule;
  revokeKey(apiKey: string): boolean;
  /** Every booking (all users), as Cal.com would return them, plus the host's user id. */
  bookings(): (ReturnType<typeof bookingOutput> & { userId: number })[];
  /** Back to the seed (or empty), without faults. */
  reset(): void;
  /** Injected failures; `clear(apiKey)` removes only those scoped to that key. */
  faults: { inject(fault: Fault): void; clear(apiKey?: string): void };
  /** Every request received, newest last (no credentials recorded). */
  requests: RecordedRequest[];
  handler: RequestListener;
  listen(port?: number, host?: string): Promise<{ url: string; close(): Promise<void> }>;
}

const ROUTES: Route[] = [
  { method: "GET", pattern: /^\/v2\/me\/?$/, auth: "required", handle: ({ res, user }) => sendSuccess(res, meOutput(user!)) },
  ...slotRoutes,
  ...bookingRoutes,
  ...legacyBookingRoutes,
  ...eventTypeRoutes,
  ...scheduleRoutes,
  ...webhookRoutes,
  ...creditRoutes,
];

export function createSandbox(options: SandboxOptions = {}): Sandbox {
  const fresh = () => {
    const s = new SandboxStore();
    if (options.seed) applySeed(s, options.seed);
    return s;
  };
  let store = fresh();
  const now = () => (options.now ? options.now().getTime() : Date.now());
  const faults = new Faults();
  const requests: RecordedRequest[] = [];
  const guards = new Guards({
    apiKeyLimit: options.rateLimitPerMinute ?? 120,
    anonymousLimit: options.anonymousRateLimitPerMinute ?? 120,
    windowMs: options.rateLimitWindowMs ?? 60_000,
    licensed: !options.withoutLicence,
    now,
    userForKey: (key) => store.userForKey(key),
  });

  /** Unauthenticated test controls: reset, faults (optionally per API key), bookings. */
  async function admin(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const path = url.pathname;
    if (req.method === "POST" && path === "/_sandbox/reset") {
      sandbox.reset();
      return sendSuccess(res, { reset: true });
    }
    if (req.method === "POST" && path === "/_sandbox/faults") {
      const f = (await readJsonBody(req)) as Fault & { path?: string; pathPattern?: string };
      faults.inject({ ...f, ...(f.pathPattern ? { path: new RegExp(f.pathPattern) } : {}) });
      return sendSuccess(res, { injected: true }, 201);
    }
    if (req.method === "DELETE" && path === "/_sandbox/faults") {
      faults.clear(url.searchParams.get("apiKey") ?? undefined);
      return sendSuccess(res, { cleared: true });
    }
    if (req.method === "GET" && path === "/_sandbox/bookings") return sendSuccess(res, sandbox.bookings());
    sendError(req, res, 404, `Cannot ${req.method} ${path}`);
  }

  const handler = createHandler({
    routes: ROUTES,
    store: () => store,
    faults,
    guards,
    requests,
    now,
    notify: (trigger, booking, previous) => void deliverWebhooks(store, trigger, booking, now(), previous),
    admin,
  });

  const sandbox: Sandbox = {
    get store() {
      return store;
    },
    addUser: (input) => store.addUser(input),
    addEventType: (userId, input) => eventTypeOutput(store.addEventType(userId, input), store),
    addSchedule: (userId, input) => store.addSchedule(userId, input),
    revokeKey: (apiKey) => store.revokeKey(apiKey),
    bookings: () => [...store.bookings.values()].map((b) => ({ ...bookingOutput(b, store), userId: b.userId })),
    reset() {
      store = fresh();
      faults.clear();
    },
    faults: { inject: (fault) => faults.inject(fault), clear: (apiKey) => faults.clear(apiKey) },
    requests,
    handler,
    async listen(port = 0, host = "127.0.0.1") {
      const server = createServer(handler);
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => resolve());
      });
      const address = server.address() as AddressInfo;
      return {
        url: `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`,
        close: () =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          }),
      };
    },
  };
  return sandbox;
}
