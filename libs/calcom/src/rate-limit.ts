import { createHash } from "node:crypto";

/**
 * A caller's share of a key's budget: at most `limit` of the key's requests in a window may be made under `id` (one
 * agent, say), so that one caller flooding a shared key leaves room for the others.
 */
export interface BudgetShare {
  /** Who spends (an agent id); must not contain "|", which the Redis store uses to tag entries. */
  id: string;
  limit: number;
}

/**
 * Where request budgets live. The in-memory store serves one process; a shared store (e.g. Redis) lets several API
 * replicas spend one key's budget together. `take` records a request at `now` (under `share.id` when given) and
 * returns 0 when fewer than `limit` requests fall in the last `windowMs` and, with a share, fewer than `share.limit`
 * of them were made under its id; otherwise it records nothing and returns how long until a place frees up.
 */
export interface RateLimitStore {
  take(key: string, limit: number, windowMs: number, now: number, share?: BudgetShare): Promise<number>;
}

/**
 * The rule every store applies, over one key's send log (oldest first, all inside the window): how long until a
 * request may be sent, 0 when it may go now.
 */
export function budgetWait(log: readonly { at: number; by?: string }[], limit: number, windowMs: number, now: number, share?: BudgetShare): number {
  // The entry whose leaving the window frees a place: the limit-th newest.
  const freedAt = (entries: readonly { at: number }[], max: number) => entries.at(-max)?.at ?? Number.NEGATIVE_INFINITY;
  let wait = log.length >= limit ? freedAt(log, limit) + windowMs - now : 0;
  if (share) {
    const mine = log.filter((e) => e.by === share.id);
    if (mine.length >= share.limit) wait = Math.max(wait, freedAt(mine, share.limit) + windowMs - now);
  }
  return wait > 0 ? Math.max(1, wait) : 0;
}

/** A rolling-window log per key: exact, and safe against Cal.com's fixed windows wherever they start. */
export class MemoryRateLimitStore implements RateLimitStore {
  private readonly logs = new Map<string, { at: number; by?: string }[]>();

  async take(key: string, limit: number, windowMs: number, now: number, share?: BudgetShare): Promise<number> {
    const log = (this.logs.get(key) ?? []).filter((e) => e.at > now - windowMs);
    this.logs.set(key, log);
    const wait = budgetWait(log, limit, windowMs, now, share);
    if (wait === 0) log.push({ at: now, by: share?.id });
    return wait;
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
  /** This client's share of the key's budget (e.g. one agent's), when several callers use one key. */
  share?: BudgetShare;
}

/** The budget key for an API key: a hash, so stores never hold the secret. */
export const budgetKey = (apiKey: string) => `calcom:${createHash("sha256").update(apiKey).digest("hex").slice(0, 32)}`;

// One store per process by default, so every client built for the same API key shares its budget.
export const defaultRateLimitStore = new MemoryRateLimitStore();
