import { initContract } from "@ts-rest/core";
import { z } from "zod";
import { listEnvelope, OrgQuerySchema, successEnvelope, uuid } from "../common/envelope.js";
import { PagingQuerySchema } from "../common/paging.js";
import { commonResponses } from "../common/responses.js";
import {
  CreatedWebhookSubscriptionSchema,
  CreateWebhookSubscriptionBodySchema,
  ListWebhookDeliveriesQuerySchema,
  WebhookDeliverySchema,
  WebhookSubscriptionSchema,
} from "./webhooks.schemas.js";

const c = initContract();
const byId = z.object({ id: uuid("id") });

export const webhooksContract = c.router(
  {
    createWebhook: {
      method: "POST",
      path: "/webhooks",
      query: OrgQuerySchema,
      body: CreateWebhookSubscriptionBodySchema,
      responses: { 201: successEnvelope(CreatedWebhookSubscriptionSchema) },
      summary: "Subscribe an endpoint to appointment events (the signing secret is shown once)",
      description:
        "Every change of one of the organisation's appointments that the subscription names is POSTed to `url` as JSON, signed with `Agni-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<raw body>\" with the secret>`, and retried with exponential backoff for 24 hours until it answers 2xx within 10 s. The secret is in this answer only: store it. In production the URL must use https and must not point at a private or loopback address.",
    },
    listWebhooks: {
      method: "GET",
      path: "/webhooks",
      query: PagingQuerySchema.merge(OrgQuerySchema),
      responses: { 200: listEnvelope(WebhookSubscriptionSchema) },
      summary: "List the organisation's webhook subscriptions (never the secrets)",
      description: "Pages through the organisation's webhook subscriptions, oldest first. Secrets are never returned.",
    },
    getWebhook: {
      method: "GET",
      path: "/webhooks/:id",
      pathParams: byId,
      query: OrgQuerySchema,
      responses: { 200: successEnvelope(WebhookSubscriptionSchema) },
      summary: "One webhook subscription",
      description: "One webhook subscription of the organisation (404 once deleted).",
    },
    deleteWebhook: {
      method: "DELETE",
      path: "/webhooks/:id",
      pathParams: byId,
      query: OrgQuerySchema,
      body: c.noBody(),
      responses: { 200: successEnvelope(WebhookSubscriptionSchema) },
      summary: "Delete a webhook subscription; its deliveries stop at once",
      description: "Deletes the subscription: no new event is sent to it, and its pending deliveries are not tried again.",
    },
    listWebhookDeliveries: {
      method: "GET",
      path: "/webhooks/:id/deliveries",
      pathParams: byId,
      query: ListWebhookDeliveriesQuerySchema.merge(OrgQuerySchema),
      responses: { 200: listEnvelope(WebhookDeliverySchema) },
      summary: "A subscription's deliveries with every attempt, newest first",
      description: "Pages through the events sent (or being sent) to the subscription, newest first, each with its status (`pending`, `succeeded`, `failed`) and every attempt: when, the endpoint's status code or what went wrong, and how long it took.",
    },
    redeliverWebhookDelivery: {
      method: "POST",
      path: "/webhooks/:id/deliveries/:delivery_id/redeliver",
      pathParams: z.object({ id: uuid("id"), delivery_id: uuid("delivery_id") }),
      query: OrgQuerySchema,
      body: c.noBody(),
      responses: { 202: successEnvelope(WebhookDeliverySchema) },
      summary: "Send a delivery again now",
      description: "Sends the same event (same id, same body) again at once, whatever the delivery's status; if that fails it is retried with backoff for another 24 hours.",
    },
  },
  { pathPrefix: "/api/v1", strictStatusCodes: true, commonResponses },
);
