import { verifyAgniSignature } from "@agni/contracts";
import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RetryLater } from "../src/jobs/engine";
import { SecretBox } from "../src/lib/crypto";
import { AppointmentsRepository } from "../src/modules/appointments/appointments.repository";
import { DEFAULT_DELIVERY_SETTINGS, WebhookDispatcher } from "../src/modules/webhooks/dispatcher";
import { WebhooksRepository } from "../src/modules/webhooks/webhooks.repository";
import { startTestApi, type TestApi } from "./support/test-api";
import { TEST_DATABASE_KIND } from "./support/test-database";
import { createActiveTool } from "./support/tools";
import { startReceiver, type WebhookReceiver } from "./support/webhook-receiver";

// Events out over real HTTP: subscriptions through the API, our own book/reschedule/cancel against the Cal.com
// sandbox, deliveries to local receivers that check every signature with the helper @agni/client exports
// (verifyAgniSignature, from @agni/contracts). Retries use short backoff (100–400 ms) and a 2 s retry window here.

let api: TestApi;
const receivers: WebhookReceiver[] = [];
beforeAll(async () => {
  api = await startTestApi({ background: { webhooks: { retryBaseMs: 100, retryMaxDelayMs: 400, retryWindowMs: 2_000 } } });
});
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await api?.close();
});

const MANAGE = "/api/v1/calcom/appointments/manage";
const ALL_EVENTS = ["appointment.booked", "appointment.rescheduled", "appointment.cancelled", "appointment.requested"];

async function receiver() {
  const r = await startReceiver();
  receivers.push(r);
  return r;
}

