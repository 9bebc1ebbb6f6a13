import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The seed documentation pages, in ../shared/seeds beside the checkout (or AGNI_SHARED_DIR). */
export function seedsDir(): string {
  if (process.env.AGNI_SHARED_DIR) return path.join(process.env.AGNI_SHARED_DIR, "seeds");
  const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");
  return path.resolve(repoRoot, "..", "shared", "seeds");
}

/**
 * The n-th JSON example body of a seed page. Placeholders like `<boolean>` are replaced by a value of that type
 * so that the example parses; callers compare keys and literal values (messages), not placeholder values.
 */
export function seedExample(file: string, n: number): unknown {
  const text = readFileSync(path.join(seedsDir(), file), "utf8");
  const examples: unknown[] = [];
  let depth = 0;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "{") {
      if (depth === 0) start = i;
      depth++;
    } else if (ch === "}" && depth > 0) {
      depth--;
      if (depth === 0) {
        const candidate = text.slice(start, i + 1).replace(/<boolean>/g, "true").replace(/<number>/g, "0");
        try {
          const parsed = JSON.parse(candidate) as Record<string, unknown>;
          if ("success" in parsed) examples.push(parsed);
        } catch {
          /* prose braces or YAML: not an example body */
        }
      }
    }
  }
  if (n >= examples.length) throw new Error(`${file} has only ${examples.length} example bodies`);
  return examples[n];
}
