import type { IncomingMessage, ServerResponse } from "node:http";
import { RateLimiter } from "../rate-limit";
import { HttpError, type Route } from "../routes/context";
import type { SandboxUser } from "../store";

// Cal.com's guards in the order they run for a matched route: the global CustomThrottlerGuard (calcom/cal.com
// apps/api/v2/src/lib/throttler-guard.ts @ 42e7dc494dfba03e5ca5224a418c57c012bdac3e), then the route's
// ApiAuthGuard / OptionalApiAuthGuard (modules/auth/strategies/api-auth/api-auth.strategy.ts
// @ 5b6d63e6300b8d930530b1b876d556a12fcfbd96).

const NO_AUTH =
  "ApiAuthStrategy - No authentication method provided. Either pass an API key as 'Bearer' header or OAuth client credentials as 'x-cal-secret-key' and 'x-cal-client-id' headers";
const HOUR = 3_600_000;

export interface GuardOptions {
  /** Per API key (RATE_LIMIT_DEFAULT_LIMIT_API_KEY, 120). */
  apiKeyLimit: number;
  /** Per IP for requests without credentials (RATE_LIMIT_DEFAULT_LIMIT, 120). */
  anonymousLimit: number;
  windowMs: number;
  /** False for a self-hosted instance without CALCOM_LICENSE_KEY, whose API-key strategy refuses every key. */
  licensed: boolean;
  now: () => number;
  userForKey(apiKey: string): SandboxUser | undefined;
}

/** The credential of a request: Authorization with "Bearer " removed (Cal.com does not insist on the prefix). */
export function credentialOf(req: IncomingMessage): string | undefined {
  return req.headers.authorization?.replace("Bearer ", "").trim() || undefined;
}

export class Guards {
  private readonly keys: RateLimiter;
  private readonly tokens: RateLimiter;
  private readonly anonymous: RateLimiter;
  /** The throttler caches a key's limits for an hour once it has found the key. */
  private readonly knownKeys = new Map<string, number>();

  constructor(private readonly options: GuardOptions) {
    this.keys = new RateLimiter(options.apiKeyLimit, options.windowMs, options.now);
    this.tokens = new RateLimiter(500, options.windowMs, options.now);
    this.anonymous = new RateLimiter(options.anonymousLimit, options.windowMs, options.now);
  }

  /**
   * CustomThrottlerGuard: an API key it has not seen is looked up (unknown: 401 before any auth guard), every request
   * counts against its tracker (key, token or IP) with X-RateLimit-*-Default headers, and a spent budget is a 429.
   */
  throttle(req: IncomingMessage, res: ServerResponse, credential: string | undefined): void {
    let limiter = this.anonymous;
    let tracker = `ip_${req.headers["cf-connecting-ip"] ?? req.socket.remoteAddress}`;
    if (credential?.startsWith("cal_")) {
      const now = this.options.now();
      if ((this.knownKeys.get(credential) ?? 0) <= now) {
        if (!this.options.userForKey(credential)) throw new HttpError(401, "CustomThrottlerGuard - Invalid API Key");
        this.knownKeys.set(credential, now + HOUR);
      }
      [limiter, tracker] = [this.keys, `api_key_${credential}`];
    } else if (credential) {
      [limiter, tracker] = [this.tokens, `access_token_${credential}`];
    }
    const rate = limiter.hit(tracker);
    res.setHeader("X-RateLimit-Limit-Default", String(rate.limit));
    res.setHeader("X-RateLimit-Remaining-Default", String(rate.remaining));
    res.setHeader("X-RateLimit-Reset-Default", String(rate.resetSeconds));
    if (rate.blocked) throw new HttpError(429, "CustomThrottlerGuard - Too many requests. Please try again later.");
  }

  /**
   * The route's guard: ApiAuthGuard ("required"), OptionalApiAuthGuard ("optional": no credentials pass, invalid ones
   * are refused — modules/auth/guards/optional-api-auth/optional-api-auth.guard.ts @ 30f11f51f04983191e1299b9001063944e5f8ecd),
   * or none (e.g. GET /v2/slots). The caller is the key's owner, which services also read from the bearer directly.
   */
  authenticate(route: Route, credential: string | undefined): SandboxUser | undefined {
    const user = credential?.startsWith("cal_") ? this.options.userForKey(credential) : undefined;
    if (route.auth === "none") return user;
    if (!credential) {
      if (route.auth === "required") throw new HttpError(401, NO_AUTH);
      return undefined;
    }
    if (credential.startsWith("cal_") && !this.options.licensed) throw new HttpError(401, "ApiAuthStrategy - api key - Invalid or missing CALCOM_LICENSE_KEY environment variable");
    if (!user) throw new HttpError(401, credential.startsWith("cal_") ? "ApiAuthStrategy - api key - Your api key is not valid" : "ApiAuthStrategy - access token - Invalid Access Token");
    return user;
  }
}
