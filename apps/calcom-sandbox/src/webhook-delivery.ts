import { createHmac, randomUUID } from "node:crypto";
import type { SandboxStore, StoredBooking, StoredWebhook } from "./store";
import type { DeliveryFilter, HeldDelivery, WebhookDeliveryAttempt, WebhookDeliveryOptions, WebhookFault, WebhookTarget } from "./webhook-delivery-types";
import { meetingEndedBody, type WebhookEvent, webhookBody } from "./webhook-payload";

// How Cal.com delivers webhooks, and the sandbox's test controls over it.
//
// Delivery (packages/features/webhooks/lib/sendPayload.ts @ 008952de0ac2d35c3056ac98034e1012033c0867): one POST per
// active subscriber, `redirect: "manual"`, the body signed with a lowercase hex HMAC-SHA256 in `X-Cal-Signature-256`
// (`no-secret-provided` without a secret); a non-2xx answer resolves as `{ ok: false }`, only a network failure throws.
// - By default (TASKER_ENABLE_WEBHOOKS unset: sendOrSchedulePayload.ts @ 0c43f1095cf662a5a58c315b5ac1a9e7f0543321),
//   handleWebhookTrigger (packages/features/bookings/lib/handleWebhookTrigger.ts @ 03670679c00d600615e8df2bc64545bd51c61646)
//   awaits every subscriber's POST before the booking flow goes on, logs failures and never retries.
// - With TASKER_ENABLE_WEBHOOKS=1 each POST is a `sendWebhook` task (tasks/sendWebook.ts @ 81bd804704b0cd7476a4774f849bec2a3700b0ea)
//   run by the tasker cron (every minute: tasker/README.md @ 42dd5c2574ee40947a9d1bcb7becc81392072aa1); a task that
//   throws is retried on the next runs, 3 attempts in all (internal-tasker.ts @ 01b1bdba0535b29608a61bc1bf67efd5a179e8b7,
//   repository.ts @ 0bf74c8191bc528438bf2bf580b76477404e7177). Since sendPayload throws only on network failures, only
//   those are retried.
// - MEETING_ENDED is a WebhookScheduledTriggers row created when a booking is accepted (startAfter = its end) and sent
//   once by its own cron whatever the answer, then deleted; rows more than a day overdue are deleted unsent; only
//   Content-Type and the signature are sent (handleWebhookScheduledTriggers.ts @ 00eb5dc8947c5c986f53f7dc34485f43c023f090).
// Cal.com sets no timeout on the POST; the sandbox gives up after `timeoutMs`.

export type { DeliveryFilter, HeldDelivery, WebhookDeliveryAttempt, WebhookDeliveryOptions, WebhookFault, WebhookTarget } from "./webhook-delivery-types";

interface Delivery extends HeldDelivery {
  secret: string | null;
  headers: Record<string, string>;
  fault?: WebhookFault;
  /** Booking triggers go through the tasker when it is on; scheduled triggers never do. */
  viaTasker: boolean;
  attempts: number;
}

interface ScheduledTrigger {
  webhookId: number;
  bookingUid: string;
  startAfter: number;
  payload: string;
}

const DAY = 86_400_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const matches = (target: WebhookTarget, w: { webhookId: number; subscriberUrl: string }) =>
  (target.webhookId === undefined || target.webhookId === w.webhookId) && (target.subscriberUrl === undefined || target.subscriberUrl === w.subscriberUrl);
const sameTarget = (a: WebhookTarget, b: WebhookTarget) => a.webhookId === b.webhookId && a.subscriberUrl === b.subscriberUrl;

