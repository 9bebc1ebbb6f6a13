import { createHmac } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { closeAll, receiver, subscribedWorld } from "./fidelity/harness";

// The sandbox's own test controls for webhook deliveries (not Cal.com behaviour): faults per webhook, a pause that
// builds a backlog, releases in any order, and the record of every attempt — in process and over HTTP.
afterEach(closeAll);

const START = "2049-09-06T07:00:00.000Z";
const day7 = "2049-09-07T07:00:00.000Z";
type World = Awaited<ReturnType<typeof subscribedWorld>>;
const uidsReceived = (w: World) => w.hook.received.map((r) => JSON.parse(r.body)).map((e) => `${e.triggerEvent} ${e.payload.uid}`);

async function twoHooks() {
  const w = await subscribedWorld(["BOOKING_CREATED", "BOOKING_CANCELLED"], { secret: "s1" });
  const other = await receiver();
  const second = await w.call("POST", "/v2/webhooks", { key: w.apiKey, body: { subscriberUrl: other.url, active: true, triggers: ["BOOKING_CREATED", "BOOKING_CANCELLED"] } });
  return { ...w, other, otherId: second.body.data.id as number };
}

describe("delivery faults per webhook", () => {
  it("drops a delivery for one webhook only (recorded as dropped, never sent), then delivers again", async () => {
    const w = await twoHooks();
    w.sandbox.webhookFaults.inject({ webhookId: w.webhookId, drop: true });
    await w.book(START);
    await w.sandbox.webhooksSettled();
    expect(w.hook.received).toHaveLength(0);
    expect(w.other.received).toHaveLength(1);
    expect(w.sandbox.webhookDeliveries({ webhookId: w.webhookId })).toEqual([expect.objectContaining({ outcome: "dropped", status: null, attempt: 1, triggerEvent: "BOOKING_CREATED" })]);
    await w.book(day7);
    await w.sandbox.webhooksSettled();
    expect(w.hook.received).toHaveLength(1);
  });

  it("sends a duplicate: the same body and signature twice", async () => {
    const w = await twoHooks();
    w.sandbox.webhookFaults.inject({ subscriberUrl: w.hook.url, duplicate: true });
    await w.book(START);
    await w.sandbox.webhooksSettled();
    expect(w.hook.received).toHaveLength(2);
    expect(w.hook.received[0]!.body).toBe(w.hook.received[1]!.body);
    expect(w.hook.received[1]!.headers["x-cal-signature-256"]).toBe(createHmac("sha256", "s1").update(w.hook.received[1]!.body).digest("hex"));
    expect(w.sandbox.webhookDeliveries({ webhookId: w.webhookId }).map((a) => a.duplicate)).toEqual([false, true]);
    expect(w.other.received).toHaveLength(1);
  });

  it("delays a delivery, and the booking answer waits for it as Cal.com's does", async () => {
    const w = await twoHooks();
    w.sandbox.webhookFaults.inject({ webhookId: w.webhookId, delayMs: 50 });
    const before = Date.now();
    await w.book(START);
    expect(Date.now() - before).toBeGreaterThanOrEqual(45);
    expect(w.hook.received).toHaveLength(1);
  });

  it("matches only the trigger named, and `times` deliveries", async () => {
    const w = await twoHooks();
    w.sandbox.webhookFaults.inject({ webhookId: w.webhookId, triggerEvent: "BOOKING_CANCELLED", drop: true, times: 2 });
    const a = (await w.book(START)).body.data;
    const b = (await w.book(day7)).body.data;
    const c = (await w.book("2049-09-08T07:00:00.000Z")).body.data;
    for (const uid of [a.uid, b.uid, c.uid]) await w.call("POST", `/v2/bookings/${uid}/cancel`, { body: {} });
    await w.sandbox.webhooksSettled();
    expect(uidsReceived(w)).toEqual([`BOOKING_CREATED ${a.uid}`, `BOOKING_CREATED ${b.uid}`, `BOOKING_CREATED ${c.uid}`, `BOOKING_CANCELLED ${c.uid}`]);
  });

  it("clears faults for one webhook or all", async () => {
    const w = await twoHooks();
    w.sandbox.webhookFaults.inject({ webhookId: w.webhookId, drop: true, times: 10 });
    w.sandbox.webhookFaults.inject({ webhookId: w.otherId, drop: true, times: 10 });
    w.sandbox.webhookFaults.clear({ webhookId: w.webhookId });
    await w.book(START);
    await w.sandbox.webhooksSettled();
    expect([w.hook.received.length, w.other.received.length]).toEqual([1, 0]);
    w.sandbox.webhookFaults.clear();
    await w.book(day7);
    await w.sandbox.webhooksSettled();
    expect(w.other.received).toHaveLength(1);
  });
});

