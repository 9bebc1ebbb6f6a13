import { randomBytes } from "node:crypto";
import { WEBHOOK_SECRET_PREFIX, type AgniEventType, type CreateWebhookSubscriptionBody, type WebhookDelivery, type WebhookSubscription } from "@agni/contracts";
import { invalidRequest, notFound } from "../../errors/app-error";
import type { SecretBox } from "../../lib/crypto";
import type { DeliveryQueue } from "./delivery-queue";
import { subscriptionUrlProblem } from "./url-policy";
import type { DeliveryRow, SubscriptionRow, WebhooksRepository } from "./webhooks.repository";

/** Active subscriptions one organisation may have: each change of an appointment is sent to every one of them. */
export const MAX_SUBSCRIPTIONS = 20;

export function toSubscription(row: SubscriptionRow): WebhookSubscription {
  return { id: row.id, url: row.url, events: row.events as AgniEventType[], description: row.description, created_at: row.createdAt.toISOString() };
}

export function toDelivery(row: DeliveryRow): WebhookDelivery {
  return {
    id: row.id,
    subscription_id: row.subscriptionId,
    event_id: row.eventId,
    event_type: row.event.type as AgniEventType,
    status: row.status,
    attempt_count: row.attempts,
    created_at: row.createdAt.toISOString(),
    next_attempt_at: row.status === "pending" ? (row.nextAttemptAt?.toISOString() ?? null) : null,
    last_attempt_at: row.lastAttemptAt?.toISOString() ?? null,
    last_status_code: row.lastStatusCode,
    last_error: row.lastError,
    attempts: row.tries.map((t) => ({ at: t.at.toISOString(), status_code: t.statusCode, error: t.error, duration_ms: t.durationMs })),
  };
}

/** Events out: an organisation's subscriptions and their deliveries. */
export class WebhooksService {
  constructor(
    private readonly repo: WebhooksRepository,
    private readonly box: SecretBox,
    private readonly options: { allowPrivate: boolean },
    /** Absent where no job engine runs (deliveries then wait for a process that has one). */
    private readonly queue?: DeliveryQueue,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Creates a subscription and returns its signing secret, which is stored only encrypted and never shown again. */
  async create(organizationId: string, body: CreateWebhookSubscriptionBody) {
    const problem = subscriptionUrlProblem(body.url, this.options.allowPrivate);
    if (problem) throw invalidRequest(problem, { field: "url" });
    if ((await this.repo.countActive(organizationId)) >= MAX_SUBSCRIPTIONS) {
      throw invalidRequest(`An organisation can have at most ${MAX_SUBSCRIPTIONS} webhook subscriptions; delete one first`);
    }
    const secret = `${WEBHOOK_SECRET_PREFIX}${randomBytes(32).toString("base64url")}`;
    const row = await this.repo.create({
      organizationId,
      url: body.url,
      events: [...new Set(body.events)],
      description: body.description ?? null,
      secretEncrypted: this.box.encrypt(secret, organizationId),
    });
    return { ...toSubscription(row), secret };
  }

  async list(organizationId: string, limit: number, offset: number) {
    const { items, total } = await this.repo.list(organizationId, limit, offset);
    return { items: items.map(toSubscription), total };
  }

  async get(organizationId: string, id: string): Promise<WebhookSubscription> {
    return toSubscription(await this.subscription(organizationId, id));
  }

  async delete(organizationId: string, id: string): Promise<WebhookSubscription> {
    const row = await this.subscription(organizationId, id);
    if (!(await this.repo.disable(organizationId, id, this.now()))) throw notFound("Webhook");
    return toSubscription(row);
  }

  async deliveries(organizationId: string, id: string, filter: { status?: "pending" | "succeeded" | "failed"; limit: number; offset: number }) {
    await this.subscription(organizationId, id);
    const { items, total } = await this.repo.deliveries(id, filter);
    return { items: items.map(toDelivery), total };
  }

  /** Sends a delivery again now, with a fresh retry window, whatever its status. */
  async redeliver(organizationId: string, id: string, deliveryId: string): Promise<WebhookDelivery> {
    await this.subscription(organizationId, id);
    if (!(await this.repo.delivery(id, deliveryId))) throw notFound("Delivery");
    const row = await this.repo.restart(deliveryId, this.now());
    await this.queue?.now(deliveryId);
    return toDelivery(row);
  }

  private async subscription(organizationId: string, id: string): Promise<SubscriptionRow> {
    const row = await this.repo.find(organizationId, id);
    if (!row) throw notFound("Webhook");
    return row;
  }
}
