import { createHash } from "node:crypto";

/**
 * Where request budgets live. The in-memory store serves one process; a shared store (e.g. Redis) lets several API
 * replicas spend one key's budget together. `take` records a request at `now` and returns 0 when fewer than `limit`
 * requests fall in the last `windowMs`; otherwise it records nothing and returns how long until a place frees up.
 */
export interface RateLimitStore {
  take(key: string, limit: number, windowMs: number, now: number): Promise<number>;
}

/** A rolling-window log per key: exact, and safe against Cal.com's fixed windows wherever they start. */
export class MemoryRateLimitStore implements RateLimitStore {
  private readonly logs = new Map<string, number[]>();

  async take(key: string, limit: number, windowMs: number, now: number): Promise<number> {
    const log = (this.logs.get(key) ?? []).filter((t) => t > now - windowMs);
    this.logs.set(key, log);
    if (log.length >= limit) return log[log.length - limit] + windowMs - now;
    log.push(now);
    return 0;
  }
}

export interface RateLimitOptions {
  /** Requests allowed per window (Cal.com: 120 per minute per API key). Default 120. */
  limit?: number;
  windowMs?: number;
  /** Longest a call may queue for budget before failing fast with CalcomRateLimitError. Default 10 s. */
  maxWaitMs?: number;
  /**
   * Added to the window: a request reaches Cal.com some time after it is sent (connection set-up, queueing), so
   * spacing sends by exactly the window could still put limit+1 arrivals in one of Cal.com's windows. Default 1 s.
   */
  marginMs?: number;
  store?: RateLimitStore;
}

/** The budget key for an API key: a hash, so stores never hold the secret. */
export const budgetKey = (apiKey: string) => `calcom:${createHash("sha256").update(apiKey).digest("hex").slice(0, 32)}`;

// One store per process by default, so every client built for the same API key shares its budget.
export const defaultRateLimitStore = new MemoryRateLimitStore();
