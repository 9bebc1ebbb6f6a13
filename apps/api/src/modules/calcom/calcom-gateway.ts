import {
  CalcomApiError,
  CalcomAuthError,
  CalcomNotFoundError,
  CalcomRateLimitError,
  createCalcomClient,
  type CalcomClient,
  type RateLimitStore,
} from "@agni/calcom";
import { AppError } from "../../http/app-error";

export interface CalcomUser {
  id: number;
  username: string | null;
  email: string | null;
  timeZone: string | null;
}

/** What the API needs from Cal.com, behind one seam (tests inject a fetch that reaches the sandbox). */
export interface CalcomGateway {
  /** Checks a key with `GET /v2/me`; throws AppError with a message naming what Cal.com said. */
  verifyKey(apiBaseUrl: string, apiKey: string): Promise<CalcomUser>;
  /**
   * A client for calls made during a conversation: one quick retry at most, and a short queue for the key's request
   * budget, so that a voice agent gets an answer (or a clear failure) within a few seconds. With `agentId`, the
   * client spends at most the agent's share of the key's budget, so that one agent cannot starve the others on a
   * shared key.
   */
  client(apiBaseUrl: string, apiKey: string, agentId?: string): CalcomClient;
  /**
   * A client for background work (the Cal.com mirror: webhook registration, reconciliation): a longer deadline and
   * budget queue than a conversation's, and at most its own share of the key's budget, so that it never crowds out
   * the agents' calls.
   */
  background(apiBaseUrl: string, apiKey: string): CalcomClient;
}

/** The budget share the mirror's background work spends under. */
export const BACKGROUND_SHARE_ID = "agni:mirror";

export function createCalcomGateway(options: {
  timeoutMs: number;
  /** Bound on all Cal.com work of one request (one client per request): default 10 s. */
  deadlineMs?: number;
  rateLimitPerMinute?: number;
  /** The percentage of a key's budget one agent may spend (1–100); default 50. */
  agentSharePercent?: number;
  /** The percentage of a key's budget background work (the mirror) may spend (1–100); default 10. */
  backgroundSharePercent?: number;
  /** Where per-key budgets live (shared by replicas); the process's memory by default. */
  rateLimitStore?: RateLimitStore;
  fetch?: typeof fetch;
  /** Origins an account's api_base_url may point at (a guard against using this server to reach others); any when absent. */
  allowedOrigins?: readonly string[];
}): CalcomGateway {
  const deadlineMs = options.deadlineMs ?? 10_000;
  const allowed = options.allowedOrigins && new Set(options.allowedOrigins.map((o) => new URL(o).origin));
  const refused = (apiBaseUrl: string) => allowed !== undefined && !allowed.has(new URL(apiBaseUrl).origin);
  const limit = options.rateLimitPerMinute ?? 120;
  const agentLimit = Math.max(1, Math.floor((limit * (options.agentSharePercent ?? 50)) / 100));
  const backgroundLimit = Math.max(1, Math.floor((limit * (options.backgroundSharePercent ?? 10)) / 100));
  const assertAllowed = (apiBaseUrl: string) => {
    if (refused(apiBaseUrl)) {
      throw new AppError("NOT_CONNECTED", "I'm not able to access the calendar right now, so I can't check or book times.", {
        reason: `The account's api_base_url ${new URL(apiBaseUrl).origin} is not in this deployment's AGNI_CALCOM_ALLOWED_ORIGINS; reconnect it with an allowed one`,
      });
    }
  };
  return {
    background(apiBaseUrl, apiKey) {
      assertAllowed(apiBaseUrl);
      return createCalcomClient({
        apiKey,
        baseUrl: apiBaseUrl,
        timeoutMs: options.timeoutMs,
        deadlineMs: 60_000,
        fetch: options.fetch,
        rateLimit: { limit, maxWaitMs: 30_000, store: options.rateLimitStore, share: { id: BACKGROUND_SHARE_ID, limit: backgroundLimit } },
      });
    },
    client(apiBaseUrl, apiKey, agentId) {
      assertAllowed(apiBaseUrl);
      return createCalcomClient({
        apiKey,
        baseUrl: apiBaseUrl,
        timeoutMs: options.timeoutMs,
        deadlineMs,
        fetch: options.fetch,
        maxRetries: 1,
        retryMaxMs: 1_000,
        rateLimit: { limit, maxWaitMs: 3_000, store: options.rateLimitStore, share: agentId === undefined ? undefined : { id: agentId, limit: agentLimit } },
      });
    },
    async verifyKey(apiBaseUrl, apiKey) {
      if (refused(apiBaseUrl)) {
        throw new AppError("INVALID_REQUEST", `api_base_url ${new URL(apiBaseUrl).origin} is not allowed on this deployment`, {
          field: "api_base_url",
          allowed_origins: [...(allowed ?? [])],
        });
      }
      const client = createCalcomClient({ apiKey, baseUrl: apiBaseUrl, timeoutMs: options.timeoutMs, deadlineMs, fetch: options.fetch });
      try {
        const me = await client.me.get();
        return { id: me.id, username: me.username ?? null, email: me.email ?? null, timeZone: me.timeZone ?? null };
      } catch (err) {
        throw toAppError(err, apiBaseUrl);
      }
    },
  };
}

/**
 * Cal.com failures as API errors: a rejected key is the caller's problem (400), an unreachable Cal.com is ours (502).
 * The address is the caller's to choose, so nothing here repeats what the target said or how the connection failed
 * (refused, reset, another protocol, a 5xx, a malformed answer are one message): the API must not become a way to
 * look around the network it runs in. Only the origin is named, never a path or credentials.
 */
export function toAppError(err: unknown, apiBaseUrl: string): AppError {
  const origin = URL.canParse(apiBaseUrl) ? new URL(apiBaseUrl).origin : "the configured address";
  if (err instanceof CalcomAuthError) {
    // A self-hosted Cal.com without a licence key refuses every API key; say so in our words (the target's own text
    // is never repeated), so that the operator knows it is the instance, not the key.
    if (/CALCOM_LICENSE_KEY/.test(err.message)) {
      return new AppError("INVALID_REQUEST", `Cal.com at ${origin} refuses API keys: that self-hosted instance has no licence key (CALCOM_LICENSE_KEY)`, {
        calcom_status: err.status,
      });
    }
    return new AppError("INVALID_REQUEST", `Cal.com at ${origin} rejected the API key: check that it is correct and still active`, { calcom_status: err.status });
  }
  if (err instanceof CalcomNotFoundError) {
    return new AppError("INVALID_REQUEST", `Cal.com at ${origin} did not recognise the request: check api_base_url`, { calcom_status: err.status });
  }
  if (err instanceof CalcomRateLimitError) {
    const seconds = Math.max(1, Math.ceil(err.retryAfterMs / 1000));
    return new AppError("RATE_LIMITED", `Cal.com is rate-limiting this API key; try again in ${seconds} seconds`, {
      retry_after_seconds: seconds,
    });
  }
  if (err instanceof CalcomApiError && err.status < 500) {
    return new AppError("INVALID_REQUEST", `Cal.com at ${origin} refused the request (HTTP ${err.status})`, { calcom_status: err.status });
  }
  return new AppError("BAD_GATEWAY", `Could not reach Cal.com at ${origin}; check api_base_url and try again`);
}
