import type { z } from "zod";
import type { CalcomClock } from "./clock";
import { CalcomApiError, CalcomConnectionError, CalcomError, CalcomRateLimitError, CalcomResponseValidationError, CalcomTimeoutError } from "./errors";
import { parseCalcomError } from "./parse-error";
import { budgetKey, type BudgetShare, type RateLimitStore } from "./rate-limit";
import type { CalApiVersion } from "./versions";

export interface TransportOptions {
  apiKey: string;
  baseUrl: string;
  fetch: typeof fetch;
  /** Per attempt. */
  timeoutMs: number;
  /**
   * Milliseconds from the transport's creation by which every call through it must be over, retries, backoff and
   * budget waits included; null for no overall bound (each attempt still has `timeoutMs`).
   */
  deadlineMs: number | null;
  /** Extra attempts for calls that are safe to repeat. */
  maxRetries: number;
  /** First backoff step; doubles per attempt, with full jitter. */
  retryBaseMs: number;
  /** A rate-limit wait longer than this is not waited out: the 429 is returned to the caller. */
  retryMaxMs: number;
  /** Client-side budget per API key; null turns it off. */
  rateLimit: { limit: number; windowMs: number; maxWaitMs: number; store: RateLimitStore; share?: BudgetShare } | null;
  clock: CalcomClock;
}

export type QueryValue = string | number | boolean | undefined | null | readonly (string | number)[];

export interface RequestSpec<T> {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  path: string;
  version: CalApiVersion;
  query?: Record<string, QueryValue>;
  body?: unknown;
  /** Validates `data` of Cal.com's success envelope. */
  schema: z.ZodType<T, z.ZodTypeDef, unknown>;
  /** Repeat on 429, 5xx and network failures. Defaults to true for GET only. */
  retry?: boolean;
}

export interface Transport {
  <T>(spec: RequestSpec<T>): Promise<T>;
  /** Waits before retry number `n` (0-based) after `err`; throws `err` when it is not worth waiting for. */
  backoff(n: number, err: unknown): Promise<void>;
  readonly maxRetries: number;
}

export function buildUrl(baseUrl: string, path: string, query: Record<string, QueryValue> = {}): string {
  const url = new URL(baseUrl.replace(/\/+$/, "") + path);
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    url.searchParams.set(key, Array.isArray(value) ? value.join(",") : String(value));
  }
  return url.toString();
}

/** The base URL without path or credentials, for messages. */
const originOf = (baseUrl: string) => (URL.canParse(baseUrl) ? new URL(baseUrl).origin : "the configured base URL");

async function readBody(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Queues the call until the key's budget allows it (so a burst never earns Cal.com's 60-second block). The place is
 * taken at the moment of sending, never ahead of time, so a late wake-up cannot squeeze two windows together.
 */
async function spendBudget(options: TransportOptions, overallDeadline: number): Promise<void> {
  const rl = options.rateLimit;
  if (!rl) return;
  const key = budgetKey(options.apiKey);
  const { clock } = options;
  const deadline = Math.min(clock.now() + rl.maxWaitMs, overallDeadline);
  for (;;) {
    const now = clock.now();
    const wait = await rl.store.take(key, rl.limit, rl.windowMs, now, rl.share);
    if (wait <= 0) return;
    if (now + wait > deadline) {
      throw new CalcomRateLimitError(
        {
          status: 429,
          code: "CLIENT_RATE_LIMIT",
          message: rl.share
            ? `This caller's share of the request budget for this Cal.com API key (${rl.share.limit} of ${rl.limit} per ${Math.round(rl.windowMs / 1000)} s) is spent for now`
            : `The request budget for this Cal.com API key (${rl.limit} per ${Math.round(rl.windowMs / 1000)} s) is spent for now`,
          requestId: null,
          body: null,
        },
        wait,
      );
    }
    await clock.sleep(wait + 1);
  }
}

/** One HTTP exchange with Cal.com: budget, headers, timeout, error mapping and response validation. No retries. */
async function attempt<T>(options: TransportOptions, spec: RequestSpec<T>, deadline: number): Promise<T> {
  await spendBudget(options, deadline);
  const timeoutMs = Math.min(options.timeoutMs, deadline - options.clock.now());
  if (timeoutMs <= 0) throw new CalcomTimeoutError(options.deadlineMs ?? options.timeoutMs);
  const headers: Record<string, string> = {
    authorization: `Bearer ${options.apiKey}`,
    "cal-api-version": spec.version,
    accept: "application/json",
  };
  if (spec.body !== undefined) headers["content-type"] = "application/json";
  let res: Response;
  try {
    res = await options.fetch(buildUrl(options.baseUrl, spec.path, spec.query), {
      method: spec.method,
      headers,
      body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
      signal: options.clock.timeout(timeoutMs),
    });
  } catch (err) {
    if (err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError")) throw new CalcomTimeoutError(timeoutMs);
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new CalcomConnectionError(`Could not connect to Cal.com at ${originOf(options.baseUrl)}: ${cause?.code ?? cause?.message ?? (err as Error).message}`);
  }
  let body: unknown;
  try {
    body = await readBody(res);
  } catch (err) {
    if (err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError")) throw new CalcomTimeoutError(timeoutMs);
    throw new CalcomConnectionError(`Cal.com at ${originOf(options.baseUrl)} closed the connection mid-response`);
  }
  if (!res.ok) throw parseCalcomError(res.status, body, res.headers, options.clock.now());

  const data = body && typeof body === "object" && "data" in body ? (body as { data: unknown }).data : undefined;
  const parsed = spec.schema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? `${issue.path.join(".") || "data"}: ${issue.message}` : "data";
    throw new CalcomResponseValidationError(`Cal.com's answer to ${spec.method} ${spec.path} is not in the expected shape (${where})`, body);
  }
  return parsed.data;
}

/** Failures after which the same request may succeed: 429, 5xx, network errors and (for lookups) timeouts. */
export function isRetryable(err: unknown): boolean {
  if (err instanceof CalcomRateLimitError) return err.code !== "CLIENT_RATE_LIMIT";
  if (err instanceof CalcomApiError) return err.status >= 500;
  return err instanceof CalcomConnectionError || err instanceof CalcomTimeoutError;
}

/** The request function resources use: one attempt, plus bounded retries with backoff for repeatable calls. */
export function createTransport(options: TransportOptions): Transport {
  const { clock } = options;
  const deadline = options.deadlineMs === null ? Infinity : clock.now() + options.deadlineMs;
  const backoff = async (n: number, err: unknown) => {
    if (!(err instanceof CalcomError) || n >= options.maxRetries || !isRetryable(err)) throw err;
    let delay = Math.random() * options.retryBaseMs * 2 ** n;
    if (err instanceof CalcomRateLimitError) {
      if (err.retryAfterMs > options.retryMaxMs) throw err;
      delay = Math.max(delay, err.retryAfterMs);
    }
    delay = Math.min(delay, options.retryMaxMs);
    // No time left for another attempt after the wait: the caller gets this failure now rather than a timeout later.
    if (clock.now() + delay >= deadline) throw err;
    await clock.sleep(delay);
  };
  const request = async <T>(spec: RequestSpec<T>): Promise<T> => {
    const retry = spec.retry ?? spec.method === "GET";
    for (let n = 0; ; n++) {
      try {
        return await attempt(options, spec, deadline);
      } catch (err) {
        if (!retry) throw err;
        await backoff(n, err);
      }
    }
  };
  return Object.assign(request, { backoff, maxRetries: options.maxRetries });
}
