import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { isAppRoute, type AppRoute, type AppRouter } from "@ts-rest/core";
import type { ZodTypeAny } from "zod";
import { ErrorEnvelopeSchema } from "./common/envelope";
import { contract } from "./contract";
import { buildOpenApiDocument, exampleFor } from "./openapi";

/** Every route of the contract with the key ts-rest uses as its operation id. */
function routesOf(router: AppRouter): [string, AppRoute][] {
  return Object.entries(router).flatMap(([key, value]) => (isAppRoute(value) ? [[key, value] as [string, AppRoute]] : routesOf(value as AppRouter)));
}

const committed = JSON.parse(readFileSync(new URL("../../../docs/openapi.json", import.meta.url), "utf8"));

describe("OpenAPI document", () => {
  it("docs/openapi.json is up to date with the contract (run `npm run openapi` after changing it)", () => {
    expect(JSON.parse(JSON.stringify(buildOpenApiDocument()))).toEqual(committed);
  });

  it("declares both ways to authenticate, and every route except health needs one of them", () => {
    const doc = buildOpenApiDocument();
    expect(doc.components?.securitySchemes).toMatchObject({
      BearerAuth: { type: "http", scheme: "bearer" },
      ApiKeyAuth: { type: "apiKey", in: "header", name: "X-Api-Key" },
    });
    expect(doc.security).toEqual([{ BearerAuth: [] }, { ApiKeyAuth: [] }]);
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const op of Object.values(item as Record<string, { security?: unknown[]; responses: Record<string, unknown> }>)) {
        if (path === "/health" || path === "/ready") expect(op.security).toEqual([]);
        else expect(op.security, path).toBeUndefined();
        if (path.startsWith("/api/")) expect(Object.keys(op.responses), path).toEqual(expect.arrayContaining(["400", "401", "404", "500"]));
      }
    }
  });

  it("gives every answer of every route an example that its own schema accepts", () => {
    const doc = buildOpenApiDocument();
    const routes = routesOf(contract);
    expect(routes.length).toBeGreaterThan(25);
    for (const [operationId, route] of routes) {
      for (const [status, schema] of Object.entries(route.responses)) {
        const example = exampleFor(route, operationId, Number(status));
        if (Number(status) < 400) expect(example, `${operationId} ${status}`).toBeDefined();
        if (example === undefined) continue;
        const parsed = (schema as ZodTypeAny).safeParse(example);
        expect(parsed.success, `${operationId} ${status}: ${parsed.error?.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`).toBe(true);
      }
    }
    // In the document: every answer has an example, and each error answer is an envelope.
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const op of Object.values(item as Record<string, { responses: Record<string, { content?: Record<string, { example?: unknown; schema?: { $ref?: string } }> }> }>)) {
        for (const [status, response] of Object.entries(op.responses)) {
          const json = response.content?.["application/json"];
          expect(json?.example, `${path} ${status}`).toBeDefined();
          if (json?.schema?.$ref === "#/components/schemas/ErrorEnvelope") {
            expect(ErrorEnvelopeSchema.parse(json.example), `${path} ${status}`).toMatchObject({ success: false, code: expect.any(String) });
          }
        }
      }
    }
  });
});