/** An organisation with a calendar agent on its own sandbox user, and a way to run its appointment actions. */
async function calendar() {
  const { auth, orgId } = await api.org();
  const host = api.calcomUser("UTC");
  const eventType = api.sandbox.addEventType(host.id, { title: "Call", slug: `call-${host.id}`, lengthInMinutes: 30 }) as { id: number };
  const agent = (await api.request("POST", "/api/v1/agents/", { auth, body: { agentName: "Desk", calcomEventTypeId: eventType.id } })).body.data;
  expect((await api.request("POST", `/api/v1/calcom/agents/${agent.id}/connect`, { auth, body: { api_key: host.apiKey, api_base_url: api.sandboxUrl } })).status).toBe(201);
  await createActiveTool(api, auth, { name: "calendar", type: "calcom", agentId: agent.id, enabledFunctions: { values: ["suggest", "book", "reschedule", "cancel"] } });
  const manage = async (body: Record<string, unknown>) => {
    const res = await api.request("POST", MANAGE, { auth, body: { agent_id: agent.id, timezone: "UTC", ...body } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.data;
  };
  const slots: string[] = (await manage({ action: "suggest" })).slot_times;
  const book = async (slot = slots[0]) => (await manage({ action: "book", name: "Ada", email: "ada@example.com", appointment_datetime: slot })).appointment_id as string;
  return { auth, orgId, agent, manage, slots, book };
}

async function subscribe(auth: Record<string, string>, url: string, events = ALL_EVENTS) {
  const res = await api.request("POST", "/api/v1/webhooks", { auth, body: { url, events, description: "test" } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data as { id: string; secret: string };
}

const deliveries = async (auth: Record<string, string>, id: string, query = "") => {
  const res = await api.request("GET", `/api/v1/webhooks/${id}/deliveries${query}`, { auth });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data as { id: string; event_id: string; event_type: string; status: string; attempt_count: number; attempts: { status_code: number | null; error: string | null; at: string }[] }[];
};

/** Waits until every delivery of the subscription has finished (none pending). */
async function settled(auth: Record<string, string>, id: string, count: number, ms = 20_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const list = await deliveries(auth, id);
    if (list.length >= count && list.every((d) => d.status !== "pending")) return list;
    if (Date.now() > deadline) throw new Error(`deliveries did not settle: ${JSON.stringify(list.map((d) => [d.event_type, d.status]))}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe(`events out (${TEST_DATABASE_KIND})`, () => {
  it("our own book, reschedule and cancel reach every subscription that wants them exactly once, signed with its own secret", async () => {
    const { auth, manage, slots, book } = await calendar();
    const [all, cancels, other] = [await receiver(), await receiver(), await receiver()];
    const allSub = await subscribe(auth, all.url);
    const cancelSub = await subscribe(auth, cancels.url, ["appointment.cancelled"]);
    const otherOrg = await api.org();
    await subscribe(otherOrg.auth, other.url);

    const id = await book(slots[0]);
    await manage({ action: "reschedule", appointment_id: id, appointment_datetime: slots[1] });
    await manage({ action: "cancel", appointment_id: id });
    await manage({ action: "cancel", appointment_id: id }); // already cancelled: no second event

    await settled(auth, allSub.id, 3);
    await settled(auth, cancelSub.id, 1);
    expect(all.received.map((r) => r.event.type).sort()).toEqual(["appointment.booked", "appointment.cancelled", "appointment.rescheduled"]);
    expect(cancels.received.map((r) => r.event.type)).toEqual(["appointment.cancelled"]);
    expect(other.received).toEqual([]);
    expect(new Set(all.received.map((r) => r.event.id)).size).toBe(3);
    // The cancel is one event, sent to both subscriptions under its one id.
    expect(cancels.received[0]!.event.id).toBe(all.received.find((r) => r.event.type === "appointment.cancelled")!.event.id);

    for (const [r, secret, wrong] of [
      [all, allSub.secret, cancelSub.secret],
      [cancels, cancelSub.secret, allSub.secret],
    ] as const) {
      for (const d of r.received) {
        expect(await verifyAgniSignature(d.body, d.headers["agni-signature"] as string, secret)).toBe(true);
        expect(await verifyAgniSignature(d.body, d.headers["agni-signature"] as string, wrong)).toBe(false);
        expect(await verifyAgniSignature(d.body.replace("Ada", "Eve"), d.headers["agni-signature"] as string, secret)).toBe(false);
        expect(d.headers).toMatchObject({ "agni-event-id": d.event.id, "agni-event-type": d.event.type, "content-type": "application/json" });
        expect(d.event).toMatchObject({ api_version: expect.any(String), organization_id: expect.any(String), data: { appointment: { id } } });
      }
    }
    const moved = all.received.find((r) => r.event.type === "appointment.rescheduled")!.event;
    expect(moved.data.previous?.start_time).toBe(new Date(slots[0]!).toISOString());
    expect(moved.data.appointment.start_time).toBe(new Date(slots[1]!).toISOString());
    const listed = await deliveries(auth, allSub.id);
    expect(listed.map((d) => d.status)).toEqual(["succeeded", "succeeded", "succeeded"]);
    expect(new Set(all.received.map((r) => r.headers["agni-delivery-id"]))).toEqual(new Set(listed.map((d) => d.id)));
  });

  it("a booking awaiting the host's confirmation is appointment.requested; a change recorded twice is one event", async () => {
    const { auth, orgId, agent } = await calendar();
    const r = await receiver();
    const sub = await subscribe(auth, r.url);
    const repo = new AppointmentsRepository(api.prisma, undefined, api.background.deliveries);
    const start = new Date(Date.now() + 86_400_000);
    const row = await repo.create({
      organizationId: orgId,
      agentId: agent.id,
      calcomEventTypeId: 1,
      calcomBookingUid: `pending-${agent.id}`,
      attendeeName: "Ada",
      attendeeTimezone: "UTC",
      startTime: start,
      endTime: new Date(start.getTime() + 1_800_000),
      durationMinutes: 30,
      status: "pending",
    });
    await r.waitFor(1);
    expect(r.received[0]!.event).toMatchObject({ type: "appointment.requested", data: { appointment: { status: "pending" } } });
    // The same reschedule and the same cancel recorded twice (two processes catching up with Cal.com, say): one event each.
    const moved = { uid: `moved-${agent.id}`, start: new Date(start.getTime() + 3_600_000), end: new Date(start.getTime() + 5_400_000), durationMinutes: 30 };
    await repo.rescheduled(row.id, moved);
    await repo.rescheduled(row.id, moved);
    await repo.cancelled(row.id, "first");
    expect((await repo.cancelled(row.id, "second")).cancellationReason).toBe("first");
    const events = await api.prisma.appointmentEvent.findMany({ where: { appointmentId: row.id }, orderBy: { createdAt: "asc" } });
    expect(events.map((e) => e.type)).toEqual(["appointment.requested", "appointment.rescheduled", "appointment.cancelled"]);
    expect(await settled(auth, sub.id, 3)).toHaveLength(3);
  });

  it("retries a failing endpoint with growing waits until it answers 2xx, with every attempt listed and the same event id", async () => {
    const { auth, book } = await calendar();
    const r = await receiver();
    let calls = 0;
    r.answer = () => (++calls <= 2 ? 503 : 200);
    const sub = await subscribe(auth, r.url);
    await book();
    const [delivery] = await settled(auth, sub.id, 1);
    expect(delivery).toMatchObject({ status: "succeeded", attempt_count: 3 });
    expect(delivery!.attempts.map((a) => a.status_code)).toEqual([503, 503, 200]);
    expect(delivery!.attempts.map((a) => a.error)).toEqual(["The endpoint answered 503", "The endpoint answered 503", null]);
    const at = delivery!.attempts.map((a) => Date.parse(a.at));
    // Backoff with jitter: at least half of 100 ms, then of 200 ms (load can only make the gaps longer).
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(50);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(100);
    expect(new Set(r.received.map((d) => d.event.id)).size).toBe(1);
  });

  it("gives up after the retry window (failed), and redeliver sends the same event again at once", async () => {
    const { auth, book } = await calendar();
    const r = await receiver();
    r.answer = () => 500;
    const sub = await subscribe(auth, r.url);
    await book();
    const [failed] = await settled(auth, sub.id, 1);
    expect(failed!.status).toBe("failed");
    expect(failed!.attempt_count).toBeGreaterThanOrEqual(3);
    expect(failed!.attempts.every((a) => a.status_code === 500)).toBe(true);
    expect((await deliveries(auth, sub.id, "?status=failed")).map((d) => d.id)).toEqual([failed!.id]);
    expect(await deliveries(auth, sub.id, "?status=succeeded")).toEqual([]);

    r.answer = () => 204;
    const again = await api.request("POST", `/api/v1/webhooks/${sub.id}/deliveries/${failed!.id}/redeliver`, { auth });
    expect(again.status, JSON.stringify(again.body)).toBe(202);
    expect(again.body.data).toMatchObject({ id: failed!.id, status: "pending" });
    const [done] = await settled(auth, sub.id, 1);
    expect(done).toMatchObject({ id: failed!.id, status: "succeeded", attempt_count: failed!.attempt_count + 1 });
    expect(done!.attempts.at(-1)!.status_code).toBe(204);
    expect(new Set(r.received.map((d) => d.event.id)).size).toBe(1);

    // A delivered one can be sent again too.
    expect((await api.request("POST", `/api/v1/webhooks/${sub.id}/deliveries/${failed!.id}/redeliver`, { auth })).status).toBe(202);
    await r.waitFor(failed!.attempt_count + 2);
    expect((await settled(auth, sub.id, 1))[0]!.attempt_count).toBe(failed!.attempt_count + 2);
  });

  it("deleting a subscription stops its deliveries, pending retries included", async () => {
    const { auth, book, slots } = await calendar();
    const r = await receiver();
    r.answer = () => 503;
    const sub = await subscribe(auth, r.url);
    await book(slots[0]);
    await r.waitFor(1);
    const deleted = await api.request("DELETE", `/api/v1/webhooks/${sub.id}`, { auth });
    expect(deleted.status).toBe(200);
    const sentBefore = r.received.length;
    await book(slots[1]);
    // Several retry delays (at most 400 ms each) pass: at most the one try already in flight may still arrive.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(r.received.length).toBeLessThanOrEqual(sentBefore + 1);
    expect(r.received.every((d) => d.event.type === "appointment.booked" && d.event.id === r.received[0]!.event.id)).toBe(true);
    expect(await api.prisma.webhookDelivery.count({ where: { subscriptionId: sub.id } })).toBe(1);
    expect((await api.request("GET", `/api/v1/webhooks/${sub.id}`, { auth })).status).toBe(404);
    expect((await api.request("DELETE", `/api/v1/webhooks/${sub.id}`, { auth })).status).toBe(404);
    expect((await api.request("GET", "/api/v1/webhooks", { auth })).body.data).toEqual([]);
  });

  it("shows the secret once, never in a list or a get, and refuses bad subscriptions with a sentence", async () => {
    const { auth } = await api.org();
    const r = await receiver();
    const created = await subscribe(auth, r.url, ["appointment.booked", "appointment.booked", "appointment.cancelled"]);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const got = await api.request("GET", `/api/v1/webhooks/${created.id}`, { auth });
    expect(got.body.data).toEqual({ id: created.id, url: r.url, events: ["appointment.booked", "appointment.cancelled"], description: "test", created_at: expect.any(String) });
    const listed = await api.request("GET", "/api/v1/webhooks?limit=10", { auth });
    expect(listed.body).toMatchObject({ data: [got.body.data], meta: { total: "1", limit: 10, offset: 0 } });
    expect(JSON.stringify([got.body, listed.body])).not.toContain(created.secret);

    for (const [body, field] of [
      [{ url: r.url, events: [] }, "events"],
      [{ url: r.url, events: ["appointment.moved"] }, "events"],
      [{ url: "ftp://example.com/x", events: ["appointment.booked"] }, "url"],
      [{ url: "https://user:pw@example.com/x", events: ["appointment.booked"] }, "url"],
      [{ url: "not a url", events: ["appointment.booked"] }, "url"],
      [{ url: r.url, events: ["appointment.booked"], secret: "mine" }, ""],
    ] as const) {
      const res = await api.request("POST", "/api/v1/webhooks", { auth, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body).toMatchObject({ success: false, code: "INVALID_REQUEST", message: expect.stringContaining(field) });
    }
    for (let i = 1; i < 20; i++) await subscribe(auth, `${r.url}?n=${i}`);
    const over = await api.request("POST", "/api/v1/webhooks", { auth, body: { url: r.url, events: ["appointment.booked"] } });
    expect(over).toMatchObject({ status: 400, body: { code: "INVALID_REQUEST", message: expect.stringContaining("at most 20") } });
    const unknown = "0192f5d6-0a10-7c3b-9d2a-5b6c7d8e9f99";
    expect((await api.request("GET", `/api/v1/webhooks/${unknown}/deliveries`, { auth })).status).toBe(404);
    expect((await api.request("POST", `/api/v1/webhooks/${created.id}/deliveries/${unknown}/redeliver`, { auth })).status).toBe(404);
    expect((await api.request("GET", "/api/v1/webhooks/not-a-uuid", { auth })).status).toBe(400);
  });

  it("in production mode sends nothing to a private address, literal or resolved; a silent endpoint times out; an unreadable secret sends nothing", async () => {
    // The dispatcher alone, on rows written directly (no job is queued for them), with its own encryption key.
    const r = await receiver();
    let hold: (status: number) => void = () => undefined;
    r.answer = () => new Promise<number>((resolve) => (hold = resolve));
    const box = new SecretBox(randomBytes(32));
    const organizationId = `org_direct_${randomUUID()}`;
    await api.prisma.organization.create({ data: { id: organizationId } });
    const event = await api.prisma.appointmentEvent.create({ data: { organizationId, type: "appointment.booked", appointmentId: randomUUID(), payload: {} } });
    const delivery = async (url: string) => {
      const sub = await api.prisma.webhookSubscription.create({ data: { organizationId, url, events: ["appointment.booked"], secretEncrypted: box.encrypt("whsec_direct", organizationId) } });
      return (await api.prisma.webhookDelivery.create({ data: { subscriptionId: sub.id, eventId: event.id } })).id;
    };
    const port = new URL(r.url).port;
    const repo = new WebhooksRepository(api.prisma);
    const production = new WebhookDispatcher(repo, box, { ...DEFAULT_DELIVERY_SETTINGS, allowPrivate: false }, console);
    const development = new WebhookDispatcher(repo, box, { ...DEFAULT_DELIVERY_SETTINGS, allowPrivate: true, timeoutMs: 200 }, console);
    const lastError = async (id: string) => (await api.prisma.webhookDelivery.findUniqueOrThrow({ where: { id } })).lastError;
    try {
      const literal = await delivery(`https://127.0.0.1:${port}/agni/events`);
      await expect(production.deliver(literal)).rejects.toBeInstanceOf(RetryLater);
      expect(await lastError(literal)).toBe("127.0.0.1 is a private or loopback address, where events are not sent");
      const resolved = await delivery(`https://localhost:${port}/agni/events`);
      await expect(production.deliver(resolved)).rejects.toBeInstanceOf(RetryLater);
      expect(await lastError(resolved)).toBe("localhost resolves to a private or loopback address, where events are not sent");
      const plain = await delivery(`http://crm.example.com:${port}/agni/events`);
      await expect(production.deliver(plain)).rejects.toBeInstanceOf(RetryLater);
      expect(await lastError(plain)).toBe("The URL does not use https");
      const unreadable = await delivery(r.url);
      const otherKey = new WebhookDispatcher(repo, new SecretBox(randomBytes(32)), { ...DEFAULT_DELIVERY_SETTINGS, allowPrivate: true }, console);
      await expect(otherKey.deliver(unreadable)).rejects.toBeInstanceOf(RetryLater);
      expect(await lastError(unreadable)).toBe("The subscription's secret cannot be decrypted with the configured encryption keys");
      expect(r.received).toEqual([]);

      const silent = await delivery(r.url);
      await expect(development.deliver(silent)).rejects.toBeInstanceOf(RetryLater);
      expect(await lastError(silent)).toBe("No answer within 0.2 s");
      expect(r.received).toHaveLength(1);
    } finally {
      hold(200);
      // Sealed under a key the API does not have: gone before its secrets scan.
      await api.prisma.organization.delete({ where: { id: organizationId } });
    }
  });
});
