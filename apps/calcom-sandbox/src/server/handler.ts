import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { assignRequestId, readJsonBody, sendBareError, sendError, sendJson, sendZodError } from "../http";
import { HttpError, type Route, type RouteContext } from "../routes/context";
import type { SandboxStore } from "../store";
import { failBefore, type Fault, type Faults, lostAnswer } from "./faults";
import { credentialOf, type Guards } from "./guards";

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  calApiVersion: string | null;
  hadBearer: boolean;
}

// `cal-api-version` values Cal.com knows; anything else (or nothing) is treated as 2024-04-15.
const KNOWN_VERSIONS = new Set(["2024-04-15", "2024-06-11", "2024-06-14", "2024-08-13", "2024-09-04"]);

/** The controller serving a request: by method, path and the resolved `cal-api-version`. */
export function matchRoute(routes: Route[], method: string, path: string, header: string | undefined): Route | undefined {
  const version = header && KNOWN_VERSIONS.has(header) ? header : "2024-04-15";
  return routes.find((r) => r.method === method && r.pattern.test(path) && (!r.versions || r.versions.includes(version)));
}

/** An error as the filter Cal.com would route it through answers it. */
export function answerError(req: IncomingMessage, res: ServerResponse, err: unknown): void {
  if (res.headersSent) return;
  if (err instanceof HttpError) {
    if (err.form === "bare") return sendBareError(res, err.status, err.message);
    if (err.form === "zod") return sendZodError(req, res, err.message);
    return sendError(req, res, err.status, err.message, err.details);
  }
  sendJson(res, 500, { statusCode: 500, message: "Internal server error" });
  process.stderr.write(`sandbox: ${(err as Error).stack ?? err}\n`);
}

export interface HandlerParts {
  routes: Route[];
  store: () => SandboxStore;
  faults: Faults;
  guards: Guards;
  requests: RecordedRequest[];
  now: () => number;
  notify: RouteContext["notify"];
  /** Test controls under /_sandbox/. */
  admin(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void>;
}

/** One request as the steps below see it. */
interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  method: string;
  /** The bearer credential, if any (never recorded). */
  credential: string | undefined;
  /** The `cal-api-version` header as sent. */
  version: string | undefined;
  /** The injected fault this request takes, if any. */
  fault?: Fault;
}

/** One step of handling a request; true when it has answered (or dropped) the request and nothing else runs. */
type Step = (x: Exchange, parts: HandlerParts) => boolean | Promise<boolean>;

/** Records the request for tests to inspect: method, path, query, version, whether a bearer came (never the credential). */
const record: Step = (x, parts) => {
  parts.requests.push({ method: x.method, path: x.url.pathname, query: Object.fromEntries(x.url.searchParams), calApiVersion: x.version ?? null, hadBearer: !!x.credential });
  if (parts.requests.length > 1000) parts.requests.shift();
  return false;
};

/** The test controls under /_sandbox/. */
const testControls: Step = async (x, parts) => {
  if (!x.url.pathname.startsWith("/_sandbox/")) return false;
  await parts.admin(x.req, x.res, x.url);
  return true;
};

/** An injected fault takes the request; the part that comes before handling plays now. */
const faultBefore: Step = (x, parts) => {
  x.fault = parts.faults.take(x.method, x.url.pathname, x.credential);
  return failBefore(x.fault, x.req, x.res);
};

async function jsonBodyOf(req: IncomingMessage): Promise<unknown> {
  try {
    return await readJsonBody(req);
  } catch {
    throw new HttpError(400, "Unexpected token in JSON body");
  }
}

/** Routing (Nest's 404), the throttler, the route's auth guard, the body, then the controller (whose answer a fault may swallow). */
const dispatch: Step = async (x, parts) => {
  const { req, url, fault } = x;
  const route = matchRoute(parts.routes, x.method, url.pathname, x.version);
  if (!route) {
    sendError(req, x.res, 404, `Cannot ${x.method} ${url.pathname}`);
    return true;
  }
  parts.guards.throttle(req, x.res, x.credential);
  const user = parts.guards.authenticate(route, x.credential);
  const body = await jsonBodyOf(req);
  const lost = fault?.drop === "after" || fault?.drop === "hang";
  const [, first = "", ...rest] = route.pattern.exec(url.pathname) ?? [];
  const ctx: RouteContext = { req, res: lost ? lostAnswer(x.res) : x.res, url, params: [first, ...rest], user, body, store: parts.store(), now: parts.now, notify: parts.notify };
  const run = () => {
    if (route.auth !== "required") return route.handle(ctx);
    if (!user) throw new HttpError(401, "Unauthorized"); // ApiAuthGuard has refused the request already
    return route.handle({ ...ctx, user });
  };
  // A lost answer stays lost, an error included: "after" closes the connection, "hang" keeps it silent.
  await (lost ? Promise.resolve(run()).catch(() => undefined) : run());
  if (fault?.drop === "after") req.socket.destroy();
  return true;
};

const STEPS: Step[] = [record, testControls, faultBefore, dispatch];

/**
 * One request, step by step (each a small function above): record it (no credentials), test controls, an injected
 * fault, then dispatch — routing (Nest's 404), the throttler, the auth guard, the body and the controller.
 */
export function createHandler(parts: HandlerParts): RequestListener {
  return async (req, res) => {
    assignRequestId(res);
    const url = new URL(req.url ?? "/", "http://sandbox.local");
    const version = req.headers["cal-api-version"];
    const x: Exchange = { req, res, url, method: req.method ?? "GET", credential: credentialOf(req), version: typeof version === "string" ? version : undefined };
    try {
      for (const step of STEPS) if (await step(x, parts)) return;
    } catch (err) {
      answerError(req, res, err);
    }
  };
}
