// Extracts, from Cal.com's official OpenAPI document, the operations libs/calcom covers and every schema they
// reference, into apps/calcom-sandbox/test/fixtures/calcom-openapi-subset.json: the conformance test (apps/calcom-sandbox/test) checks the client's
// requests and the sandbox's responses against it without needing the full 870 kB document at test time.
// Usage: npx tsx tools/src/calcom-openapi-subset.ts [path/to/openapi-v2.json]
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const COVERED: Record<string, string[]> = {
  "/v2/me": ["get"],
  "/v2/slots": ["get"],
  "/v2/slots/reservations": ["post"],
  "/v2/slots/reservations/{uid}": ["get", "delete"],
  "/v2/bookings": ["post", "get"],
  "/v2/bookings/{bookingUid}": ["get"],
  "/v2/bookings/{bookingUid}/reschedule": ["post"],
  "/v2/bookings/{bookingUid}/cancel": ["post"],
  "/v2/event-types": ["get"],
  "/v2/event-types/{eventTypeId}": ["get"],
  "/v2/schedules": ["get"],
  "/v2/schedules/default": ["get"],
  "/v2/webhooks": ["post", "get"],
  "/v2/webhooks/{webhookId}": ["get", "patch", "delete"],
};

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const source = path.resolve(process.argv[2] ?? path.join(root, "..", "shared", "calcom", "openapi-v2.json"));
const doc = JSON.parse(readFileSync(source, "utf8"));

const paths: Record<string, Record<string, unknown>> = {};
for (const [p, methods] of Object.entries(COVERED)) {
  paths[p] = Object.fromEntries(methods.map((m) => [m, doc.paths[p][m]]));
}

const schemas: Record<string, unknown> = {};
const visit = (node: unknown): void => {
  if (Array.isArray(node)) return node.forEach(visit);
  if (!node || typeof node !== "object") return;
  const ref = (node as { $ref?: string }).$ref;
  if (ref?.startsWith("#/components/schemas/")) {
    const name = ref.slice("#/components/schemas/".length);
    if (!(name in schemas)) {
      schemas[name] = doc.components.schemas[name];
      visit(schemas[name]);
    }
  }
  Object.values(node).forEach(visit);
};
visit(paths);

const target = path.join(root, "apps/calcom-sandbox/test/fixtures/calcom-openapi-subset.json");
writeFileSync(
  target,
  JSON.stringify({ openapi: doc.openapi, info: { ...doc.info, "x-subset-of": "calcom/cal.com docs/api-reference/v2/openapi.json" }, paths, components: { schemas } }, null, 1) + "\n",
);
console.log(`${Object.keys(paths).length} paths, ${Object.keys(schemas).length} schemas → ${path.relative(root, target)}`);
