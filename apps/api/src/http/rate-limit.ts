import type { RequestHandler, Response } from "express";
import { MemoryStore, rateLimit, type Store } from "express-rate-limit";
import { AppError } from "../errors/app-error";
import { authOf } from "./auth";

export interface ApiRateLimitOptions {
  /** Requests per window for one credential (an API key, or a JWT subject within its organisation). */
  limit: number;
  windowMs?: number;
  /** Shared counters for several replicas (Redis); in-process memory by default. */
  store?: Store;
}

/** Where the limiter leaves, for the handlers after it, the way to charge the extra calls of a request. */
const SPEND = "agniSpendRateLimit";

/**
 * Per-credential request budget for our own API, applied after authentication so that one noisy API key cannot
 * starve its organisation's other keys or other tenants. Answers 429 RATE_LIMITED in the envelope, with the IETF
 * draft `RateLimit-Limit/Remaining/Reset/Policy` headers on every response and `Retry-After` on refusals (set by the error handler).
 */
export function apiRateLimit(options: ApiRateLimitOptions): RequestHandler {
  const windowMs = options.windowMs ?? 60_000;
  const store = options.store ?? new MemoryStore();
  // Credentials are resolved by the auth middleware; never key on the client address here.
  const keyOf = (res: Response) => {
    const auth = authOf(res);
    return auth.method === "api_key" ? auth.subject : `jwt:${auth.orgId}:${auth.subject ?? ""}`;
  };
  const refusal = (resetSeconds: number) =>
    new AppError("RATE_LIMITED", `Too many requests for this credential; try again in ${resetSeconds} seconds`, undefined, { retryAfterSeconds: resetSeconds });
  const limiter = rateLimit({
    windowMs,
    limit: options.limit,
    standardHeaders: "draft-6",
    legacyHeaders: false,
    store,
    keyGenerator: (_req, res) => keyOf(res),
    handler: (_req, res, next) => next(refusal(Number(res.getHeader("RateLimit-Reset") ?? Math.ceil(windowMs / 1000)))),
    validate: { keyGeneratorIpFallback: false },
  });
  const spend = async (res: Response, units: number) => {
    const hits = await Promise.all(Array.from({ length: units }, () => store.increment(keyOf(res))));
    const latest = hits.reduce((a, b) => (b.totalHits > a.totalHits ? b : a));
    res.setHeader("RateLimit-Remaining", String(Math.max(0, options.limit - latest.totalHits)));
    if (latest.totalHits > options.limit) {
      throw refusal(Math.max(1, Math.ceil(((latest.resetTime?.getTime() ?? Date.now() + windowMs) - Date.now()) / 1000)));
    }
  };
  return (req, res, next) => {
    res.locals[SPEND] = (units: number) => spend(res, units);
    return limiter(req, res, next);
  };
}

/**
 * Counts a request that carries `calls` function calls (a Vapi tool-call list, an MCP batch) as `calls` requests of
 * the caller's budget: the request itself was counted once on arrival, the rest are charged here, before any of
 * them runs. Does nothing when no limit is configured.
 *
 * @throws AppError RATE_LIMITED when the calls exceed what is left of the budget.
 */
export async function spendCalls(res: Response, calls: number): Promise<void> {
  const spend = res.locals[SPEND] as ((units: number) => Promise<void>) | undefined;
  if (spend && calls > 1) await spend(calls - 1);
}
