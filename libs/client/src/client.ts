import { contract, type AgniContract } from "@agni/contracts";
import { initClient, type ApiFetcher, type InitClientReturn } from "@ts-rest/core";
import { AgniConnectionError } from "./errors.js";

export interface AgniClientOptions {
  /** Where the API runs, without `/api/v1`: `http://127.0.0.1:3000`. */
  baseUrl: string;
  /** A JWT, sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** An organisation API key, sent as `X-Api-Key`. Give `token` or `apiKey`, not both. */
  apiKey?: string;
  /** The fetch implementation to use (default: the global `fetch`). */
  fetch?: typeof globalThis.fetch;
  /** Extra headers sent with every request (a `User-Agent`, say). */
  headers?: Record<string, string>;
  /** Abort a request that has not answered within this many milliseconds (default 30 000; 0 waits forever). */
  timeoutMs?: number;
}

interface AgniClientArgs {
  baseUrl: string;
  baseHeaders: Record<string, string>;
  api: ApiFetcher;
}

/** The typed client: one method per contract route, e.g. `client.agents.listAgents({ query: { limit: 10 } })`. */
export type AgniClient = InitClientReturn<AgniContract, AgniClientArgs>;

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Creates a typed client for the Agni API from the shared contract. Each call resolves to `{ status, body, headers }`
 * for every status the API answers with (wrap it in `unwrap()` to get the success body or an `AgniApiError`), and
 * rejects with `AgniConnectionError` when the API cannot be reached.
 *
 * @throws TypeError when `baseUrl` is not an absolute http(s) URL, or both `token` and `apiKey` are given.
 */
export function createAgniClient(options: AgniClientOptions): AgniClient {
  const baseUrl = normaliseBaseUrl(options.baseUrl);
  if (options.token !== undefined && options.apiKey !== undefined) {
    throw new TypeError("createAgniClient: give token or apiKey, not both");
  }
  const baseHeaders: Record<string, string> = { accept: "application/json", ...options.headers };
  if (options.token !== undefined) baseHeaders.authorization = `Bearer ${options.token}`;
  if (options.apiKey !== undefined) baseHeaders["x-api-key"] = options.apiKey;

  const api = createFetcher(options.fetch ?? globalThis.fetch, baseUrl, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  return initClient(contract, { baseUrl, baseHeaders, api });
}

function normaliseBaseUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new TypeError(`baseUrl must be an absolute http(s) URL, got "${baseUrl}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TypeError(`baseUrl must use http or https, got "${baseUrl}"`);
  }
  return baseUrl.replace(/\/+$/, "");
}

/** Reads every body as text and parses JSON when the server says it is JSON; keeps the text when it is not. */
function parseBody(text: string, contentType: string | null): unknown {
  if (text === "") return undefined;
  if (contentType && /[/+]json\b/i.test(contentType)) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

function describeFailure(err: unknown, timeoutMs: number): string {
  if (err instanceof Error && err.name === "TimeoutError") return `no answer within ${timeoutMs} ms`;
  // undici reports "fetch failed" and hides the useful part (ECONNREFUSED, ENOTFOUND…) in `cause`.
  const cause = err instanceof Error ? err.cause : undefined;
  if (cause instanceof Error && cause.message) return cause.message;
  return err instanceof Error ? err.message : String(err);
}

function createFetcher(fetchImpl: typeof globalThis.fetch, baseUrl: string, timeoutMs: number): ApiFetcher {
  return async ({ path, method, headers, body, fetchOptions }) => {
    const callerSignal = fetchOptions?.signal ?? undefined;
    const signals = [callerSignal, timeoutMs > 0 ? AbortSignal.timeout(timeoutMs) : undefined].filter(
      (s): s is AbortSignal => s !== undefined,
    );
    const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    try {
      const res = await fetchImpl(path, { ...fetchOptions, method, headers, body, signal });
      const text = await res.text();
      return { status: res.status, body: parseBody(text, res.headers.get("content-type")), headers: res.headers };
    } catch (err) {
      // The caller's own abort is theirs to handle, not a connection problem.
      if (callerSignal?.aborted) throw err;
      throw new AgniConnectionError(baseUrl, describeFailure(err, timeoutMs), { cause: err });
    }
  };
}
