/** What a command prints: the raw body with `--json`, else a human rendering of it. */
export interface Output {
  body: unknown;
  human(): string;
}

/** A table column: its header and how to read a row's cell. */
export type Column<T> = readonly [header: string, value: (row: T) => unknown];

/** One cell or value as text: `-` for nothing, lists comma-separated, nested objects as compact JSON. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return "-";
  if (typeof value === "string") return value === "" ? '""' : value.replace(/\s*\n\s*/g, " ");
  if (Array.isArray(value) && value.every((v) => v === null || typeof v !== "object")) {
    return value.length === 0 ? "-" : value.map(formatValue).join(",");
  }
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** Left-aligned columns separated by two spaces, headed by the column names. */
export function table<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = [columns.map(([header]) => header), ...rows.map((row) => columns.map(([, read]) => formatValue(read(row))))];
  const widths = columns.map((_, i) => Math.max(...cells.map((line) => line[i].length)));
  return cells.map((line) => line.map((cell, i) => cell.padEnd(widths[i])).join("  ").trimEnd()).join("\n");
}

/** `key: value` lines with the values aligned. */
export function keyValues(entries: readonly (readonly [string, unknown])[]): string {
  const width = Math.max(0, ...entries.map(([key]) => key.length + 1));
  return entries.map(([key, value]) => `${`${key}:`.padEnd(width)} ${formatValue(value)}`).join("\n");
}

export function jsonText(body: unknown): string {
  return JSON.stringify(body, null, 2);
}

interface DataBody {
  message: string;
  data: object;
}

/** A single object as `key: value` lines; `withMessage` puts the API's message (e.g. "Tool created") first. */
export function objectOutput(body: DataBody, options: { withMessage?: boolean } = {}): Output {
  return {
    body,
    human: () => {
      const lines = keyValues(Object.entries(body.data));
      return options.withMessage ? `${body.message}\n${lines}` : lines;
    },
  };
}

interface PageBody<T> {
  data: T[];
  meta: { total: string; limit: number; offset: number };
}

/** A page of items as a table, with a hint when more pages follow. */
export function listOutput<T>(body: PageBody<T>, columns: readonly Column<T>[], noun: string): Output {
  return {
    body,
    human: () => {
      const { total, offset } = body.meta;
      if (body.data.length === 0) return offset > 0 ? `No more ${noun} (total ${total}).` : `No ${noun}.`;
      const shownTo = offset + body.data.length;
      const more = shownTo < Number(total) ? `\n${noun} ${offset + 1}-${shownTo} of ${total}; next page: --offset ${shownTo}` : "";
      return table(body.data, columns) + more;
    },
  };
}
