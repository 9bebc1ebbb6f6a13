import { initContract } from "@ts-rest/core";
import { z } from "zod";

const c = initContract();

export const HealthSchema = z.object({ status: z.enum(["ok", "unavailable"]), checks: z.record(z.string()).optional() });

/** Liveness and readiness; no authentication. `/ready` is 503 until the database answers. */
export const healthContract = c.router(
  {
    health: { method: "GET", path: "/health", responses: { 200: HealthSchema }, summary: "Liveness" },
    ready: { method: "GET", path: "/ready", responses: { 200: HealthSchema, 503: HealthSchema }, summary: "Readiness" },
  },
  { strictStatusCodes: true },
);
