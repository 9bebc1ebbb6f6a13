import type { Logger } from "pino";
import type { JobEngine } from "../../jobs/engine";
import type { WebhookDispatcher } from "./dispatcher";
import type { WebhooksRepository } from "./webhooks.repository";

export const EVENTS_QUEUE = "agni-events";
const DELIVER = "deliver";
const SWEEP = "sweep";
/** How often pending deliveries whose job went missing are looked for, and how overdue one must be to count. */
const SWEEP_EVERY_MS = 60_000;
const SWEEP_GRACE_MS = 60_000;
const SWEEP_BATCH = 500;

// Retries are ours (RetryLater carries the delay; the retry window decides when to stop), so BullMQ's attempt count
// must never be what ends a delivery.
const DELIVERY_JOB = { attempts: 1_000_000, backoff: { type: "delivery" } };

/** Puts deliveries on the events queue: one job per delivery, its id the delivery's, so that adding it twice is one job. */
export class DeliveryQueue {
  constructor(
    private readonly engine: JobEngine,
    private readonly logger: Pick<Logger, "warn">,
  ) {}

  /**
   * After the commit that wrote them. Never throws: the change is done whatever the queue says, and a delivery whose
   * job could not be added is found by the sweep (within about two minutes).
   */
  async enqueue(deliveryIds: string[]): Promise<void> {
    if (deliveryIds.length === 0) return;
    try {
      await Promise.all(deliveryIds.map((id) => this.engine.add(EVENTS_QUEUE, DELIVER, { deliveryId: id }, { jobId: id, ...DELIVERY_JOB })));
    } catch (err) {
      this.logger.warn({ err, deliveries: deliveryIds.length }, "could not queue webhook deliveries; the sweep will");
    }
  }

  /** Sends a delivery now: its waiting retry is brought forward, or a job is added when it has none. */
  async now(deliveryId: string): Promise<void> {
    const job = await this.engine.queue(EVENTS_QUEUE).getJob(deliveryId);
    if (job && (await job.isDelayed())) {
      await job.promote().catch(() => undefined); // it may have started meanwhile: then it runs now anyway
      return;
    }
    if (!job) await this.enqueue([deliveryId]);
  }

  /** Re-queues pending deliveries that should have been tried a while ago (a crash between commit and enqueue). */
  async sweep(repo: WebhooksRepository, now = new Date()): Promise<number> {
    const ids = await repo.overdue(new Date(now.getTime() - SWEEP_GRACE_MS), SWEEP_BATCH);
    await this.enqueue(ids);
    return ids.length;
  }

  /** Runs deliveries in this process and schedules the sweep (once across all processes). */
  async work(repo: WebhooksRepository, dispatcher: WebhookDispatcher, concurrency: number): Promise<void> {
    this.engine.work(
      EVENTS_QUEUE,
      {
        [DELIVER]: async (job) => dispatcher.deliver((job.data as { deliveryId: string }).deliveryId),
        [SWEEP]: async () => this.sweep(repo),
      },
      { concurrency },
    );
    await this.engine.every(EVENTS_QUEUE, "deliveries-sweep", SWEEP_EVERY_MS, SWEEP);
  }
}
