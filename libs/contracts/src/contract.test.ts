import { isAppRoute, type AppRoute } from "@ts-rest/core";
import { describe, expect, it } from "vitest";
import { contract } from "./contract.js";
import { ListAppointmentsQuerySchema, ManageAppointmentBodySchema } from "./appointments/appointments.schemas.js";
import { PagingQuerySchema } from "./common/paging.js";
import { TransferCallDefinitionSchema } from "./tools/tools.schemas.js";

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

  it("applies the same page-size rule to the appointment list", () => {
    const agent_id = "0b6f2b8e-4d5c-4c1e-9a57-1a2b3c4d5e6f";
    expect(["", "0", "-1", "201", "200", "7"].map((limit) => ListAppointmentsQuerySchema.parse({ agent_id, ...(limit ? { limit } : {}) }).limit)).toEqual([
      50, 50, 50, 50, 200, 7,
    ]);
  });

  it("takes phone numbers in E.164 form wherever it takes one", () => {
    const book = { action: "book", agent_id: "0b6f2b8e-4d5c-4c1e-9a57-1a2b3c4d5e6f", timezone: "UTC" };
    for (const [phone, ok] of [["+14155550123", true], ["+1415", false], ["14155550123", false], ["+04155550123", false]] as const) {
      expect(ManageAppointmentBodySchema.safeParse({ ...book, phone }).error?.issues.some((i) => i.path[0] === "phone") ?? false).toBe(!ok);
      expect(TransferCallDefinitionSchema.safeParse({ phone_number: phone }).success).toBe(ok);
    }
  });
});
