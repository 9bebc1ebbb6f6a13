import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { weekdayAhead } from "./support/days";
import { startTestApi, type TestApi } from "./support/test-api";
import { createActiveTool } from "./support/tools";
import { startReceiver, type WebhookReceiver } from "./support/webhook-receiver";

// The waitlist sweep (issue 16, item 6, follow-up), against the sandbox over HTTP: times open without any booking of
// the event type changing — the host widens working hours in Cal.com, which sends no webhook for it — and a freed time
// whose first offer failed (Cal.com's slots unreachable) are offered at the account's next reconciliation, once each.

let api: TestApi;
const receivers: WebhookReceiver[] = [];
beforeAll(async () => {
  api = await startTestApi();
});
afterEach(() => api?.sandbox.faults.clear());
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await api?.close();
});

const MANAGE = "/api/v1/calcom/appointments/manage";
const TZ = "America/New_York";
type Offer = { entry_id: string; slot_start: string; slot_end: string; message: string };

async function setup() {
  const { auth, orgId } = await api.org();
  const host = api.calcomUser("UTC"); // working hours Monday to Friday, 09:00 to 17:00 UTC
  const eventType = api.sandbox.addEventType(host.id, { title: "Visit", slug: `visit-${host.id}`, lengthInMinutes: 30 }) as { id: number };
  const agent = (await api.request("POST", "/api/v1/agents/", { auth, body: { agentName: "Front desk", calcomEventTypeId: eventType.id } })).body.data;
  const connected = await api.request("POST", `/api/v1/calcom/agents/${agent.id}/connect`, { auth, body: { api_key: host.apiKey, api_base_url: api.sandboxUrl } });
  expect(connected.status, JSON.stringify(connected.body)).toBe(201);
  const accountId = connected.body.data.provider_id as string;
  await createActiveTool(api, auth, { name: "calendar", type: "calcom", agentId: agent.id, enabledFunctions: { values: ["availability", "book", "cancel", "waitlist"] } });
  const receiver = await startReceiver();
  receivers.push(receiver);
  expect((await api.request("POST", "/api/v1/webhooks", { auth, body: { url: receiver.url, events: ["waitlist.slot_opened"] } })).status).toBe(201);
  await api.mirrorSettled();
  const manage = (body: Record<string, unknown>) => api.request("POST", MANAGE, { auth, body: { agent_id: agent.id, timezone: TZ, ...body } });
  const join = async (name: string, phone: string, window: { start: string; end: string }) => {
    const res = await manage({ action: "waitlist", name, phone, window_start: window.start, window_end: window.end });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.action_required).toBe("waitlisted");
    return res.body.data.waitlist_entry_id as string;
  };
  const opened = async () =>
    (await api.prisma.appointmentEvent.findMany({ where: { organizationId: orgId, type: "waitlist.slot_opened" }, orderBy: { createdAt: "asc" } })).map((e) => ({
      appointmentId: e.appointmentId,
      ...(e.payload as { waitlist: Offer }).waitlist,
    }));
  const sync = async () => {
    const res = await api.request("POST", `/api/v1/calcom/accounts/${accountId}/sync`, { auth });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  };
  const entry = async (id: string) => (await api.request("GET", `/api/v1/waitlist/${id}`, { auth })).body.data;
  const user = api.sandbox.store.users.get(host.id);
  const schedule = api.sandbox.store.schedules.get(user?.defaultScheduleId ?? -1);
  if (!schedule) throw new Error("the host's default schedule expected");
  /** The host changes their working hours in Cal.com's web app (no webhook for that). */
  const workUntil = (endTime: string) => {
    schedule.availability = schedule.availability.map((a) => ({ ...a, endTime }));
  };
  return { auth, host, eventType, manage, join, opened, sync, entry, workUntil, receiver };
}

