import { z } from "zod";

export const ApiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  /** The first characters of the key, enough to recognise it. */
  prefix: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type ApiKey = z.infer<typeof ApiKeySchema>;

/** Returned once, at creation: `key` is the secret and cannot be read again. */
export const CreatedApiKeySchema = ApiKeySchema.extend({ key: z.string() });

export const CreateApiKeyBodySchema = z
  .object({ name: z.string().trim().min(1, "name must not be empty").max(100, "name must be at most 100 characters") })
  .strict();

/** Organisation API keys start with this, so that leaked keys are easy to recognise and scan for. */
export const API_KEY_PREFIX = "agni_";
