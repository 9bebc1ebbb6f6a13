import { initContract } from "@ts-rest/core";
import { z } from "zod";

const c = initContract();

export const HealthSchema = z.object({ status: z.enum(["ok", "unavailable"]), checks: z.record(z.string()).optional() });

/** Liveness and readiness; no authentication. `/ready` is 503 until the database answers. */
export const healthContract = c.router(
  {
    health: {
      method: "GET",
      path: "/health",
      responses: { 200: HealthSchema },
      summary: "Liveness",
      description: "200 while the process serves requests, whatever the state of the database. Needs no credentials.",
    },
    ready: {
      method: "GET",
      path: "/ready",
      responses: { 200: HealthSchema, 503: HealthSchema },
      summary: "Readiness",
      description: "200 while the database answers, 503 (naming the failing check) while it does not: route traffic by this. Needs no credentials.",
    },
  },
  { strictStatusCodes: true },
);
