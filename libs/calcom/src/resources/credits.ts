import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Transport } from "../http";
import { CAL_API_VERSIONS } from "../versions";

const version = CAL_API_VERSIONS.unversioned;
const Balance = z.object({ monthlyRemaining: z.number(), additional: z.number() }).passthrough();

export const CalcomCreditsSchema = z.object({ hasCredits: z.boolean(), balance: Balance }).passthrough();
export const CalcomChargeSchema = z.object({ charged: z.boolean(), teamId: z.number().nullable().optional(), remainingBalance: Balance }).passthrough();

export interface ChargeInput {
  credits: number;
  creditFor: "SMS" | "CAL_AI_PHONE_CALL" | "AI_AGENT";
  /** Cal.com's idempotency key for charges; generated when absent, so a retried charge is never counted twice. */
  externalRef?: string;
}

export function creditsResource(request: Transport) {
  return {
    available: () => request({ method: "GET", path: "/v2/credits/available", version, schema: CalcomCreditsSchema }),
    charge: (input: ChargeInput) =>
      request({
        method: "POST",
        path: "/v2/credits/charge",
        version,
        body: { ...input, externalRef: input.externalRef ?? randomUUID() },
        schema: CalcomChargeSchema,
        retry: true,
      }),
  };
}
