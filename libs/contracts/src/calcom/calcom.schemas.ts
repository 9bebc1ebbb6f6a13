import { z } from "zod";
import { uuid } from "../common/envelope.js";

export const CalcomAccountStatusSchema = z.enum(["active", "inactive", "invalid", "error"]);
export type CalcomAccountStatus = z.infer<typeof CalcomAccountStatusSchema>;

export const DEFAULT_CALCOM_API_BASE_URL = "https://api.cal.com";

const apiBaseUrl = z
  .string()
  .url("api_base_url must be an absolute URL")
  .refine((u) => /^https?:\/\//i.test(u), "api_base_url must use http or https")
  // Credentials in the URL would travel with every request and show wherever the URL is shown (fetch refuses them).
  .refine((u) => !URL.canParse(u) || (new URL(u).username === "" && new URL(u).password === ""), "api_base_url must not contain a user name or password")
  .transform((u) => u.replace(/\/+$/, ""));

/** Body of both connect routes (org-level and agent private key). */
export const ConnectCalcomBodySchema = z
  .object({
    api_key: z
      .string({ required_error: "api_key is required" })
      .trim()
      .min(1, "api_key must not be empty")
      .max(512, "api_key is too long")
      .regex(/^\S+$/, "api_key must not contain spaces"),
    account_name: z.string().trim().min(1, "account_name must not be empty").max(100).optional(),
    api_base_url: apiBaseUrl.optional(),
  })
  .strict();
export type ConnectCalcomBody = z.infer<typeof ConnectCalcomBodySchema>;

/** The Cal.com user a key belongs to, as `GET /v2/me` reported it when the key was connected. */
export const CalcomUserSchema = z.object({
  id: z.number().int(),
  username: z.string().nullable(),
  email: z.string().nullable(),
  time_zone: z.string().nullable(),
});

export const ConnectCalcomResultSchema = z.object({
  provider_id: z.string(),
  account_name: z.string(),
  status: CalcomAccountStatusSchema,
  connected_at: z.string(),
  api_base_url: z.string(),
  api_key: z.string(),
  calcom_user: CalcomUserSchema.nullable(),
});

export const AgentConnectCalcomResultSchema = ConnectCalcomResultSchema.extend({ agent_id: z.string() });

/** One account in a status listing; `error` is the last failure text (null when healthy). */
export const CalcomAccountSummarySchema = z.object({
  id: z.string(),
  account_name: z.string(),
  status: CalcomAccountStatusSchema,
  error: z.string().nullable(),
  api_base_url: z.string(),
  api_key: z.string().nullable(),
  connected_at: z.string(),
  disconnected_at: z.string().nullable(),
  calcom_user: CalcomUserSchema.nullable(),
});

export const CalcomStatusSchema = z.object({
  connected: z.boolean(),
  status: z.string(),
  accounts: z.array(CalcomAccountSummarySchema),
});

export const DisconnectCalcomBodySchema = z
  .object({ provider_id: uuid("provider_id").optional() })
  .strict();

export const DisconnectResultSchema = z.object({
  disconnected: z.number().int(),
  provider_ids: z.array(z.string()),
});

export const AgentDisconnectResultSchema = DisconnectResultSchema.extend({ agent_id: z.string() });

export const AssignAccountBodySchema = z
  .object({
    calcom_account_id: z
      .string({ invalid_type_error: "calcom_account_id must be a UUID or null", required_error: "calcom_account_id is required (a UUID, or null to unassign)" })
      .uuid({ message: "calcom_account_id must be a UUID or null" })
      .nullable(),
  })
  .strict();

export const AssignAccountResultSchema = z.object({
  agent_id: z.string(),
  agent_name: z.string(),
  calcom_account_id: z.string().nullable(),
});

/**
 * The effective account of an agent (seed page "Get Agent Cal.com Account"): the agent's private key, else the
 * org-level account assigned to it, else `{connected: false, type: "none"}`.
 */
export const EffectiveAccountSchema = z.object({
  connected: z.boolean(),
  type: z.enum(["agent", "org_linked", "none"]),
  calcom_account_id: z.string().optional(),
  account_name: z.string().optional(),
  status: z.string().optional(),
  api_base_url: z.string().optional(),
});
export type EffectiveAccount = z.infer<typeof EffectiveAccountSchema>;

/** `info` adds to the effective account what an operator needs to recognise it (never the key itself). */
export const EffectiveInfoSchema = EffectiveAccountSchema.extend({
  agent_id: z.string(),
  agent_name: z.string(),
  error: z.string().nullable().optional(),
  api_key: z.string().nullable().optional(),
  calcom_user: CalcomUserSchema.nullable().optional(),
  event_type_id: z.number().int().nullable(),
});

/** The agent's private connection(s) (seed page "Get Agent Cal.com Status"). */
export const AgentStatusResultSchema = z.object({
  connected: z.boolean(),
  status: z.string(),
  accounts: z.array(
    z.object({
      id: z.string(),
      account_name: z.string(),
      status: CalcomAccountStatusSchema,
      error: z.string().nullable(),
    }),
  ),
});

/** What one reconciliation of an account found (`POST /calcom/accounts/{id}/sync`). */
export const SyncResultSchema = z.object({
  account_id: z.string(),
  /** Cal.com bookings read. */
  checked: z.number().int(),
  /** Appointment changes the mirror had missed; each was recorded and sent to the webhook subscriptions. */
  changed: z.number().int(),
  /** The account's Cal.com webhook: in place, registered now, impossible without AGNI_PUBLIC_URL, or failed (retried). */
  webhook: z.enum(["present", "registered", "no_public_url", "failed", "skipped"]),
  reconciled_at: z.string().nullable(),
});
export type SyncResult = z.infer<typeof SyncResultSchema>;
