import { isAppRoute, type AppRoute } from "@ts-rest/core";
import { describe, expect, it } from "vitest";
import { contract } from "./contract.js";
import { PagingQuerySchema } from "./common/envelope.js";

function routes(router: object): AppRoute[] {
  return Object.values(router).flatMap((r) => (isAppRoute(r) ? [r] : routes(r)));
}

describe("contract", () => {
  const all = routes(contract);

  it("declares every route under /api/v1 (except health) with strict status codes and the error statuses", () => {
    for (const route of all) {
      if (route.path === "/health" || route.path === "/ready") continue;
      expect(route.path.startsWith("/api/v1/"), route.path).toBe(true);
      expect(route.strictStatusCodes, route.path).toBe(true);
      for (const status of [400, 401, 403, 404, 500]) expect(route.responses, `${route.path} ${status}`).toHaveProperty(String(status));
    }
  });

  it("has unique method + path pairs", () => {
    const keys = all.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("pages with limit 50 by default and falls back to 50 outside 1..200", () => {
    expect(PagingQuerySchema.parse({})).toEqual({ limit: 50, offset: 0 });
    expect(PagingQuerySchema.parse({ limit: "200", offset: "3" })).toEqual({ limit: 200, offset: 3 });
    expect(PagingQuerySchema.parse({ limit: "201" }).limit).toBe(50);
    expect(PagingQuerySchema.parse({ limit: "0" }).limit).toBe(50);
    expect(PagingQuerySchema.safeParse({ limit: "1.5" }).success).toBe(false);
  });
});
