import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { assignRequestId, readJsonBody, sendBareError, sendError, sendJson, sendSuccess } from "./http";
import { RateLimiter } from "./rate-limit";
import { bookingOutput, bookingRoutes } from "./routes/bookings";
import { HttpError, type Route, type RouteContext } from "./routes/context";
import { creditRoutes } from "./routes/credits";
import { eventTypeOutput, eventTypeRoutes } from "./routes/event-types";
import { meOutput } from "./routes/me";
import { scheduleRoutes } from "./routes/schedules";
import { slotRoutes } from "./routes/slots";
import { deliverWebhooks, webhookRoutes } from "./routes/webhooks";
import { applySeed, type Seed } from "./seed";
import { type NewEventType, type NewUser, SandboxStore, type SandboxUser, type StoredSchedule } from "./store";

export interface SandboxOptions {
  /** Requests per window per API key before 429 (Cal.com's default for API keys is 120 a minute). */
  rateLimitPerMinute?: number;
  /** The rate-limit window (and block) length; default 60 s. Tests shorten it. */
  rateLimitWindowMs?: number;
  /** The clock for slots, notice and bookings (tests pin it). */
  now?: () => Date;
  /** Loaded at start and by `POST /_sandbox/reset`. */
  seed?: Seed;
}

/**
 * A scripted failure for the next matching request(s). `delayMs` waits first; then `status` answers with `body`
 * (or Cal.com's error envelope), `malformed` answers 200 with a body that is not JSON, `drop: "before"` closes the
 * connection without handling, and `drop: "after"` handles the request fully and then closes the connection
 * without answering (Cal.com did the work; the client never hears of it).
 */
export interface Fault {
  path?: string | RegExp;
  method?: string;
  status?: number;
  body?: unknown;
  delayMs?: number;
  malformed?: boolean;
  /** Close the connection before handling, after handling (answer lost), or handle and never answer ("hang"). */
  drop?: "before" | "after" | "hang";
  /** How many requests it applies to (default 1). */
  times?: number;
  /** Holds the request until this settles, then goes on (in-process tests only: lets a test decide when Cal.com answers). */
  until?: Promise<unknown>;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  calApiVersion: string | null;
  hadBearer: boolean;
}

export interface Sandbox {
  readonly store: SandboxStore;
  addUser(input: NewUser): { user: SandboxUser; apiKey: string };
  addEventType(userId: number, input: NewEventType): ReturnType<typeof eventTypeOutput>;
  addSchedule(userId: number, input: Omit<StoredSchedule, "id" | "ownerId" | "isDefault"> & { isDefault?: boolean }): StoredSchedule;
  revokeKey(apiKey: string): boolean;
  /** Every booking (all users), as Cal.com would return them, plus the host's user id. */
  bookings(): (ReturnType<typeof bookingOutput> & { userId: number })[];
  /** Back to the seed (or empty). */
  reset(): void;
  faults: { inject(fault: Fault): void; clear(): void };
  /** Every request received, newest last (no credentials recorded). */
  requests: RecordedRequest[];
  handler: RequestListener;
  listen(port?: number, host?: string): Promise<{ url: string; close(): Promise<void> }>;
}

