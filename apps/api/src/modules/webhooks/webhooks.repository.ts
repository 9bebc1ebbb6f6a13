import type { Prisma, PrismaClient } from "../../db/prisma";

const DELIVERY_INCLUDE = { event: { select: { type: true } }, tries: { orderBy: { at: "asc" } } } as const satisfies Prisma.WebhookDeliveryInclude;
export type DeliveryRow = Prisma.WebhookDeliveryGetPayload<{ include: typeof DELIVERY_INCLUDE }>;
export type SubscriptionRow = Prisma.WebhookSubscriptionGetPayload<object>;

/** What one try of a delivery came to, and what follows from it. */
export interface AttemptOutcome {
  at: Date;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  status: "pending" | "succeeded" | "failed";
  nextAttemptAt: Date | null;
}

/** Webhook subscriptions, the outbox and deliveries. Everything an organisation asks for is scoped to it. */
export class WebhooksRepository {
  constructor(private readonly prisma: PrismaClient) {}

  countActive(organizationId: string): Promise<number> {
    return this.prisma.webhookSubscription.count({ where: { organizationId, disabledAt: null } });
  }

  create(data: { organizationId: string; url: string; events: string[]; description: string | null; secretEncrypted: string }): Promise<SubscriptionRow> {
    return this.prisma.webhookSubscription.create({ data });
  }

  async list(organizationId: string, limit: number, offset: number) {
    const where = { organizationId, disabledAt: null };
    const [items, total] = await this.prisma.$transaction([
      this.prisma.webhookSubscription.findMany({ where, orderBy: [{ createdAt: "asc" }, { id: "asc" }], take: limit, skip: offset }),
      this.prisma.webhookSubscription.count({ where }),
    ]);
    return { items, total };
  }

  find(organizationId: string, id: string): Promise<SubscriptionRow | null> {
    return this.prisma.webhookSubscription.findFirst({ where: { id, organizationId, disabledAt: null } });
  }

  /** Deleting keeps the row (its deliveries are history) but takes it out of every list and every send. */
  async disable(organizationId: string, id: string, at: Date): Promise<boolean> {
    return (await this.prisma.webhookSubscription.updateMany({ where: { id, organizationId, disabledAt: null }, data: { disabledAt: at } })).count === 1;
  }

  async deliveries(subscriptionId: string, filter: { status?: "pending" | "succeeded" | "failed"; limit: number; offset: number }) {
    const where = { subscriptionId, ...(filter.status ? { status: filter.status } : {}) };
    const [items, total] = await this.prisma.$transaction([
      this.prisma.webhookDelivery.findMany({ where, include: DELIVERY_INCLUDE, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: filter.limit, skip: filter.offset }),
      this.prisma.webhookDelivery.count({ where }),
    ]);
    return { items, total };
  }

  delivery(subscriptionId: string, id: string): Promise<DeliveryRow | null> {
    return this.prisma.webhookDelivery.findFirst({ where: { id, subscriptionId }, include: DELIVERY_INCLUDE });
  }

  /** A delivery sent again: pending from now, with a fresh retry window. */
  async restart(id: string, now: Date): Promise<DeliveryRow> {
    return this.prisma.webhookDelivery.update({ where: { id }, data: { status: "pending", nextAttemptAt: now, retriesFrom: now }, include: DELIVERY_INCLUDE });
  }

  /** Everything needed to send a delivery: it, its subscription and its event. */
  forSending(id: string) {
    return this.prisma.webhookDelivery.findUnique({ where: { id }, include: { subscription: true, event: true } });
  }

  /** Records one try and its consequence together. */
  async recordAttempt(id: string, outcome: AttemptOutcome): Promise<void> {
    await this.prisma.$transaction([
      this.prisma.webhookDeliveryAttempt.create({
        data: { deliveryId: id, at: outcome.at, statusCode: outcome.statusCode, error: outcome.error, durationMs: outcome.durationMs },
      }),
      this.prisma.webhookDelivery.update({
        where: { id },
        data: {
          attempts: { increment: 1 },
          lastAttemptAt: outcome.at,
          lastStatusCode: outcome.statusCode,
          lastError: outcome.error,
          status: outcome.status,
          nextAttemptAt: outcome.nextAttemptAt,
        },
      }),
    ]);
  }

  /** Pending deliveries of live subscriptions that should have been tried before `before` (their job may be missing). */
  async overdue(before: Date, limit: number): Promise<string[]> {
    const rows = await this.prisma.webhookDelivery.findMany({
      where: { status: "pending", nextAttemptAt: { lt: before }, subscription: { disabledAt: null } },
      select: { id: true },
      orderBy: { nextAttemptAt: "asc" },
      take: limit,
    });
    return rows.map((r) => r.id);
  }

  /** Removes events (with their deliveries and attempts) older than `before` whose deliveries are all finished. */
  async pruneEvents(before: Date): Promise<number> {
    const { count } = await this.prisma.appointmentEvent.deleteMany({ where: { createdAt: { lt: before }, deliveries: { none: { status: "pending" } } } });
    return count;
  }
}
