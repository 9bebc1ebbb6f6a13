import { DEFAULT_LIMIT, MAX_LIMIT } from "@agni/contracts";
import { InvalidArgumentError, type Command } from "commander";
import { UsageError } from "./context";

/** Option parsers: a value they reject becomes commander's usage error (exit code 2). */

export function parseInteger(value: string): number {
  if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError("Not an integer.");
  return Number(value);
}

/** `book,reschedule` → `["book", "reschedule"]`; an empty value is an empty list. */
export function parseList(value: string): string[] {
  return value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

// Values that mean "clear this field" are converted in the actions, not by option parsers: commander turns a parser's
// null result into "".

/** `none` (any case) → null, to detach or unassign; anything else unchanged. */
export function noneToNull<T extends string | undefined>(value: T): T | null {
  return value !== undefined && value.toLowerCase() === "none" ? null : value;
}

/** The JSON object (or `null`, to clear) given to `flag`. @throws UsageError */
export function jsonObjectArg(flag: string, text: string | undefined): Record<string, unknown> | null | undefined {
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${flag} is not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (parsed !== null && (typeof parsed !== "object" || Array.isArray(parsed))) {
    throw new UsageError(`${flag} must be a JSON object (or null)`);
  }
  return parsed as Record<string, unknown> | null;
}

/** An integer, or `none` for null. @throws UsageError */
export function integerOrNoneArg(flag: string, text: string | undefined): number | null | undefined {
  const value = noneToNull(text);
  if (value === null || value === undefined) return value;
  if (!/^-?\d+$/.test(value.trim())) throw new UsageError(`${flag} must be an integer or none`);
  return Number(value);
}

const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `90s`, `30m`, `12h`, `7d` or plain seconds → seconds. */
export function parseDuration(value: string): number {
  const match = /^(\d+)\s*([smhd]?)$/.exec(value.trim());
  const seconds = match ? Number(match[1]) * DURATION_UNITS[match[2] || "s"] : Number.NaN;
  if (!Number.isSafeInteger(seconds) || seconds <= 0) {
    throw new InvalidArgumentError("Expected a positive duration such as 90s, 30m, 12h or 7d.");
  }
  return seconds;
}

/** The options `withPaging` adds. */
export type PagingOptions = { limit?: number; offset?: number };

/** Adds `--limit` and `--offset` to a list command. */
export function withPaging(command: Command): Command {
  return command
    .option("--limit <n>", `page size (1-${MAX_LIMIT}, default ${DEFAULT_LIMIT})`, parseInteger)
    .option("--offset <n>", "items to skip", parseInteger);
}
