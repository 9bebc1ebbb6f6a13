import { AgniApiError } from "@agni/client";

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

/** One line for stderr: `NOT_FOUND: Agent not found (request 0192…)`. */
export function describeError(err: unknown): string {
  const text = (err instanceof Error ? err.message : String(err)).replace(/\s*\n\s*/g, " ").trim();
  if (err instanceof AgniApiError) return `${err.code}: ${text}${err.requestId === undefined ? "" : ` (request ${err.requestId})`}`;
  return text;
}
