import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { assignRequestId, readJsonBody, sendBareError, sendError, sendJson, sendZodError } from "../http";
import { HttpError, type Route, type RouteContext } from "../routes/context";
import type { SandboxStore } from "../store";
import { failBefore, type Faults, lostAnswer } from "./faults";
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

/**
 * One request, step by step: record it (no credentials), test controls, an injected fault, routing (Nest's 404),
 * the throttler, the auth guard, the body, then the controller (whose answer a fault may swallow).
 */
export function createHandler(parts: HandlerParts): RequestListener {
  return async (req, res) => {
    assignRequestId(res);
    const url = new URL(req.url ?? "/", "http://sandbox.local");
    const method = req.method ?? "GET";
    const credential = credentialOf(req);
    const header = req.headers["cal-api-version"] as string | undefined;
    parts.requests.push({ method, path: url.pathname, query: Object.fromEntries(url.searchParams), calApiVersion: header ?? null, hadBearer: !!credential });
    if (parts.requests.length > 1000) parts.requests.shift();
    try {
      if (url.pathname.startsWith("/_sandbox/")) return await parts.admin(req, res, url);
      const fault = parts.faults.take(method, url.pathname, credential);
      if (await failBefore(fault, req, res)) return;
      const route = matchRoute(parts.routes, method, url.pathname, header);
      if (!route) return sendError(req, res, 404, `Cannot ${method} ${url.pathname}`);
      parts.guards.throttle(req, res, credential);
      const user = parts.guards.authenticate(route, credential);
      let body: unknown;
      try {
        body = await readJsonBody(req);
      } catch {
        throw new HttpError(400, "Unexpected token in JSON body");
      }
      const lost = fault?.drop === "after" || fault?.drop === "hang";
      const ctx: RouteContext = { req, res: lost ? lostAnswer(res) : res, url, params: route.pattern.exec(url.pathname)!.slice(1), user, body, store: parts.store(), now: parts.now, notify: parts.notify };
      // A lost answer stays lost, an error included: "after" closes the connection, "hang" keeps it silent.
      await (lost ? Promise.resolve(route.handle(ctx)).catch(() => undefined) : route.handle(ctx));
      if (fault?.drop === "after") req.socket.destroy();
    } catch (err) {
      answerError(req, res, err);
    }
  };
}
