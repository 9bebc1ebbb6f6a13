import { createCalcomClient, type CalcomClient, type RateLimitStore } from "@agni/calcom";
import { AppError, notConnected } from "../../errors/app-error";
import { calcomError } from "../../errors/calcom-errors";

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
      throw notConnected(`The account's api_base_url ${new URL(apiBaseUrl).origin} is not in this deployment's AGNI_CALCOM_ALLOWED_ORIGINS; reconnect it with an allowed one`);
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
        throw calcomError(err, { admin: { apiBaseUrl } });
      }
    },
  };
}
