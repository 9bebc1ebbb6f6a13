import { createHmac } from "node:crypto";
import http from "node:http";
import https from "node:https";
import { EVENTS_API_VERSION } from "@agni/contracts";
import type { Logger } from "pino";
import type { SecretBox } from "../../lib/crypto";
import { RetryLater } from "../../jobs/engine";
import { privateLiteralHost, publicOnlyLookup } from "./url-policy";
import type { AttemptOutcome, WebhooksRepository } from "./webhooks.repository";

export interface DeliverySettings {
  /** How long an endpoint has to answer one POST (its status line and headers). */
  timeoutMs: number;
  /** Exponential backoff between tries: base, doubling per try, at most retryMaxDelayMs, with jitter. */
  retryBaseMs: number;
  retryMaxDelayMs: number;
  /** Tries continue until this long after the delivery was created (or last redelivered); then it is `failed`. */
  retryWindowMs: number;
  /** Deliveries one process sends at once. */
  concurrency: number;
  /** Whether endpoints may be http and on private or loopback addresses (development; AGNI_WEBHOOK_ALLOW_PRIVATE). */
  allowPrivate: boolean;
}

export const DEFAULT_DELIVERY_SETTINGS: DeliverySettings = {
  timeoutMs: 10_000,
  retryBaseMs: 10_000,
  retryMaxDelayMs: 3_600_000,
  retryWindowMs: 24 * 3_600_000,
  concurrency: 10,
  allowPrivate: false,
};

/**
 * The wait before try `attempt + 1` after `attempt` failed tries: base · 2^(attempt-1), capped, then "equal jitter"
 * (uniformly between half and all of it) so that many deliveries failing together do not come back together.
 */
export function retryDelay(attempt: number, settings: Pick<DeliverySettings, "retryBaseMs" | "retryMaxDelayMs">, random: () => number = Math.random): number {
  const full = Math.min(settings.retryMaxDelayMs, settings.retryBaseMs * 2 ** Math.min(40, Math.max(0, attempt - 1)));
  return Math.round(full / 2 + (random() * full) / 2);
}

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`: what `verifyAgniSignature` in @agni/client checks. */
export function signatureHeader(secret: string, body: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${createHmac("sha256", secret).update(`${t}.${body}`).digest("hex")}`;
}

/** The body every delivery of an event carries (the same bytes on every try). */
export function eventBody(event: { id: string; type: string; organizationId: string; createdAt: Date; payload: unknown }): string {
  // The payload was written for its type by the outbox (AgniEventSchema pairs them).
  const body = {
    id: event.id,
    type: event.type,
    api_version: EVENTS_API_VERSION,
    created_at: event.createdAt.toISOString(),
    organization_id: event.organizationId,
    data: event.payload,
  };
  return JSON.stringify(body);
}

type PostResult = { statusCode: number } | { error: string };

/** Sends one delivery and records the try; throws RetryLater when it should be tried again. */
export class WebhookDispatcher {
  constructor(
    private readonly repo: WebhooksRepository,
    private readonly box: SecretBox,
    private readonly settings: DeliverySettings,
    private readonly logger: Pick<Logger, "info" | "warn">,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async deliver(deliveryId: string): Promise<void> {
    const delivery = await this.repo.forSending(deliveryId);
    // Done already, or its subscription was deleted: nothing to send.
    if (!delivery || delivery.status !== "pending" || delivery.subscription.disabledAt) return;
    const { subscription, event } = delivery;
    const body = eventBody(event);
    const at = this.now();
    let secret: string | null = null;
    try {
      secret = this.box.decrypt(subscription.secretEncrypted, subscription.organizationId);
    } catch {
      // An encryption key removed before `npm run keys:rotate` re-encrypted this secret: nothing can be signed.
    }
    const headers = {
      "content-type": "application/json",
      "user-agent": "Agni-Webhooks/1",
      "agni-signature": secret === null ? "" : signatureHeader(secret, body, at),
      "agni-event-id": event.id,
      "agni-event-type": event.type,
      "agni-delivery-id": delivery.id,
    };
    const result: PostResult =
      secret === null ? { error: "The subscription's secret cannot be decrypted with the configured encryption keys" } : await this.post(subscription.url, body, headers);
    const durationMs = Math.max(0, this.now().getTime() - at.getTime());
    const ok = "statusCode" in result && result.statusCode >= 200 && result.statusCode < 300;
    const attempt = delivery.attempts + 1;
    const delay = retryDelay(attempt, this.settings);
    const giveUp = !ok && at.getTime() + delay > delivery.retriesFrom.getTime() + this.settings.retryWindowMs;
    const outcome: AttemptOutcome = {
      at,
      durationMs,
      statusCode: "statusCode" in result ? result.statusCode : null,
      error: ok ? null : "error" in result ? result.error : `The endpoint answered ${result.statusCode}${result.statusCode >= 300 && result.statusCode < 400 ? " (redirects are not followed)" : ""}`,
      status: ok ? "succeeded" : giveUp ? "failed" : "pending",
      nextAttemptAt: ok || giveUp ? null : new Date(at.getTime() + delay),
    };
    await this.repo.recordAttempt(delivery.id, outcome);
    if (outcome.status === "failed") this.logger.warn({ deliveryId: delivery.id, subscriptionId: subscription.id, attempts: attempt }, "webhook delivery failed for good");
    if (outcome.status === "pending") throw new RetryLater(delay, `delivery ${delivery.id}: ${outcome.error}`);
  }

  /** One POST: the status once the endpoint's headers arrive (its body is not waited for), or what went wrong. */
  private post(target: string, body: string, headers: Record<string, string>): Promise<PostResult> {
    const url = new URL(target);
    if (!this.settings.allowPrivate) {
      if (url.protocol !== "https:") return Promise.resolve({ error: "The URL does not use https" });
      const literal = privateLiteralHost(url);
      if (literal) return Promise.resolve({ error: `${literal} is a private or loopback address, where events are not sent` });
    }
    const seconds = Math.round(this.settings.timeoutMs / 100) / 10;
    return new Promise<PostResult>((resolve) => {
      let settled = false;
      const finish = (result: PostResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(result);
      };
      const request = (url.protocol === "https:" ? https : http).request(url, {
        method: "POST",
        headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
        agent: false,
        ...(this.settings.allowPrivate ? {} : { lookup: publicOnlyLookup }),
      });
      const timer = setTimeout(() => {
        finish({ error: `No answer within ${seconds} s` });
        request.destroy();
      }, this.settings.timeoutMs);
      request.on("response", (response) => {
        finish({ statusCode: response.statusCode ?? 0 });
        response.destroy();
      });
      request.on("error", (err: NodeJS.ErrnoException) => finish({ error: describeFailure(err) }));
      request.end(body);
    });
  }
}

function describeFailure(err: NodeJS.ErrnoException): string {
  if (err.code === "EPRIVATEADDRESS") return err.message;
  if (err.code === "ENOTFOUND" || err.code === "EAI_AGAIN") return "The endpoint's host name does not resolve";
  if (err.code === "ECONNREFUSED") return "The endpoint refused the connection";
  if (err.code === "ECONNRESET" || err.code === "EPIPE") return "The endpoint closed the connection";
  if (err.code?.startsWith("ERR_TLS") || err.code?.includes("CERT")) return "The endpoint's TLS certificate was not accepted";
  return `Could not reach the endpoint (${err.code ?? "connection failed"})`;
}
