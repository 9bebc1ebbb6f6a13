import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildOpenApiDocument } from "./openapi";

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
});
