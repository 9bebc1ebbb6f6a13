import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { assignRequestId, sendError, sendJson, sendSuccess } from "./http";
import { RateLimiter } from "./rate-limit";
import { meOutput } from "./routes/me";
import { type NewUser, SandboxStore, type SandboxUser } from "./store";

export interface SandboxOptions {
  /** Requests per minute per API key before 429 (Cal.com's default for API keys is 120). */
  rateLimitPerMinute?: number;
}

/** A scripted failure for the next matching request(s): wait `delayMs`, then answer `status` with `body` (if given). */
export interface Fault {
  path?: string | RegExp;
  status?: number;
  body?: unknown;
  delayMs?: number;
  /** How many requests it applies to (default 1). */
  times?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  calApiVersion: string | null;
  hadBearer: boolean;
}

interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: string[];
  user: SandboxUser;
}

interface Route {
  method: string;
  pattern: RegExp;
  handle(ctx: RouteContext): void | Promise<void>;
}

export interface Sandbox {
  store: SandboxStore;
  addUser(input: NewUser): { user: SandboxUser; apiKey: string };
  revokeKey(apiKey: string): boolean;
  faults: { inject(fault: Fault): void; clear(): void };
  /** Every request received, newest last (no credentials recorded). */
  requests: RecordedRequest[];
  handler: RequestListener;
  listen(port?: number, host?: string): Promise<{ url: string; close(): Promise<void> }>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createSandbox(options: SandboxOptions = {}): Sandbox {
  const store = new SandboxStore();
  const limiter = new RateLimiter(options.rateLimitPerMinute ?? 120);
  const faults: (Fault & { remaining: number })[] = [];
  const requests: RecordedRequest[] = [];

  const routes: Route[] = [
    { method: "GET", pattern: /^\/v2\/me\/?$/, handle: ({ res, user }) => sendSuccess(res, meOutput(user)) },
  ];

  const takeFault = (path: string) => {
    const i = faults.findIndex((f) => !f.path || (typeof f.path === "string" ? path === f.path : f.path.test(path)));
    if (i < 0) return undefined;
    const fault = faults[i]!;
    fault.remaining -= 1;
    if (fault.remaining <= 0) faults.splice(i, 1);
    return fault;
  };

  const handler: RequestListener = async (req, res) => {
    assignRequestId(res);
    const url = new URL(req.url ?? "/", "http://sandbox.local");
    const auth = req.headers.authorization ?? "";
    requests.push({
      method: req.method ?? "GET",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      calApiVersion: (req.headers["cal-api-version"] as string | undefined) ?? null,
      hadBearer: auth.startsWith("Bearer "),
    });
    if (requests.length > 1000) requests.shift();

    try {
      const fault = takeFault(url.pathname);
      if (fault?.delayMs) await sleep(fault.delayMs);
      if (fault?.status) {
        if (fault.body !== undefined) sendJson(res, fault.status, fault.body);
        else sendError(req, res, fault.status, "Injected fault");
        return;
      }

      const matched = routes.map((r) => ({ r, m: r.method === req.method ? r.pattern.exec(url.pathname) : null })).find((x) => x.m);
      if (!matched) return sendError(req, res, 404, `Cannot ${req.method} ${url.pathname}`);

      const apiKey = auth.startsWith("Bearer ") ? auth.slice("Bearer ".length).trim() : "";
      const user = apiKey ? store.userForKey(apiKey) : undefined;
      if (!user) return sendError(req, res, 401, "ApiAuthStrategy - api key - Your api key is not valid");

      const rate = limiter.hit(apiKey);
      res.setHeader("X-RateLimit-Limit-Default", String(rate.limit));
      res.setHeader("X-RateLimit-Remaining-Default", String(rate.remaining));
      res.setHeader("X-RateLimit-Reset-Default", String(rate.resetSeconds));
      if (!rate.allowed) return sendError(req, res, 429, "CustomThrottlerGuard - Too many requests. Please try again later.");

      await matched.r.handle({ req, res, url, params: matched.m!.slice(1), user });
    } catch (err) {
      if (!res.headersSent) sendJson(res, 500, { statusCode: 500, message: "Internal server error" });
      process.stderr.write(`sandbox: ${(err as Error).stack ?? err}\n`);
    }
  };

  return {
    store,
    addUser: (input) => store.addUser(input),
    revokeKey: (apiKey) => store.revokeKey(apiKey),
    faults: {
      inject: (fault) => faults.push({ ...fault, remaining: fault.times ?? 1 }),
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
}
