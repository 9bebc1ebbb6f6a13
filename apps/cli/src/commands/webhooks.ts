import { unwrap } from "@agni/client";
import { EVENT_TYPES, WEBHOOK_DELIVERY_STATUSES, type AgniEventType, type WebhookDelivery, type WebhookSubscription } from "@agni/contracts";
import { Option, type Command } from "commander";
import { action } from "../action";
import type { CliContext } from "../context";
import { parseList, withPaging, type PagingOptions } from "../options";
import { listOutput, objectOutput, type Column } from "../output";

const COLUMNS: readonly Column<WebhookSubscription>[] = [
  ["ID", (w) => w.id],
  ["URL", (w) => w.url],
  ["EVENTS", (w) => w.events],
  ["DESCRIPTION", (w) => w.description],
  ["CREATED", (w) => w.created_at],
];

const DELIVERY_COLUMNS: readonly Column<WebhookDelivery>[] = [
  ["ID", (d) => d.id],
  ["EVENT", (d) => d.event_type],
  ["EVENT ID", (d) => d.event_id],
  ["STATUS", (d) => d.status],
  ["ATTEMPTS", (d) => d.attempts.map((a) => a.status_code ?? "error")],
  ["LAST ERROR", (d) => d.last_error],
  ["NEXT ATTEMPT", (d) => d.next_attempt_at],
];

/** Events out: endpoints that hear of every change of the organisation's appointments, and their deliveries. */
export function registerWebhooks(program: Command, ctx: CliContext): void {
  const webhooks = program.command("webhooks").description("Webhook subscriptions: appointment events sent to your endpoints, signed");

  webhooks
    .command("create")
    .description("Subscribe an endpoint; the signing secret is shown once")
    .requiredOption("--url <url>", "where events are POSTed (https in production)")
    .requiredOption("--events <list>", `comma-separated: ${EVENT_TYPES.join(",")}`, parseList)
    .option("--description <text>", "what the endpoint is for")
    .action(
      action<{ url: string; events: string[]; description?: string }>(ctx, async ({ client, query }, _args, options) =>
        objectOutput(
          await unwrap(client.webhooks.createWebhook({ query, body: { url: options.url, events: options.events as AgniEventType[], description: options.description } })),
          { withMessage: true },
        ),
      ),
    );

  withPaging(webhooks.command("list").description("List webhook subscriptions (never the secrets)")).action(
    action<PagingOptions>(ctx, async ({ client, query }, _args, options) =>
      listOutput(await unwrap(client.webhooks.listWebhooks({ query: { ...query, limit: options.limit, offset: options.offset } })), COLUMNS, "webhooks"),
    ),
  );

  webhooks
    .command("get <id>")
    .description("Show one webhook subscription")
    .action(action(ctx, async ({ client, query }, [id]) => objectOutput(await unwrap(client.webhooks.getWebhook({ params: { id }, query })))));

  webhooks
    .command("delete <id>")
    .description("Delete a webhook subscription; its deliveries stop at once")
    .action(action(ctx, async ({ client, query }, [id]) => objectOutput(await unwrap(client.webhooks.deleteWebhook({ params: { id }, query })), { withMessage: true })));

  withPaging(
    webhooks
      .command("deliveries <id>")
      .description("A subscription's deliveries, newest first, with every attempt (--json for the details)")
      .addOption(new Option("--status <status>", "only deliveries with this status").choices(WEBHOOK_DELIVERY_STATUSES)),
  ).action(
    action<PagingOptions & { status?: WebhookDelivery["status"] }>(ctx, async ({ client, query }, [id], options) =>
      listOutput(
        await unwrap(client.webhooks.listWebhookDeliveries({ params: { id }, query: { ...query, limit: options.limit, offset: options.offset, status: options.status } })),
        DELIVERY_COLUMNS,
        "deliveries",
      ),
    ),
  );

  webhooks
    .command("redeliver <id> <delivery-id>")
    .description("Send a delivery again now (the same event, the same id)")
    .action(
      action(ctx, async ({ client, query }, [id, deliveryId]) =>
        objectOutput(await unwrap(client.webhooks.redeliverWebhookDelivery({ params: { id, delivery_id: deliveryId }, query })), { withMessage: true }),
      ),
    );
}
