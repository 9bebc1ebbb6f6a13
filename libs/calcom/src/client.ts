import { systemClock, type CalcomClock } from "./clock";
import { createTransport } from "./http";
import { defaultRateLimitStore, type RateLimitOptions } from "./rate-limit";
import { bookingsResource } from "./resources/bookings";
import { creditsResource } from "./resources/credits";
import { eventTypesResource } from "./resources/event-types";
import { meResource } from "./resources/me";
import { schedulesResource } from "./resources/schedules";
import { slotsResource } from "./resources/slots";
import { teamsResource } from "./resources/teams";
import { webhooksResource } from "./resources/webhooks";

export interface CalcomClientOptions {
  apiKey: string;
  /** Default `https://api.cal.com`; a self-hosted Cal.com or the sandbox otherwise. */
  baseUrl?: string;
  fetch?: typeof fetch;
  /** Per attempt; default 10 s. */
  timeoutMs?: number;
  /**
   * Bound on all the work done through this client, counted from its creation: every call, retry, backoff and
   * budget wait must be over by then (an attempt gets what is left, at most `timeoutMs`). Default none: create a
   * client per unit of work (one agent action) to bound that unit.
   */
  deadlineMs?: number;
  /** Extra attempts for repeatable calls on 429/5xx/network failures; default 2. */
  maxRetries?: number;
  /** First backoff step in ms; default 250. */
  retryBaseMs?: number;
  /** Longest single wait before a retry (including a rate-limit reset); default 5 s. */
  retryMaxMs?: number;
  /**
   * Client-side request budget per API key (default 120 per minute, shared in-process), optionally with this
   * client's share of it; `false` turns it off.
   */
  rateLimit?: RateLimitOptions | false;
  /** The clock and timers for deadlines, budgets, backoff and timeouts; default the system's (tests pass a virtual one). */
  clock?: CalcomClock;
}

export const DEFAULT_CALCOM_BASE_URL = "https://api.cal.com";

/** A Cal.com API v2 client bound to one API key. */
export function createCalcomClient(options: CalcomClientOptions) {
  if (!options.apiKey) throw new TypeError("createCalcomClient: apiKey is required");
  const rl = options.rateLimit;
  const request = createTransport({
    apiKey: options.apiKey,
    baseUrl: options.baseUrl ?? DEFAULT_CALCOM_BASE_URL,
    fetch: options.fetch ?? globalThis.fetch,
    timeoutMs: options.timeoutMs ?? 10_000,
    deadlineMs: options.deadlineMs ?? null,
    maxRetries: options.maxRetries ?? 2,
    retryBaseMs: options.retryBaseMs ?? 250,
    retryMaxMs: options.retryMaxMs ?? 5_000,
    rateLimit:
      rl === false
        ? null
        : {
            limit: rl?.limit ?? 120,
            windowMs: (rl?.windowMs ?? 60_000) + (rl?.marginMs ?? 1_000),
            maxWaitMs: rl?.maxWaitMs ?? 10_000,
            store: rl?.store ?? defaultRateLimitStore,
            share: rl?.share,
          },
    clock: options.clock ?? systemClock,
  });
  return {
    me: meResource(request),
    slots: slotsResource(request),
    bookings: bookingsResource(request),
    eventTypes: eventTypesResource(request),
    schedules: schedulesResource(request),
    webhooks: webhooksResource(request),
    credits: creditsResource(request),
    teams: teamsResource(request),
  };
}

export type CalcomClient = ReturnType<typeof createCalcomClient>;
