import { AgniApiError } from "@agni/client";
import { inCliTerms } from "./flags";

/** Everything a command touches outside itself, injected so that tests can run the CLI in-process. */
export interface CliContext {
  env: Readonly<Record<string, string | undefined>>;
  /** Where relative paths (`--definition-file`, `AGNI_DATA_DIR`) are resolved. */
  cwd: string;
  stdout(text: string): void;
  stderr(text: string): void;
  /** The fetch the API client uses (default: the global one). */
  fetch?: typeof globalThis.fetch;
}

/** A mistake in how the CLI was called: exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** A failure that is not the API's answer (no credentials, no JWT secret): exit code 1. */
export class CliError extends Error {
  override name = "CliError";
}

/**
 * One line for stderr: `NOT_FOUND: Agent not found (request 0192…)`. The API's `details.reason` (what an operator can
 * do, next to a message meant for a caller) follows the message; fields of the request are named by their flags.
 */
export function describeError(err: unknown): string {
  const oneLine = (text: string) => text.replace(/\s*\n\s*/g, " ").trim();
  const text = oneLine(err instanceof Error ? err.message : String(err));
  if (!(err instanceof AgniApiError)) return text;
  const reason = (err.details as { reason?: unknown } | undefined)?.reason;
  const why = typeof reason === "string" && reason !== err.message ? ` ${inCliTerms(oneLine(reason))}` : "";
  return `${err.code}: ${inCliTerms(text)}${why}${err.requestId === undefined ? "" : ` (request ${err.requestId})`}`;
}

/** The API's error envelope, as `--json` prints it (on stdout, like every answer in that mode). */
export function errorEnvelope(err: AgniApiError): Record<string, unknown> {
  return {
    success: false,
    message: err.message,
    code: err.code,
    ...(err.details === undefined ? {} : { details: err.details }),
    ...(err.requestId === undefined ? {} : { request_id: err.requestId }),
  };
}
