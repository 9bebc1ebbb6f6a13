import { sendSuccess } from "../http";
import type { SandboxStore, StoredWebhook } from "../store";
import { bodyObject, HttpError, type Route } from "./context";

const webhookOutput = (w: StoredWebhook) => ({
  id: w.id,
  userId: w.userId,
  subscriberUrl: w.subscriberUrl,
  active: w.active,
  triggers: w.triggers,
  payloadTemplate: w.payloadTemplate,
  ...(w.secret ? { secret: w.secret } : {}),
});

export const stringOrNull = (v: unknown) => (typeof v === "string" ? v : null);

/** A webhook PATCH (user or team event-type webhook alike): fields of the wrong type are ignored. */
export function patchWebhook(w: StoredWebhook, body: unknown): void {
  const b = bodyObject(body) ?? {};
  if (typeof b.subscriberUrl === "string") w.subscriberUrl = b.subscriberUrl;
  if (typeof b.active === "boolean") w.active = b.active;
  if (Array.isArray(b.triggers)) w.triggers = b.triggers.map(String);
  if (b.payloadTemplate !== undefined) w.payloadTemplate = stringOrNull(b.payloadTemplate);
  if (b.secret !== undefined) w.secret = stringOrNull(b.secret);
}

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
      const b = bodyObject(body) ?? {};
      if (typeof b.subscriberUrl !== "string" || typeof b.active !== "boolean" || !Array.isArray(b.triggers)) {
        throw new HttpError(400, "subscriberUrl (string), active (boolean) and triggers (array) are required");
      }
      if ([...store.webhooks.values()].some((w) => w.userId === user.id && w.subscriberUrl === b.subscriberUrl)) {
        throw new HttpError(409, "Webhook with this subscriber url already exists for this user");
      }
      const w: StoredWebhook = { id: store.newWebhookId(), userId: user.id, subscriberUrl: b.subscriberUrl, active: b.active, triggers: b.triggers, payloadTemplate: stringOrNull(b.payloadTemplate), secret: stringOrNull(b.secret) };
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
      sendSuccess(res, [...store.webhooks.values()].filter((w) => w.userId === user.id).slice(skip, skip + take).map(webhookOutput));
    },
  },
  {
    method: "GET",
    pattern: /^\/v2\/webhooks\/(\d+)\/?$/,
    auth: "required",
    handle: ({ res, params, user, store }) => sendSuccess(res, webhookOutput(owned(store, params[0], user.id))),
  },
  {
    method: "PATCH",
    pattern: /^\/v2\/webhooks\/(\d+)\/?$/,
    auth: "required",
    handle({ res, params, user, store, body }) {
      const w = owned(store, params[0], user.id);
      patchWebhook(w, body);
      sendSuccess(res, webhookOutput(w));
    },
  },
  {
    method: "DELETE",
    pattern: /^\/v2\/webhooks\/(\d+)\/?$/,
    auth: "required",
    handle({ res, params, user, store }) {
      const w = owned(store, params[0], user.id);
      store.webhooks.delete(w.id);
      sendSuccess(res, webhookOutput(w));
    },
  },
];
