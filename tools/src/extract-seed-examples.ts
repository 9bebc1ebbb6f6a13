// Extracts the JSON example bodies (keys, literal messages, placeholder types) from the original documentation
// pages in ../shared/seeds into apps/api/test/fixtures/seed-examples.json, so the contract tests that compare our
// responses with those pages run from a plain clone. Usage: npx tsx tools/src/extract-seed-examples.ts [seedsDir]
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const seedsDir = path.resolve(process.argv[2] ?? path.join(root, "..", "shared", "seeds"));

/** Every top-level `{…}` in the text that parses as JSON (after typing `<boolean>`/`<number>` placeholders) and has `success`. */
function examples(text: string): unknown[] {
  const found: unknown[] = [];
  let depth = 0;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "{") {
      if (depth++ === 0) start = i;
    } else if (text[i] === "}" && depth > 0 && --depth === 0) {
      const candidate = text.slice(start, i + 1).replace(/<boolean>/g, "true").replace(/<number>/g, "0");
      try {
        const parsed = JSON.parse(candidate) as Record<string, unknown>;
        if ("success" in parsed) found.push(parsed);
      } catch {
        /* prose braces: not an example body */
      }
    }
  }
  return found;
}

const out: Record<string, unknown[]> = {};
for (const file of readdirSync(seedsDir).sort()) {
  const list = examples(readFileSync(path.join(seedsDir, file), "utf8"));
  if (list.length > 0) out[file] = list;
}
const target = path.join(root, "apps/api/test/fixtures/seed-examples.json");
writeFileSync(target, JSON.stringify({ source: "shared/seeds (original documentation pages)", examples: out }, null, 2) + "\n");
console.log(`${Object.values(out).flat().length} examples from ${Object.keys(out).length} pages → ${path.relative(root, target)}`);