/** The sandbox's webhook deliveries: sending, Cal.com's retry rules, MEETING_ENDED's cron, faults and the record. */
export class WebhookDeliveries {
  private log: WebhookDeliveryAttempt[] = [];
  private faults: (WebhookFault & { remaining: number })[] = [];
  private paused: WebhookTarget[] = [];
  private heldQueue: Delivery[] = [];
  private tasks: Delivery[] = [];
  private scheduled: ScheduledTrigger[] = [];
  private readonly inflight = new Set<Promise<unknown>>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: () => SandboxStore,
    private readonly now: () => number,
    private readonly options: WebhookDeliveryOptions = {},
  ) {}

  /**
   * Fires the host's webhooks for a booking event and keeps MEETING_ENDED's scheduled triggers in step. Resolves once
   * every POST has been answered (or queued for the tasker, or held by a pause).
   */
  async emit(event: WebhookEvent): Promise<void> {
    const store = this.store();
    const { booking } = event;
    const previous = "previous" in event ? event.previous : undefined;
    if (previous) this.unschedule(previous);
    if (event.trigger === "BOOKING_CANCELLED") this.unschedule(booking);
    if ((event.trigger === "BOOKING_CREATED" || event.trigger === "BOOKING_RESCHEDULED") && booking.status === "accepted") this.schedule(booking);
    const body = JSON.stringify(webhookBody(store, event, this.now()));
    const headers = { "content-type": "application/json", "x-cal-webhook-version": "2021-10-20" };
    await Promise.all(
      this.subscribers(booking, event.trigger).map((w) => this.enqueue(this.delivery(w, event.trigger, booking.uid, body, headers, !!this.options.tasker))),
    );
  }

  /** One run of Cal.com's crons: the tasker's queue, then the scheduled triggers that are due. */
  async runCron(): Promise<void> {
    const due = this.tasks.splice(0);
    for (const d of due) {
      const result = await this.track(this.send(d));
      if (result === "network" && d.attempts < (this.options.maxAttempts ?? 3)) this.tasks.push(d);
    }
    const now = this.now();
    this.scheduled = this.scheduled.filter((t) => t.startAfter > now - DAY);
    const ready = this.scheduled.filter((t) => t.startAfter <= now);
    this.scheduled = this.scheduled.filter((t) => t.startAfter > now);
    const store = this.store();
    for (const t of ready) {
      const w = store.webhooks.get(t.webhookId);
      if (w) await this.enqueue(this.delivery(w, "MEETING_ENDED", t.bookingUid, t.payload, { "content-type": "application/json" }, false));
    }
  }

  /** Every attempt so far, oldest first, optionally filtered. */
  attempts(filter: DeliveryFilter = {}): WebhookDeliveryAttempt[] {
    return this.log.filter(
      (a) => matches(filter, a) && (filter.triggerEvent === undefined || a.triggerEvent === filter.triggerEvent) && (filter.bookingUid === undefined || a.bookingUid === filter.bookingUid),
    );
  }

  /** Resolves when no POST is in flight (held and queued deliveries are not in flight). */
  async settled(): Promise<void> {
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
  }

  inject(fault: WebhookFault): void {
    this.faults.push({ ...fault, remaining: fault.times ?? 1 });
  }

  /** Removes the faults for exactly this target, or all of them. */
  clearFaults(target?: WebhookTarget): void {
    this.faults = target ? this.faults.filter((f) => !sameTarget(f, target)) : [];
  }

  /** Holds every later delivery to the target until released or resumed. */
  pause(target: WebhookTarget = {}): void {
    if (!this.paused.some((p) => sameTarget(p, target))) this.paused.push({ webhookId: target.webhookId, subscriberUrl: target.subscriberUrl });
  }

  /** Ends the pause of this target (or every pause) and sends what it held, oldest first. */
  async resume(target?: WebhookTarget): Promise<string[]> {
    this.paused = target ? this.paused.filter((p) => !sameTarget(p, target)) : [];
    return this.release({ ...target, order: "fifo" });
  }

  /**
   * Sends held deliveries now, one after the other, while any pause goes on: those named by `ids` in that order, or
   * every one held for the target, oldest first or in reverse. Resolves with the ids sent, once answered.
   */
  async release(options: WebhookTarget & { order?: "fifo" | "reverse"; ids?: string[] } = {}): Promise<string[]> {
    let chosen: Delivery[];
    if (options.ids) {
      chosen = options.ids.map((id) => {
        const d = this.heldQueue.find((h) => h.deliveryId === id);
        if (!d) throw new Error(`delivery ${id} is not held`);
        return d;
      });
    } else {
      chosen = this.heldQueue.filter((d) => matches(options, d));
      if (options.order === "reverse") chosen.reverse();
    }
    this.heldQueue = this.heldQueue.filter((d) => !chosen.includes(d));
    for (const d of chosen) await this.dispatch(d);
    return chosen.map((d) => d.deliveryId);
  }

  held(target: WebhookTarget = {}): HeldDelivery[] {
    return this.heldQueue
      .filter((d) => matches(target, d))
      .map(({ deliveryId, webhookId, subscriberUrl, triggerEvent, bookingUid, body }) => ({ deliveryId, webhookId, subscriberUrl, triggerEvent, bookingUid, body }));
  }

  /** Back to nothing: no record, faults, pauses, queued tasks or scheduled triggers. */
  reset(): void {
    this.log = [];
    this.faults = [];
    this.paused = [];
    this.heldQueue = [];
    this.tasks = [];
    this.scheduled = [];
  }

  /** Runs the crons every `cronIntervalMs` until stopped (while the sandbox listens). */
  start(): void {
    const every = this.options.cronIntervalMs ?? 60_000;
    if (every > 0 && !this.timer) this.timer = setInterval(() => void this.runCron().catch(() => undefined), every).unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * The webhooks that hear of a booking, chosen as Cal.com's getWebhooks does (calcom/cal.com
   * packages/features/webhooks/lib/getWebhooks.ts @ 028bb9d24306792acc9efa5833063b7e3d0a058b: active, subscribed to the
   * trigger, and the organizer's own OR the event type's OR the team's). The organizer's own webhooks are left out for a
   * team event type's booking (handleNewBooking's `triggerForUser = !teamId || parentId`: packages/features/bookings/lib/
   * handleNewBooking.ts @ 9d8f3ffb959a39fc8414e554cd5ac0af70887481; the same rule in the cancel and confirm handlers),
   * so only its event-type webhooks hear of it. The sandbox has no team-level webhooks.
   */
  private subscribers(booking: StoredBooking, trigger: string): StoredWebhook[] {
    const userId = this.store().eventTypes.get(booking.eventTypeId)?.teamId === undefined ? booking.userId : null;
    return [...this.store().webhooks.values()].filter(
      (w) => w.active && w.triggers.includes(trigger) && ((userId !== null && w.userId === userId) || w.eventTypeId === booking.eventTypeId),
    );
  }

  private schedule(b: StoredBooking): void {
    const payload = JSON.stringify(meetingEndedBody(this.store(), b));
    for (const w of this.subscribers(b, "MEETING_ENDED")) this.scheduled.push({ webhookId: w.id, bookingUid: b.uid, startAfter: b.end, payload });
  }

  private unschedule(b: StoredBooking): void {
    this.scheduled = this.scheduled.filter((t) => t.bookingUid !== b.uid);
  }

  private delivery(w: StoredWebhook, triggerEvent: string, bookingUid: string | null, body: string, headers: Record<string, string>, viaTasker: boolean): Delivery {
    return { deliveryId: randomUUID(), webhookId: w.id, subscriberUrl: w.subscriberUrl, secret: w.secret, triggerEvent, bookingUid, body, headers, viaTasker, attempts: 0 };
  }

  private async enqueue(d: Delivery): Promise<void> {
    const i = this.faults.findIndex((f) => matches(f, d) && (f.triggerEvent === undefined || f.triggerEvent === d.triggerEvent));
    const fault = this.faults[i];
    if (fault) {
      d.fault = fault;
      if (--fault.remaining <= 0) this.faults.splice(i, 1);
    }
    if (d.fault?.drop) {
      this.record(d, { attempt: 1, outcome: "dropped", status: null, error: null, duplicate: false });
      return;
    }
    if (this.paused.some((p) => matches(p, d))) {
      this.heldQueue.push(d);
      return;
    }
    await this.dispatch(d);
  }

  private async dispatch(d: Delivery): Promise<void> {
    if (d.viaTasker) this.tasks.push(d);
    else await this.track(this.send(d));
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.inflight.add(p);
    return p.finally(() => this.inflight.delete(p));
  }

  /** One attempt (twice for a duplicate fault): "ok", "status" (a non-2xx answer) or "network". */
  private async send(d: Delivery): Promise<"ok" | "status" | "network"> {
    if (d.fault?.delayMs) await sleep(d.fault.delayMs);
    d.attempts++;
    const result = await this.post(d, false);
    if (d.fault?.duplicate) await this.post(d, true);
    return result;
  }

  private async post(d: Delivery, duplicate: boolean): Promise<"ok" | "status" | "network"> {
    const headers = { ...d.headers, "x-cal-signature-256": d.secret ? createHmac("sha256", d.secret).update(d.body).digest("hex") : "no-secret-provided" };
    const attempt = { attempt: d.attempts, duplicate, headers };
    try {
      const res = await fetch(d.subscriberUrl, { method: "POST", redirect: "manual", headers, body: d.body, signal: AbortSignal.timeout(this.options.timeoutMs ?? 5_000) });
      await res.arrayBuffer().catch(() => undefined);
      this.record(d, { ...attempt, outcome: res.ok ? "delivered" : "failed", status: res.status, error: null });
      return res.ok ? "ok" : "status";
    } catch (err) {
      const error = (err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message;
      this.record(d, { ...attempt, outcome: "failed", status: null, error });
      return "network";
    }
  }

  private record(d: Delivery, a: Pick<WebhookDeliveryAttempt, "attempt" | "outcome" | "status" | "error" | "duplicate"> & { headers?: Record<string, string> }): void {
    const { deliveryId, webhookId, subscriberUrl, triggerEvent, bookingUid, body } = d;
    const at = new Date(this.now()).toISOString();
    this.log.push({ deliveryId, webhookId, subscriberUrl, triggerEvent, bookingUid, attempt: a.attempt, at, outcome: a.outcome, status: a.status, error: a.error, duplicate: a.duplicate, body, headers: a.headers ?? d.headers });
  }
}
