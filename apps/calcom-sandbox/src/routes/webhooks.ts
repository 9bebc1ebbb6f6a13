import { sendSuccess } from "../http";
import type { SandboxStore, StoredWebhook } from "../store";
import { HttpError, type Route } from "./context";

const webhookOutput = (w: StoredWebhook) => ({
  id: w.id,
  userId: w.userId,
  subscriberUrl: w.subscriberUrl,
  active: w.active,
  triggers: w.triggers,
  payloadTemplate: w.payloadTemplate,
  ...(w.secret ? { secret: w.secret } : {}),
});

function owned(store: SandboxStore, id: string, userId: number): StoredWebhook {
  const w = store.webhooks.get(Number(id));
  if (!w || w.userId !== userId) throw new HttpError(404, `Webhook with id=${id} not found`);
  return w;
}

export const webhookRoutes: Route[] = [
  {
    method: "POST",
    pattern: /^\/v2\/webhooks\/?$/,
    auth: "required",
    handle({ res, body, user, store }) {
      const b = body ?? {};
      if (typeof b.subscriberUrl !== "string" || typeof b.active !== "boolean" || !Array.isArray(b.triggers)) {
        throw new HttpError(400, "subscriberUrl (string), active (boolean) and triggers (array) are required");
      }
      if ([...store.webhooks.values()].some((w) => w.userId === user!.id && w.subscriberUrl === b.subscriberUrl)) {
        throw new HttpError(409, "Webhook with this subscriber url already exists for this user");
      }
      const w: StoredWebhook = { id: store.newWebhookId(), userId: user!.id, subscriberUrl: b.subscriberUrl, active: b.active, triggers: b.triggers, payloadTemplate: b.payloadTemplate ?? null, secret: b.secret ?? null };
      store.webhooks.set(w.id, w);
      sendSuccess(res, webhookOutput(w), 201);
    },
  },
  {
    method: "GET",
    pattern: /^\/v2\/webhooks\/?$/,
    auth: "required",
    handle({ res, url, user, store }) {
      const take = Math.min(250, Math.max(1, Number(url.searchParams.get("take") ?? 250)));
      const skip = Math.max(0, Number(url.searchParams.get("skip") ?? 0));
      sendSuccess(res, [...store.webhooks.values()].filter((w) => w.userId === user!.id).slice(skip, skip + take).map(webhookOutput));
    },
  },
  {
    method: "GET",
    pattern: /^\/v2\/webhooks\/(\d+)\/?$/,
    auth: "required",
    handle: ({ res, params, user, store }) => sendSuccess(res, webhookOutput(owned(store, params[0]!, user!.id))),
  },
  {
    method: "PATCH",
    pattern: /^\/v2\/webhooks\/(\d+)\/?$/,
    auth: "required",
    handle({ res, params, user, store, body }) {
      const w = owned(store, params[0]!, user!.id);
      for (const k of ["subscriberUrl", "active", "triggers", "payloadTemplate", "secret"] as const) if (body?.[k] !== undefined) (w as any)[k] = body[k];
      sendSuccess(res, webhookOutput(w));
    },
  },
  {
    method: "DELETE",
    pattern: /^\/v2\/webhooks\/(\d+)\/?$/,
    auth: "required",
    handle({ res, params, user, store }) {
      const w = owned(store, params[0]!, user!.id);
      store.webhooks.delete(w.id);
      sendSuccess(res, webhookOutput(w));
    },
  },
];
