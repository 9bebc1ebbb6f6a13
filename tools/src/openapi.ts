// Writes docs/openapi.json from the contract (the API serves the same document at GET /openapi.json).
// A test in libs/contracts fails when the committed file is stale. Usage: npm run openapi
import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildOpenApiDocument } from "@agni/contracts/openapi";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const target = path.join(root, "docs/openapi.json");
writeFileSync(target, JSON.stringify(buildOpenApiDocument(), null, 2) + "\n");
console.log(`wrote ${path.relative(root, target)}`);
