import { createHmac } from "node:crypto";
import { type BookingTrigger, bookingWebhookBody } from "../webhook-payload";
import { sendSuccess } from "../http";
import type { SandboxStore, StoredBooking, StoredWebhook } from "../store";
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

/**
 * Delivers a booking event to the host's active webhooks subscribed to it, as Cal.com's sendPayload does
 * (calcom/cal.com packages/features/webhooks/lib/sendPayload.ts @ 869be581acee93b8f5db97374627a6f0775fe0c1): the body
 * signed with a lowercase hex HMAC-SHA256 in `X-Cal-Signature-256` (or `no-secret-provided`), plus the payload
 * version header. Delivery failures are ignored.
 */
export function deliverWebhooks(store: SandboxStore, trigger: BookingTrigger, booking: StoredBooking, now: number, previous?: StoredBooking): Promise<void> {
  const hooks = [...store.webhooks.values()].filter((w) => w.userId === booking.userId && w.active && w.triggers.includes(trigger));
  const body = JSON.stringify(bookingWebhookBody(store, trigger, booking, now, previous));
  return Promise.all(
    hooks.map((w) =>
      fetch(w.subscriberUrl, {
        method: "POST",
        redirect: "manual",
        headers: {
          "content-type": "application/json",
          "x-cal-signature-256": w.secret ? createHmac("sha256", w.secret).update(body).digest("hex") : "no-secret-provided",
          "x-cal-webhook-version": "2021-10-20",
        },
        body,
        signal: AbortSignal.timeout(5_000),
      }).catch((err) => process.stderr.write(`sandbox: webhook to ${w.subscriberUrl} failed: ${err.message}\n`)),
    ),
  ).then(() => undefined);
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
