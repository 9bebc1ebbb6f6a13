import { readFileSync } from "node:fs";

// Example bodies of the original documentation pages (../shared/seeds), extracted by
// tools/src/extract-seed-examples.ts. Placeholders like `<boolean>` are typed values; compare keys and literal
// values (messages), not placeholder values.
const fixture = JSON.parse(readFileSync(new URL("../fixtures/seed-examples.json", import.meta.url), "utf8")) as {
  examples: Record<string, unknown[]>;
};

/** The n-th JSON example body of a seed page. */
export function seedExample(file: string, n: number): unknown {
  const list = fixture.examples[file];
  if (!list || n >= list.length) throw new Error(`${file} has only ${list?.length ?? 0} example bodies`);
  return list[n];
}
