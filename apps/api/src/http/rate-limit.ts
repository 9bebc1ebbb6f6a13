import type { RequestHandler } from "express";
import { rateLimit, type Store } from "express-rate-limit";
import { AppError } from "./app-error";
import { authOf } from "./auth";

export interface ApiRateLimitOptions {
  /** Requests per window for one credential (an API key, or a JWT subject within its organisation). */
  limit: number;
  windowMs?: number;
  /** Shared counters for several replicas (Redis); in-process memory by default. */
  store?: Store;
}

/**
 * Per-credential request budget for our own API, applied after authentication so that one noisy API key cannot
 * starve its organisation's other keys or other tenants. Answers 429 RATE_LIMITED in the envelope, with the IETF
 * draft `RateLimit-Limit/Remaining/Reset/Policy` headers on every response and `Retry-After` on refusals (set by the error handler).
 */
export function apiRateLimit(options: ApiRateLimitOptions): RequestHandler {
  const windowMs = options.windowMs ?? 60_000;
  return rateLimit({
    windowMs,
    limit: options.limit,
    standardHeaders: "draft-6",
    legacyHeaders: false,
    store: options.store,
    // Credentials are resolved by the auth middleware; never key on the client address here.
    keyGenerator: (_req, res) => {
      const auth = authOf(res);
      return auth.method === "api_key" ? auth.subject! : `jwt:${auth.orgId}:${auth.subject ?? ""}`;
    },
    handler: (_req, res, next) => {
      const resetSeconds = Number(res.getHeader("RateLimit-Reset") ?? Math.ceil(windowMs / 1000));
      next(
        new AppError("RATE_LIMITED", `Too many requests for this credential; try again in ${resetSeconds} seconds`, {
          retry_after_seconds: resetSeconds,
        }),
      );
    },
    validate: { keyGeneratorIpFallback: false },
  });
}
