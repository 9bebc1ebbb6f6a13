// The shapes of the sandbox's webhook deliveries and of the test controls over them (webhook-delivery.ts).

/** Which webhooks a control applies to: by id or subscriber URL; neither means all. */
export interface WebhookTarget {
  webhookId?: number;
  subscriberUrl?: string;
}

/** A scripted fault for the next `times` (default 1) deliveries to the target, optionally of one trigger only. */
export interface WebhookFault extends WebhookTarget {
  triggerEvent?: string;
  /** Never send it (recorded with outcome "dropped"). */
  drop?: boolean;
  /** Wait this long before each attempt (the booking flow waits too, as it waits for Cal.com's POST). */
  delayMs?: number;
  /** Send it twice: same body, same signature. */
  duplicate?: boolean;
  times?: number;
}

/** One attempt to deliver, as recorded for assertions (oldest first). */
export interface WebhookDeliveryAttempt {
  /** The same for every attempt (and duplicate) of one delivery. */
  deliveryId: string;
  webhookId: number;
  subscriberUrl: string;
  triggerEvent: string;
  bookingUid: string | null;
  /** 1-based; a tasker retry is the next number. */
  attempt: number;
  /** The sandbox clock when it was made. */
  at: string;
  /** delivered: a 2xx answer; failed: another status or a network failure; dropped: a fault swallowed it. */
  outcome: "delivered" | "failed" | "dropped";
  status: number | null;
  error: string | null;
  duplicate: boolean;
  body: string;
  headers: Record<string, string>;
}

/** A delivery held by a pause, not yet attempted. */
export interface HeldDelivery {
  deliveryId: string;
  webhookId: number;
  subscriberUrl: string;
  triggerEvent: string;
  bookingUid: string | null;
  body: string;
}

export interface WebhookDeliveryOptions {
  /** Emulate TASKER_ENABLE_WEBHOOKS=1: deliveries wait for the tasker cron, and network failures are retried (default false). */
  tasker?: boolean;
  /** How often the crons (tasker, scheduled triggers) run by themselves while the sandbox listens; 0: only when asked (default 60 000). */
  cronIntervalMs?: number;
  /** Attempts of a tasker task (Cal.com's default 3). */
  maxAttempts?: number;
  /** Give up on a subscriber after this long (default 5 000). */
  timeoutMs?: number;
}

export interface DeliveryFilter extends WebhookTarget {
  triggerEvent?: string;
  bookingUid?: string;
}