describe("waitlist sweep", () => {
  it("a waiting caller whose window had no open time is offered one exactly once when the host's working hours widen over it, and not when they widen short of it", async () => {
    const c = await setup();
    const day = weekdayAhead();
    // 18:00 to 19:00 UTC: after working hours, so nothing is open in it.
    const window = { start: `${day}T18:00:00.000Z`, end: `${day}T19:00:00.000Z` };
    const first = await c.join("First Caller", "+14155550121", window);
    const second = await c.join("Second Caller", "+14155550122", window);

    // Working hours until 18:00: 17:00 and 17:30 open, none inside the window.
    c.workUntil("18:00");
    await c.sync();
    expect(await c.opened()).toEqual([]);
    expect((await c.entry(first)).status).toBe("waiting");

    // Until 20:00: 18:00, 18:30 and 19:00 open in the window — the oldest caller gets the first, the next the second.
    c.workUntil("20:00");
    await c.sync();
    const offers = await c.opened();
    expect(offers.map((o) => [o.entry_id, o.slot_start, o.slot_end])).toEqual([
      [first, `${day}T18:00:00.000Z`, `${day}T18:30:00.000Z`],
      [second, `${day}T18:30:00.000Z`, `${day}T19:00:00.000Z`],
    ]);
    // No booking freed these: the events name no appointment.
    expect(offers.map((o) => o.appointmentId)).toEqual([null, null]);
    expect(offers[0]?.message).toMatch(/^Hi First Caller, a time has opened up: .+ at \d{1,2}:\d{2} [AP]M\. Would you like it\?/);
    expect(await c.entry(first)).toMatchObject({ status: "offered", offered_start: `${day}T18:00:00.000Z` });
    expect(await c.entry(second)).toMatchObject({ status: "offered", offered_start: `${day}T18:30:00.000Z` });
    const received = await c.receiver.waitFor(2);
    expect(received.map((d) => d.event.type)).toEqual(["waitlist.slot_opened", "waitlist.slot_opened"]);

    // Later runs offer nothing more (the entries hold their offers; 19:00 is nobody's).
    await c.sync();
    await c.sync();
    expect(await c.opened()).toHaveLength(2);

    // The offered time is really open: the caller books it.
    const booked = await c.manage({ action: "book", name: "First Caller", email: "first@example.com", phone: "+14155550121", appointment_datetime: `${day}T18:00:00.000Z` });
    expect(booked.status, JSON.stringify(booked.body)).toBe(200);
    expect((await c.entry(first)).status).toBe("booked");
  });

  it("a freed time whose first offer failed (Cal.com's slots unreachable) is offered at the account's next reconciliation, once", async () => {
    const c = await setup();
    const day = weekdayAhead();
    const [s1, s2] = [`${day}T10:00:00.000Z`, `${day}T10:30:00.000Z`];
    const bookOnPage = async (start: string) => {
      const booking = (await api.sandbox.webApp.book({ start, eventTypeId: c.eventType.id, attendee: { name: "Walk In", email: `${start.slice(11, 13)}${start.slice(14, 16)}@example.com`, timeZone: TZ } })) as { uid: string };
      await api.mirrorSettled();
      return booking;
    };
    const page = await bookOnPage(s1);
    await bookOnPage(s2);
    const id = await c.join("Ada Lovelace", "+14155550123", { start: s1, end: s2 });

    // Cal.com's slots fail while the cancellation is heard: the offer cannot be checked, so none goes out.
    api.sandbox.faults.inject({ apiKey: c.host.apiKey, method: "GET", path: /^\/v2\/slots/, status: 503, times: 1000 });
    await api.sandbox.webApp.cancel(page.uid, { by: "attendee" });
    await api.mirrorSettled();
    expect(await c.opened()).toEqual([]);
    expect((await c.entry(id)).status).toBe("waiting");

    // Still unreachable at a reconciliation: nothing, and the run itself is not failed by it.
    await c.sync();
    expect(await c.opened()).toEqual([]);

    api.sandbox.faults.clear(c.host.apiKey);
    await c.sync();
    const offers = await c.opened();
    expect(offers.map((o) => [o.entry_id, o.slot_start])).toEqual([[id, s1]]);
    expect((await c.entry(id)).status).toBe("offered");
    await c.sync();
    expect(await c.opened()).toHaveLength(1);
  });
});