// `cal-api-version` values Cal.com knows; anything else (or nothing) is treated as 2024-04-15.
const KNOWN_VERSIONS = new Set(["2024-04-15", "2024-06-11", "2024-06-14", "2024-08-13", "2024-09-04"]);
const ROUTES: Route[] = [
  { method: "GET", pattern: /^\/v2\/me\/?$/, auth: "required", handle: ({ res, user }) => sendSuccess(res, meOutput(user!)) },
  ...slotRoutes,
  ...bookingRoutes,
  ...eventTypeRoutes,
  ...scheduleRoutes,
  ...webhookRoutes,
  ...creditRoutes,
];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createSandbox(options: SandboxOptions = {}): Sandbox {
  let store = new SandboxStore();
  if (options.seed) applySeed(store, options.seed);
  const limiter = new RateLimiter(options.rateLimitPerMinute ?? 120, options.rateLimitWindowMs);
  const faults: (Fault & { remaining: number })[] = [];
  const requests: RecordedRequest[] = [];
  const now = () => (options.now ? options.now().getTime() : Date.now());

  const takeFault = (method: string, path: string) => {
    const i = faults.findIndex(
      (f) => (!f.method || f.method.toUpperCase() === method) && (!f.path || (typeof f.path === "string" ? path === f.path : f.path.test(path))),
    );
    if (i < 0) return undefined;
    const fault = faults[i]!;
    if (--fault.remaining <= 0) faults.splice(i, 1);
    return fault;
  };

  /** Unauthenticated test controls under /_sandbox/ (reset, faults, bookings). */
  async function admin(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (req.method === "POST" && path === "/_sandbox/reset") {
      sandbox.reset();
      return sendSuccess(res, { reset: true });
    }
    if (req.method === "POST" && path === "/_sandbox/faults") {
      const f = (await readJsonBody(req)) as Fault & { path?: string; pathPattern?: string };
      sandbox.faults.inject({ ...f, ...(f.pathPattern ? { path: new RegExp(f.pathPattern) } : {}) });
      return sendSuccess(res, { injected: true }, 201);
    }
    if (req.method === "DELETE" && path === "/_sandbox/faults") {
      sandbox.faults.clear();
      return sendSuccess(res, { cleared: true });
    }
    if (req.method === "GET" && path === "/_sandbox/bookings") return sendSuccess(res, sandbox.bookings());
    sendError(req, res, 404, `Cannot ${req.method} ${path}`);
  }

  const handler: RequestListener = async (req, res) => {
    assignRequestId(res);
    const url = new URL(req.url ?? "/", "http://sandbox.local");
    const method = req.method ?? "GET";
    const auth = req.headers.authorization ?? "";
    const header = (req.headers["cal-api-version"] as string | undefined) ?? null;
    requests.push({ method, path: url.pathname, query: Object.fromEntries(url.searchParams), calApiVersion: header, hadBearer: auth.startsWith("Bearer ") });
    if (requests.length > 1000) requests.shift();

    try {
      if (url.pathname.startsWith("/_sandbox/")) return await admin(req, res, url.pathname);
      const fault = takeFault(method, url.pathname);
      if (fault?.delayMs) await sleep(fault.delayMs);
      if (fault?.until) await fault.until.catch(() => undefined);
      if (fault?.drop === "before") return void req.socket.destroy();
      if (fault?.malformed) {
        res.writeHead(200, { "content-type": "application/json" });
        return void res.end('{"status":"success","data":');
      }
      if (fault?.status) return fault.body !== undefined ? sendJson(res, fault.status, fault.body) : sendError(req, res, fault.status, "Injected fault");

      const version = header && KNOWN_VERSIONS.has(header) ? header : "2024-04-15";
      const route = ROUTES.find((r) => r.method === method && r.pattern.test(url.pathname) && (!r.versions || r.versions.includes(version)));
      if (!route) return sendError(req, res, 404, `Cannot ${method} ${url.pathname}`);

      const apiKey = auth.startsWith("Bearer ") ? auth.slice("Bearer ".length).trim() : "";
      const user = apiKey ? store.userForKey(apiKey) : undefined;
      if (apiKey && !user) return sendError(req, res, 401, "ApiAuthStrategy - api key - Your api key is not valid");
      if (!user && route.auth === "required") return sendError(req, res, 401, "ApiAuthStrategy - api key - Your api key is not valid");
      if (user) {
        const rate = limiter.hit(apiKey);
        res.setHeader("X-RateLimit-Limit-Default", String(rate.limit));
        res.setHeader("X-RateLimit-Remaining-Default", String(rate.remaining));
        res.setHeader("X-RateLimit-Reset-Default", String(rate.resetSeconds));
        if (!rate.allowed) return sendError(req, res, 429, "CustomThrottlerGuard - Too many requests. Please try again later.");
      }

      let body: unknown;
      try {
        body = await readJsonBody(req);
      } catch {
        return sendError(req, res, 400, "Unexpected token in JSON body");
      }
      if (fault?.drop === "after" || fault?.drop === "hang") {
        // Do the work, then lose the answer: close the connection ("after"), or keep it open without a word ("hang").
        const sink = Object.assign(Object.create(res), { writeHead: () => sink, setHeader: () => sink, end: () => sink });
        await route.handle(context(req, sink, url, route, user, body));
        if (fault.drop === "after") req.socket.destroy();
        return;
      }
      await route.handle(context(req, res, url, route, user, body));
    } catch (err) {
      if (res.headersSent) return;
      if (err instanceof HttpError) return err.bare ? sendBareError(res, err.status, err.message) : sendError(req, res, err.status, err.message);
      sendJson(res, 500, { statusCode: 500, message: "Internal server error" });
      process.stderr.write(`sandbox: ${(err as Error).stack ?? err}\n`);
    }
  };

  function context(req: IncomingMessage, res: ServerResponse, url: URL, route: Route, user: SandboxUser | undefined, body: unknown): RouteContext {
    return {
      req,
      res,
      url,
      params: route.pattern.exec(url.pathname)!.slice(1),
      user,
      body,
      store,
      now,
      notify: (trigger, booking) => void deliverWebhooks(store, trigger, booking, now()),
    };
  }

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
      store = new SandboxStore();
      if (options.seed) applySeed(store, options.seed);
      faults.splice(0);
    },
    faults: {
      inject: (fault) => void faults.push({ ...fault, remaining: fault.times ?? 1 }),
      clear: () => void faults.splice(0),
    },
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