describe("pause, backlog and reorder", () => {
  it("holds deliveries while paused without holding the booking answer, then resumes in order", async () => {
    const w = await twoHooks();
    w.sandbox.webhookFaults.pause({ webhookId: w.webhookId });
    const a = (await w.book(START)).body.data;
    await w.call("POST", `/v2/bookings/${a.uid}/cancel`, { body: {} });
    await w.sandbox.webhooksSettled();
    expect(w.hook.received).toHaveLength(0);
    expect(w.other.received).toHaveLength(2);
    expect(w.sandbox.webhookFaults.held().map((h) => h.triggerEvent)).toEqual(["BOOKING_CREATED", "BOOKING_CANCELLED"]);
    await w.sandbox.webhookFaults.resume({ webhookId: w.webhookId });
    expect(uidsReceived(w)).toEqual([`BOOKING_CREATED ${a.uid}`, `BOOKING_CANCELLED ${a.uid}`]);
    expect(w.sandbox.webhookFaults.held()).toEqual([]);
    await w.book(day7);
    expect(w.hook.received).toHaveLength(3); // no longer paused
  });

  it("releases a backlog in reverse (a cancel before its create) or in an order given by delivery id", async () => {
    const w = await subscribedWorld(["BOOKING_CREATED", "BOOKING_CANCELLED"]);
    w.sandbox.webhookFaults.pause();
    const a = (await w.book(START)).body.data;
    await w.call("POST", `/v2/bookings/${a.uid}/cancel`, { body: {} });
    const b = (await w.book(day7)).body.data;
    const held = w.sandbox.webhookFaults.held();
    expect(held).toHaveLength(3);
    await w.sandbox.webhookFaults.release({ ids: [held[1]!.deliveryId, held[0]!.deliveryId] });
    expect(uidsReceived(w)).toEqual([`BOOKING_CANCELLED ${a.uid}`, `BOOKING_CREATED ${a.uid}`]);
    expect(w.sandbox.webhookFaults.held().map((h) => h.deliveryId)).toEqual([held[2]!.deliveryId]); // still paused
    const c = (await w.book("2049-09-08T07:00:00.000Z")).body.data;
    await w.sandbox.webhookFaults.release({ order: "reverse" });
    expect(uidsReceived(w).slice(2)).toEqual([`BOOKING_CREATED ${c.uid}`, `BOOKING_CREATED ${b.uid}`]);
  });

  it("refuses to release a delivery id that is not held", async () => {
    const w = await subscribedWorld(["BOOKING_CREATED"]);
    await expect(w.sandbox.webhookFaults.release({ ids: ["nope"] })).rejects.toThrow(/not held/);
  });
});

describe("the record of attempts and the controls over HTTP", () => {
  it("lists attempts with filters, drives faults, pause and release, and is emptied by reset", async () => {
    const w = await twoHooks();
    const admin = (method: string, path: string, body?: unknown) => w.call(method, `/_sandbox/${path}`, { body });
    expect((await admin("POST", "webhook-faults", { webhookId: w.otherId, drop: true })).status).toBe(201);
    expect((await admin("POST", "webhook-faults/pause", { subscriberUrl: w.hook.url })).status).toBe(200);
    const a = (await w.book(START)).body.data;
    const held = (await w.call("GET", "/_sandbox/webhook-faults/held")).body.data;
    expect(held).toEqual([expect.objectContaining({ webhookId: w.webhookId, triggerEvent: "BOOKING_CREATED", bookingUid: a.uid })]);
    expect((await admin("POST", "webhook-faults/resume", { subscriberUrl: w.hook.url })).body.data.released).toEqual([held[0].deliveryId]);
    const all = (await w.call("GET", "/_sandbox/webhook-deliveries")).body.data;
    expect(all.map((d: { webhookId: number; outcome: string }) => [d.webhookId, d.outcome])).toEqual([
      [w.otherId, "dropped"],
      [w.webhookId, "delivered"],
    ]);
    const one = (await w.call("GET", "/_sandbox/webhook-deliveries", { query: { webhookId: w.webhookId, triggerEvent: "BOOKING_CREATED", bookingUid: a.uid } })).body.data;
    expect(one).toEqual([
      expect.objectContaining({ subscriberUrl: w.hook.url, attempt: 1, outcome: "delivered", status: 200, at: "2049-09-05T12:00:00.000Z", duplicate: false, body: w.hook.received[0]!.body }),
    ]);
    expect((await admin("DELETE", "webhook-faults")).status).toBe(200);
    await admin("POST", "reset");
    expect((await w.call("GET", "/_sandbox/webhook-deliveries")).body.data).toEqual([]);
  });

  it("plays the web app over HTTP and answers a bad control request with a clear 400", async () => {
    const w = await subscribedWorld(["BOOKING_CREATED"]);
    const res = await w.call("POST", "/_sandbox/web-app/bookings", { body: { start: START, eventTypeId: w.eventType.id, attendee: w.attendee } });
    expect(res.status).toBe(201);
    const bad = await w.call("POST", `/_sandbox/web-app/bookings/${res.body.data.uid}/cancel`, { body: { by: "someone" } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toBe('by must be "host" or "attendee"');
    const unknown = await w.call("POST", "/_sandbox/web-app/bookings/nope/confirm");
    expect(unknown.status).toBe(404);
    expect((await w.call("POST", "/_sandbox/webhook-faults", { body: { drop: "yes" } })).status).toBe(400);
  });
});

describe("Agni's own bookings through the API", () => {
  it("keep firing the account's webhooks: created, rescheduled, cancelled", async () => {
    const w = await subscribedWorld(["BOOKING_CREATED", "BOOKING_RESCHEDULED", "BOOKING_CANCELLED"]);
    const a = (await w.book(START)).body.data;
    const moved = (await w.call("POST", `/v2/bookings/${a.uid}/reschedule`, { key: w.apiKey, body: { start: day7 } })).body.data;
    await w.call("POST", `/v2/bookings/${moved.uid}/cancel`, { key: w.apiKey, body: { cancellationReason: "done" } });
    expect(w.hook.received.map((r) => JSON.parse(r.body).triggerEvent)).toEqual(["BOOKING_CREATED", "BOOKING_RESCHEDULED", "BOOKING_CANCELLED"]);
  });
});
