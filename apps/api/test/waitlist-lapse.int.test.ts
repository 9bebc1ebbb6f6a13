import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { weekdayAhead } from "./support/days";
import { startTestApi, type TestApi } from "./support/test-api";
import { createActiveTool } from "./support/tools";
import { startReceiver, type WebhookReceiver } from "./support/webhook-receiver";

// A lapsed waitlist offer goes to the next caller when it lapses (issue 16, item 6, follow-up), against the sandbox over
// HTTP: the offer schedules a job due at its expiry, so the next caller does not wait for the account's reconciliation
// (kept as the safety net, and kept out of this test: its interval is a day, and the test checks it never ran).

const OFFER_MS = 2_000;
let api: TestApi;
let receiver: WebhookReceiver;
beforeAll(async () => {
  api = await startTestApi({ mirror: { reconcileIntervalMs: 86_400_000, waitlistOfferMs: OFFER_MS } });
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver?.close();
  await api?.close();
});

const MANAGE = "/api/v1/calcom/appointments/manage";
const TZ = "America/New_York";
type Offer = { entry_id: string; slot_start: string; offer_expires_at: string };

describe("waitlist offer lapse", () => {
  it("an offer nobody takes goes to the next waiting caller as soon as it lapses, once, without a reconciliation", async () => {
    const { auth, orgId } = await api.org();
    const host = api.calcomUser("UTC"); // working hours Monday to Friday, 09:00 to 17:00 UTC
    const eventType = api.sandbox.addEventType(host.id, { title: "Visit", slug: `visit-${host.id}`, lengthInMinutes: 30 }) as { id: number };
    const agent = (await api.request("POST", "/api/v1/agents/", { auth, body: { agentName: "Front desk", calcomEventTypeId: eventType.id } })).body.data;
    const connected = await api.request("POST", `/api/v1/calcom/agents/${agent.id}/connect`, { auth, body: { api_key: host.apiKey, api_base_url: api.sandboxUrl } });
    expect(connected.status, JSON.stringify(connected.body)).toBe(201);
    const accountId = connected.body.data.provider_id as string;
    await createActiveTool(api, auth, { name: "calendar", type: "calcom", agentId: agent.id, enabledFunctions: { values: ["availability", "book", "cancel", "waitlist"] } });
    expect((await api.request("POST", "/api/v1/webhooks", { auth, body: { url: receiver.url, events: ["waitlist.slot_opened"] } })).status).toBe(201);
    await api.mirrorSettled();

    const day = weekdayAhead();
    const [s1, s2] = [`${day}T10:00:00.000Z`, `${day}T10:30:00.000Z`];
    const bookOnPage = async (start: string) =>
      (await api.sandbox.webApp.book({ start, eventTypeId: eventType.id, attendee: { name: "Walk In", email: `walk-${start.slice(11, 13)}${start.slice(14, 16)}@example.com`, timeZone: TZ } })) as { uid: string };
    const page = await bookOnPage(s1);
    await bookOnPage(s2);
    await api.mirrorSettled();
    const join = async (name: string, phone: string) => {
      const res = await api.request("POST", MANAGE, { auth, body: { agent_id: agent.id, timezone: TZ, action: "waitlist", name, phone, window_start: s1, window_end: s2 } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.data.waitlist_entry_id as string;
    };
    const first = await join("First Caller", "+14155550131");
    const second = await join("Second Caller", "+14155550132");
    const reconciledAt = (await api.prisma.calcomAccount.findUniqueOrThrow({ where: { id: accountId } })).reconciledAt;
    const opened = async () =>
      (await api.prisma.appointmentEvent.findMany({ where: { organizationId: orgId, type: "waitlist.slot_opened" }, orderBy: { createdAt: "asc" } })).map(
        (e) => (e.payload as { waitlist: Offer }).waitlist,
      );
    const entry = async (id: string) => (await api.request("GET", `/api/v1/waitlist/${id}`, { auth })).body.data;

    // The cancellation frees s1: the first caller is offered it, for the configured window.
    await api.sandbox.webApp.cancel(page.uid, { by: "attendee" });
    await api.mirrorSettled();
    const [offer] = await opened();
    expect(offer).toMatchObject({ entry_id: first, slot_start: s1 });
    const lapsesAt = Date.parse(String(offer?.offer_expires_at));
    expect(lapsesAt - Date.now()).toBeLessThanOrEqual(OFFER_MS);
    expect((await receiver.waitFor(1)).map((d) => d.event.type)).toEqual(["waitlist.slot_opened"]);

    // Nobody answers: once it lapses the second caller is offered the same time, and their event arrives.
    const received = await receiver.waitFor(2, 15_000);
    expect(Date.now()).toBeGreaterThanOrEqual(lapsesAt);
    const offers = await opened();
    expect(offers.map((o) => [o.entry_id, o.slot_start])).toEqual([
      [first, s1],
      [second, s1],
    ]);
    expect((received[1]?.event.data as unknown as { waitlist: Offer }).waitlist).toEqual(offers[1]);
    expect((await entry(first)).status).toBe("expired");
    expect(await entry(second)).toMatchObject({ status: "offered", offered_start: s1 });

    // Exactly once: nothing more is offered, after the second offer lapses too (nobody is left to offer it to).
    await new Promise((r) => setTimeout(r, OFFER_MS + 1_500));
    await api.mirrorSettled();
    expect(await opened()).toHaveLength(2);
    expect(receiver.received.filter((d) => d.event.type === "waitlist.slot_opened")).toHaveLength(2);
    expect((await entry(second)).status).toBe("expired");
    // And no reconciliation of the account did it.
    expect((await api.prisma.calcomAccount.findUniqueOrThrow({ where: { id: accountId } })).reconciledAt).toEqual(reconciledAt);
  });
});
