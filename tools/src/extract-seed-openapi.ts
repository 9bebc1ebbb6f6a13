// Extracts the OpenAPI fragments embedded in the original documentation pages (../shared/seeds, ```yaml blocks)
// into libs/contracts/test/fixtures/seed-openapi.json, so that a test can check our generated document agrees with
// them (paths, parameters, response statuses, fields and messages) from a plain clone.
// Usage: npx tsx tools/src/extract-seed-openapi.ts [seedsDir]
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const seedsDir = path.resolve(process.argv[2] ?? path.join(root, "..", "shared", "seeds"));
const fragments: Record<string, { paths: unknown; components: unknown }> = {};
for (const file of readdirSync(seedsDir).sort()) {
  const text = readFileSync(path.join(seedsDir, file), "utf8");
  const block = /````yaml[^\n]*\n([\s\S]*?)\n````/.exec(text);
  if (!block) continue;
  const doc = parse(block[1]);
  fragments[file] = { paths: doc.paths, components: doc.components };
}
const target = path.join(root, "libs/contracts/test/fixtures/seed-openapi.json");
mkdirSync(path.dirname(target), { recursive: true });
writeFileSync(target, JSON.stringify({ source: "shared/seeds (OpenAPI fragments of the original pages)", fragments }, null, 2) + "\n");
console.log(`${Object.keys(fragments).length} fragment(s) → ${path.relative(root, target)}`);
