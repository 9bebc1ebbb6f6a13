import type { Request } from "express";
import { ipKeyGenerator, MemoryStore, type Options, type Store } from "express-rate-limit";
import { LRUCache } from "lru-cache";
import { AppError } from "../errors/app-error";

export interface AuthFailureLimitOptions {
  /** Failed authentications one client address may make per window; the next one is refused, and so is everything after it. */
  limit: number;
  windowMs?: number;
  /** Shared counters for several replicas (Redis); in-process memory by default. */
  store?: Store;
}

export interface AuthFailureLimit {
  /** The 429 for an address that is still refused, before its credentials are looked at; null otherwise. */
  refusal(req: Request): AppError | null;
  /** Counts one failed authentication of the request's address: the error to answer with (429 once past the limit). */
  failed(req: Request, err: AppError): Promise<AppError>;
}

/**
 * Failed authentications per client address (req.ip: the socket's peer, or what a trusted proxy forwards). Only
 * failures touch the store; a successful request costs one in-process lookup. Once an address is past its limit this
 * process refuses everything it sends (a right guess included) until the window ends; other replicas sharing the
 * store refuse it from its next failure there.
 */
export function authFailureLimit(options: AuthFailureLimitOptions): AuthFailureLimit {
  const windowMs = options.windowMs ?? 60_000;
  const store = options.store ?? new MemoryStore();
  void store.init?.({ windowMs } as Options);
  const refusedUntil = new LRUCache<string, number>({ max: 100_000 });
  const addressOf = (req: Request) => ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? "unknown");
  const tooMany = (until: number) => {
    const seconds = Math.max(1, Math.ceil((until - Date.now()) / 1000));
    return new AppError("RATE_LIMITED", `Too many failed authentication attempts from this address; try again in ${seconds} seconds`, undefined, {
      retryAfterSeconds: seconds,
    });
  };
  return {
    refusal(req) {
      const address = addressOf(req);
      const until = refusedUntil.get(address);
      if (until === undefined) return null;
      if (until > Date.now()) return tooMany(until);
      refusedUntil.delete(address);
      return null;
    },
    async failed(req, err) {
      const address = addressOf(req);
      const { totalHits, resetTime } = await store.increment(address);
      if (totalHits <= options.limit) return err;
      const until = resetTime?.getTime() ?? Date.now() + windowMs;
      refusedUntil.set(address, until);
      return tooMany(until);
    },
  };
}
