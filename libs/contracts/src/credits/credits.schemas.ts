import { z } from "zod";
import { APPOINTMENT_ACTIONS } from "../appointments/appointments.schemas.js";
import { PagingQuerySchema } from "../common/paging.js";

/** `hard`: no credits, no billable action (the agent says so). `soft`: the call goes on and is recorded unpaid. */
export const CREDIT_MODES = ["hard", "soft"] as const;
export type CreditMode = (typeof CREDIT_MODES)[number];

export const CREDIT_CHARGE_STATUSES = ["open", "charging", "charged", "unpaid"] as const;
export type CreditChargeStatus = (typeof CREDIT_CHARGE_STATUSES)[number];

/** Credits each action costs until an organisation says otherwise; an action not named costs nothing. */
export const DEFAULT_CREDITS_PER_ACTION: Readonly<Partial<Record<(typeof APPOINTMENT_ACTIONS)[number], number>>> = { book: 1, reschedule: 1, instant: 1 };

const PerActionSchema = z
  .object(Object.fromEntries(APPOINTMENT_ACTIONS.map((a) => [a, z.number().int().min(0).max(1000).optional()])) as Record<(typeof APPOINTMENT_ACTIONS)[number], z.ZodOptional<z.ZodNumber>>)
  .strict();

export const CreditSettingsSchema = z.object({
  enabled: z.boolean(),
  mode: z.enum(CREDIT_MODES),
  credits_per_action: PerActionSchema,
  updated_at: z.string().nullable(),
});
export type CreditSettings = z.infer<typeof CreditSettingsSchema>;

export const UpdateCreditSettingsBodySchema = z
  .object({
    enabled: z.boolean().optional(),
    mode: z.enum(CREDIT_MODES).optional(),
    /** Replaces the whole map: actions left out cost nothing. */
    credits_per_action: PerActionSchema.optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, "send at least one of enabled, mode, credits_per_action");
export type UpdateCreditSettingsBody = z.infer<typeof UpdateCreditSettingsBodySchema>;

export const CreditChargeSchema = z.object({
  id: z.string(),
  agent_id: z.string(),
  call_session_id: z.string(),
  credits: z.number().int(),
  actions: z.number().int(),
  status: z.enum(CREDIT_CHARGE_STATUSES),
  /** Soft mode went on although Cal.com said there were no credits at the session's first billable action. */
  no_credits_at_check: z.boolean(),
  /** Cal.com's `externalRef` for the charge: one call session is charged at most once. */
  external_ref: z.string(),
  last_error: z.string().nullable(),
  charged_at: z.string().nullable(),
  created_at: z.string(),
});
export type CreditCharge = z.infer<typeof CreditChargeSchema>;

export const ListCreditChargesQuerySchema = PagingQuerySchema.extend({ status: z.enum(CREDIT_CHARGE_STATUSES).optional() });
export type ListCreditChargesQuery = z.input<typeof ListCreditChargesQuerySchema>;
