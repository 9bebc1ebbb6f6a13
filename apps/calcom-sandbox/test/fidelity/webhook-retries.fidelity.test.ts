import { afterEach, describe, expect, it } from "vitest";
import { closeAll, receiver, unreachableUrl, world } from "./harness";

// How Cal.com delivers and retries booking webhooks. By default (TASKER_ENABLE_WEBHOOKS unset) handleWebhookTrigger
// sends each subscriber one POST and only logs a failure; with TASKER_ENABLE_WEBHOOKS=1 the POST becomes a
// `sendWebhook` task that the tasker cron runs, retrying a task whose POST threw (a network failure; an HTTP error
// answer resolves) on its next runs, up to 3 attempts.
afterEach(closeAll);

const START = "2049-09-06T07:00:00.000Z";

async function setup(options: Parameters<typeof world>[0] = {}, url?: string, status?: number) {
  const w = await world(options);
  const hook = await receiver({ status });
  const subscriberUrl = url ?? hook.url;
  await w.call("POST", "/v2/webhooks", { key: w.apiKey, body: { subscriberUrl, active: true, triggers: ["BOOKING_CREATED"] } });
  const attempts = async () => (await w.call("GET", "/_sandbox/webhook-deliveries")).body.data;
  return { ...w, hook, attempts };
}

describe("webhook delivery without the tasker (Cal.com's default)", () => {
  it("sends before the booking answer: the subscriber has it when the API call returns", async () => {
    // cal.com packages/features/bookings/lib/handleWebhookTrigger.ts@03670679c00d600615e8df2bc64545bd51c61646 (await Promise.all(subscribers.map(sendPayload)))
    const w = await setup();
    await w.book(START);
    expect(w.hook.received).toHaveLength(1);
  });

  it("gives a subscriber answering 500 one attempt and never retries", async () => {
    // cal.com handleWebhookTrigger.ts@03670679c00d600615e8df2bc64545bd51c61646 (a failure is logged) + packages/features/webhooks/lib/sendOrSchedulePayload.ts@0c43f1095cf662a5a58c315b5ac1a9e7f0543321 (sendPayload unless TASKER_ENABLE_WEBHOOKS=1) + sendPayload.ts@008952de0ac2d35c3056ac98034e1012033c0867 (returns { ok: false, status })
    const w = await setup({}, undefined, 500);
    await w.book(START);
    await w.call("POST", "/_sandbox/webhook-cron");
    await w.call("POST", "/_sandbox/webhook-cron");
    const attempts = await w.attempts();
    expect(w.hook.received).toHaveLength(1);
    expect(attempts).toEqual([expect.objectContaining({ triggerEvent: "BOOKING_CREATED", attempt: 1, outcome: "failed", status: 500 })]);
  });

  it("gives an unreachable subscriber one attempt too", async () => {
    // cal.com handleWebhookTrigger.ts@03670679c00d600615e8df2bc64545bd51c61646 (sendPayload(...).catch(log))
    const w = await setup({}, await unreachableUrl());
    await w.book(START);
    await w.call("POST", "/_sandbox/webhook-cron");
    const attempts = await w.attempts();
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ outcome: "failed", status: null, attempt: 1 });
    expect(attempts[0].error).toBeTruthy();
  });
});

describe("webhook delivery with the tasker (TASKER_ENABLE_WEBHOOKS=1)", () => {
  it("queues the POST for the tasker's next run instead of sending it with the booking", async () => {
    // cal.com sendOrSchedulePayload.ts@0c43f1095cf662a5a58c315b5ac1a9e7f0543321 (schedulePayload → tasker.create("sendWebhook")) + packages/features/tasker/README.md@42dd5c2574ee40947a9d1bcb7becc81392072aa1 (picked up on the next cron run)
    const w = await setup({ webhooks: { tasker: true } });
    await w.book(START);
    expect(w.hook.received).toHaveLength(0);
    await w.call("POST", "/_sandbox/webhook-cron");
    expect(w.hook.received).toHaveLength(1);
    expect((await w.attempts())[0]).toMatchObject({ outcome: "delivered", status: 200, attempt: 1 });
  });

  it("retries a network failure on each later run, three attempts in all", async () => {
    // cal.com packages/features/tasker/tasks/sendWebook.ts@81bd804704b0cd7476a4774f849bec2a3700b0ea (rethrows) + internal-tasker.ts@01b1bdba0535b29608a61bc1bf67efd5a179e8b7 (Task.retry) + repository.ts@0bf74c8191bc528438bf2bf580b76477404e7177 (attempts < maxAttempts, scheduledAt kept) + tasker/README.md@42dd5c2574ee40947a9d1bcb7becc81392072aa1 (3 attempts by default)
    const w = await setup({ webhooks: { tasker: true } }, await unreachableUrl());
    await w.book(START);
    for (let run = 0; run < 5; run++) await w.call("POST", "/_sandbox/webhook-cron");
    const attempts = await w.attempts();
    expect(attempts.map((a: { attempt: number; outcome: string }) => [a.attempt, a.outcome])).toEqual([
      [1, "failed"],
      [2, "failed"],
      [3, "failed"],
    ]);
    expect(new Set(attempts.map((a: { deliveryId: string }) => a.deliveryId)).size).toBe(1);
  });

  it("does not retry an HTTP error answer: sendPayload resolves, so the task succeeded", async () => {
    // cal.com sendPayload.ts@008952de0ac2d35c3056ac98034e1012033c0867 (returns { ok: response.ok, status }, no throw) + sendWebook.ts@81bd804704b0cd7476a4774f849bec2a3700b0ea
    const w = await setup({ webhooks: { tasker: true } }, undefined, 503);
    await w.book(START);
    for (let run = 0; run < 3; run++) await w.call("POST", "/_sandbox/webhook-cron");
    expect(await w.attempts()).toEqual([expect.objectContaining({ attempt: 1, outcome: "failed", status: 503 })]);
  });

  it("runs the cron on its own at the configured interval while listening", async () => {
    // cal.com packages/features/tasker/README.md@42dd5c2574ee40947a9d1bcb7becc81392072aa1 (the cron runs each minute; the interval is the sandbox's option)
    const w = await setup({ webhooks: { tasker: true, cronIntervalMs: 20 } });
    await w.book(START);
    const [d] = await w.hook.next();
    expect(d!.event.triggerEvent).toBe("BOOKING_CREATED");
  });
});
