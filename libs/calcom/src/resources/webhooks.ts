import { z } from "zod";
import type { Transport } from "../http";
import { CAL_API_VERSIONS } from "../versions";

const version = CAL_API_VERSIONS.unversioned;

// The document types `triggers` as a string; Cal.com takes and returns an array of trigger names.
export const CalcomWebhookSchema = z
  .object({
    id: z.number().int(),
    subscriberUrl: z.string(),
    active: z.boolean(),
    triggers: z.array(z.string()),
    payloadTemplate: z.string().nullable().optional(),
    secret: z.string().nullable().optional(),
  })
  .passthrough();
export type CalcomWebhook = z.output<typeof CalcomWebhookSchema>;

export interface WebhookInput {
  subscriberUrl: string;
  active: boolean;
  triggers: string[];
  payloadTemplate?: string;
  secret?: string;
}

export function webhooksResource(request: Transport) {
  const path = (id?: number) => (id === undefined ? "/v2/webhooks" : `/v2/webhooks/${id}`);
  return {
    create: (input: WebhookInput) => request({ method: "POST", path: path(), version, body: input, schema: CalcomWebhookSchema }),
    list: (query: { take?: number; skip?: number } = {}) => request({ method: "GET", path: path(), version, query: { ...query }, schema: z.array(CalcomWebhookSchema) }),
    get: (id: number) => request({ method: "GET", path: path(id), version, schema: CalcomWebhookSchema }),
    update: (id: number, input: Partial<WebhookInput>) => request({ method: "PATCH", path: path(id), version, body: input, schema: CalcomWebhookSchema, retry: true }),
    delete: (id: number) => request({ method: "DELETE", path: path(id), version, schema: z.unknown(), retry: true }),
  };
}
