import { contract } from "@agni/contracts";
import { initServer } from "@ts-rest/express";
import { authOf } from "../../http/auth";
import type { WebhooksService } from "./webhooks.service";

const s = initServer();

export function webhooksRouter(service: WebhooksService) {
  const page = (query: { limit: number; offset: number }, total: number) => ({ total: String(total), limit: query.limit, offset: query.offset });
  return s.router(contract.webhooks, {
    createWebhook: async ({ body, res }) => {
      const data = await service.create(authOf(res).orgId, body);
      return { status: 201, body: { success: true, message: "Webhook created; store the secret now, it will not be shown again", data } };
    },
    listWebhooks: async ({ query, res }) => {
      const { items, total } = await service.list(authOf(res).orgId, query.limit, query.offset);
      return { status: 200, body: { success: true, message: "Webhooks fetched successfully", data: items, meta: page(query, total) } };
    },
    getWebhook: async ({ params, res }) => {
      const data = await service.get(authOf(res).orgId, params.id);
      return { status: 200, body: { success: true, message: "Webhook fetched successfully", data } };
    },
    deleteWebhook: async ({ params, res }) => {
      const data = await service.delete(authOf(res).orgId, params.id);
      return { status: 200, body: { success: true, message: "Webhook deleted; its deliveries have stopped", data } };
    },
    listWebhookDeliveries: async ({ params, query, res }) => {
      const { items, total } = await service.deliveries(authOf(res).orgId, params.id, query);
      return { status: 200, body: { success: true, message: "Deliveries fetched successfully", data: items, meta: page(query, total) } };
    },
    redeliverWebhookDelivery: async ({ params, res }) => {
      const data = await service.redeliver(authOf(res).orgId, params.id, params.delivery_id);
      return { status: 202, body: { success: true, message: "Delivery queued", data } };
    },
  });
}
