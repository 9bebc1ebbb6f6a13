import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { createCalcomClient } from "@agni/calcom";
import { EXPORT_FORMATS } from "@agni/contracts";
import { WaitlistOffers } from "../src/modules/waitlist/waitlist-offers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "./support/test-api";
import { createActiveTool } from "./support/tools";
import { startReceiver, type WebhookReceiver } from "./support/webhook-receiver";

// The waitlist (issue 16, item 6), against the sandbox over HTTP with the Cal.com mirror live: a caller joins with
// a window; when a cancellation in Cal.com's web app (heard by webhook, delivered twice) frees a time inside it, the
// oldest waiting caller is offered it by one `waitlist.slot_opened` event — and nobody for a time outside.

let api: TestApi;
const receivers: WebhookReceiver[] = [];
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await api?.close();
});

const MANAGE = "/api/v1/calcom/appointments/manage";
const TZ = "America/New_York";
type Offer = { entry_id: string; slot_start: string; slot_end: string; attendee_phone: string | null; attendee_email: string | null; offer_expires_at: string; held_in_calcom: boolean; message: string };

async function setup(definition?: Record<string, unknown>) {
  const { auth, orgId } = await api.org();
  const host = api.calcomUser("UTC");
  const hostKey = host.apiKey;
  const eventType = api.sandbox.addEventType(host.id, { title: "Visit", slug: `visit-${host.id}`, lengthInMinutes: 30 }) as { id: number };
  const agent = (await api.request("POST", "/api/v1/agents/", { auth, body: { agentName: "Front desk", calcomEventTypeId: eventType.id } })).body.data;
  const connected = await api.request("POST", `/api/v1/calcom/agents/${agent.id}/connect`, { auth, body: { api_key: host.apiKey, api_base_url: api.sandboxUrl } });
  expect(connected.status, JSON.stringify(connected.body)).toBe(201);
  const account = await api.prisma.calcomAccount.findUniqueOrThrow({ where: { id: connected.body.data.provider_id } });
  const tool = await createActiveTool(api, auth, { name: "calendar", type: "calcom", agentId: agent.id, enabledFunctions: { values: ["availability", "book", "cancel", "waitlist"] }, ...(definition ? { definition } : {}) });
  const receiver = await startReceiver();
  receivers.push(receiver);
  expect((await api.request("POST", "/api/v1/webhooks", { auth, body: { url: receiver.url, events: ["waitlist.slot_opened"] } })).status).toBe(201);
  const manage = (body: Record<string, unknown>) => api.request("POST", MANAGE, { auth, body: { agent_id: agent.id, timezone: TZ, ...body } });
  const all = (await manage({ action: "availability", days_ahead: 14 })).body.data.slot_times as string[];
  // Four consecutive open times on one day: the window is the middle two (full once they are booked on the page).
  const localDay = (iso: string) => new Date(iso).toLocaleDateString("sv-SE", { timeZone: TZ });
  const day = all.map(localDay).find((d) => all.filter((s) => localDay(s) === d).length >= 4);
  const [before, s1, s2, after] = all.filter((s) => localDay(s) === day);
  if (!before || !s1 || !s2 || !after) throw new Error("four open times on one day expected");
  const bookOnPage = async (start: string, name = "Walk In") => {
    const booking = (await api.sandbox.webApp.book({ start, eventTypeId: eventType.id, attendee: { name, email: `${start.slice(11, 16).replace(":", "")}@example.com`, timeZone: TZ } })) as { uid: string };
    await api.mirrorSettled();
    return booking;
  };
  const cancelOnPage = async (uid: string) => {
    await api.sandbox.webApp.cancel(uid, { by: "attendee" });
    await api.mirrorSettled();
  };
  const join = (body: Record<string, unknown>) => manage({ action: "waitlist", name: "Ada Lovelace", phone: "(415) 555-0100", window_start: s1, window_end: s2, ...body });
  const opened = async () =>
    (await api.prisma.appointmentEvent.findMany({ where: { organizationId: orgId, type: "waitlist.slot_opened" }, orderBy: { createdAt: "asc" } })).map(
      (e) => (e.payload as { waitlist: Offer }).waitlist,
    );
  const entry = async (id: string) => (await api.request("GET", `/api/v1/waitlist/${id}`, { auth })).body.data;
  return { auth, orgId, hostKey, agent, tool, account, receiver, manage, join, bookOnPage, cancelOnPage, opened, entry, slots: { before, s1, s2, after } };
}

describe("waitlist", () => {
  it("a waitlisted caller is notified exactly once when a cancellation frees a matching slot (delivered twice), and not for a slot outside their window", async () => {
    const c = await setup();
    const { s1, s2, after } = c.slots;
    const first = await c.bookOnPage(s1);
    await c.bookOnPage(s2);
    const outside = await c.bookOnPage(after);

    const joined = await c.join({});
    expect(joined.status, JSON.stringify(joined.body)).toBe(200);
    expect(joined.body.data).toMatchObject({ action: "waitlist", success: true, summary: "Added to the waitlist", action_required: "waitlisted" });
    expect(joined.body.data.message).toMatch(/^I've put you on the waitlist for .+ between \d{1,2}:\d{2} [AP]M and \d{1,2}:\d{2} [AP]M\. If a time opens up, we'll get back to you at the number you gave\.$/);
    const id = joined.body.data.waitlist_entry_id as string;
    expect(await c.entry(id)).toMatchObject({ status: "waiting", attendee_phone: "+14155550100", window_start: s1, window_end: s2, expires_at: s2 });

    // The same request again: already waiting, the same entry.
    const again = await c.join({ phone: "+1 415 555 0100" });
    expect(again.body.data).toMatchObject({ success: true, action_required: "already_waitlisted", waitlist_entry_id: id });
    expect(again.body.data.message).toMatch(/^You're already on the waitlist for /);

    // Every Cal.com delivery to the account's webhook arrives twice from now on.
    api.sandbox.webhookFaults.inject({ webhookId: c.account.calcomWebhookId ?? 0, duplicate: true, times: 2 });
    await c.cancelOnPage(outside.uid);
    expect(await c.opened()).toEqual([]);
    expect((await c.entry(id)).status).toBe("waiting");

    await c.cancelOnPage(first.uid);
    const deliveries = api.sandbox.webhookDeliveries({ webhookId: c.account.calcomWebhookId ?? 0 }).filter((d) => d.outcome === "delivered");
    expect(deliveries.length).toBeGreaterThanOrEqual(4);
    const offers = await c.opened();
    expect(offers).toHaveLength(1);
    expect(offers[0]).toMatchObject({ entry_id: id, slot_start: s1, attendee_phone: "+14155550100", attendee_email: null });
    expect(offers[0]?.message).toMatch(/^Hi Ada Lovelace, a time has opened up: .+ at \d{1,2}:\d{2} [AP]M\. Would you like it\? Let us know soon, as it's open to others too\.$/);
    const received = await c.receiver.waitFor(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(received).toHaveLength(1);
    expect(received[0]?.event.type).toBe("waitlist.slot_opened");
    expect((received[0]?.event.data as unknown as { waitlist: Offer }).waitlist).toEqual(offers[0]);
    expect(await c.entry(id)).toMatchObject({ status: "offered", offered_start: s1, offer_expires_at: offers[0]?.offer_expires_at });

    expect(offers[0]?.held_in_calcom).toBe(false);

    // The time is open, as the offer said: the caller books it, and the entry is done.
    const booked = await c.manage({ action: "book", name: "Ada Lovelace", email: "ada@example.com", phone: "+14155550100", appointment_datetime: s1 });
    expect(booked.status, JSON.stringify(booked.body)).toBe(200);
    expect((await c.entry(id)).status).toBe("booked");
  });

  it("with waitlist_hold_minutes the offered time is reserved in Cal.com: another caller cannot book it, the waitlisted caller can", async () => {
    const c = await setup({ waitlist_hold_minutes: 5 });
    const { s1, s2 } = c.slots;
    const page = await c.bookOnPage(s1);
    await c.bookOnPage(s2);
    const id = (await c.join({ email: "ada@example.com", phone: undefined })).body.data.waitlist_entry_id as string;
    const before = Date.now();
    await c.cancelOnPage(page.uid);
    const [offer] = await c.opened();
    expect(offer).toMatchObject({ entry_id: id, slot_start: s1, held_in_calcom: true });
    expect(offer?.message).toMatch(/Would you like it\? We're holding it for you for 5 minutes\.$/);
    const until = Date.parse(String(offer?.offer_expires_at));
    expect(until).toBeGreaterThanOrEqual(before + 5 * 60_000 - 1000);
    expect(until).toBeLessThanOrEqual(Date.now() + 5 * 60_000 + 1000);
    expect(await c.entry(id)).toMatchObject({ status: "offered", held_in_calcom: true });

    const other = await c.manage({ action: "book", name: "Someone Else", email: "else@example.com", appointment_datetime: s1 });
    expect(other.status, JSON.stringify(other.body)).toBe(422);
    const page2 = await api.sandbox.webApp.book({ start: s1, eventTypeId: (await c.entry(id)).event_type_id, attendee: { name: "Page", email: "page@example.com", timeZone: TZ } }).catch((err: Error) => err);
    expect(page2).toBeInstanceOf(Error);

    const booked = await c.manage({ action: "book", name: "Ada Lovelace", email: "ADA@example.com", appointment_datetime: s1 });
    expect(booked.status, JSON.stringify(booked.body)).toBe(200);
    expect(booked.body.data.message).toMatch(/^You're booked for /);
    expect((await c.entry(id)).status).toBe("booked");
  });

  it("first come, first served: the oldest waiting caller gets the first freed time, the next one the next", async () => {
    const c = await setup();
    const { s1, s2 } = c.slots;
    const a = await c.bookOnPage(s1);
    const b = await c.bookOnPage(s2);
    const older = (await c.join({ name: "First Caller", phone: "+14155550101" })).body.data.waitlist_entry_id as string;
    const newer = (await c.join({ name: "Second Caller", phone: undefined, email: "second@example.com" })).body.data.waitlist_entry_id as string;
    expect(newer).not.toBe(older);

    await c.cancelOnPage(b.uid);
    expect((await c.opened()).map((o) => [o.entry_id, o.slot_start])).toEqual([[older, s2]]);
    expect((await c.entry(newer)).status).toBe("waiting");
    await c.cancelOnPage(a.uid);
    expect((await c.opened()).map((o) => [o.entry_id, o.slot_start])).toEqual([
      [older, s2],
      [newer, s1],
    ]);
    const listed = await api.request("GET", `/api/v1/waitlist?agent_id=${c.agent.id}&status=offered`, { auth: c.auth });
    expect(listed.body.data.map((e: { id: string }) => e.id)).toEqual([older, newer]);
  });

  it("an offer that lapses unanswered goes to the next in line at the account's next reconciliation, unless the time was taken", async () => {
    const c = await setup();
    const { s1, s2 } = c.slots;
    const page = await c.bookOnPage(s1);
    const other = await c.bookOnPage(s2);
    const first = (await c.join({ name: "First Caller", phone: "+14155550107" })).body.data.waitlist_entry_id as string;
    const second = (await c.join({ name: "Second Caller", phone: "+14155550108" })).body.data.waitlist_entry_id as string;
    const third = (await c.join({ name: "Third Caller", phone: "+14155550109" })).body.data.waitlist_entry_id as string;
    await c.cancelOnPage(page.uid);
    await c.cancelOnPage(other.uid);
    expect((await c.opened()).map((o) => [o.entry_id, o.slot_start])).toEqual([
      [first, s1],
      [second, s2],
    ]);
    // Both offers lapse (the clock moving on, without waiting for it); s2 was booked meanwhile by someone else.
    await api.prisma.waitlistEntry.updateMany({ where: { id: { in: [first, second] } }, data: { offerExpiresAt: new Date(Date.now() - 1000) } });
    await c.bookOnPage(s2, "Walk In Later");
    const sync = await api.request("POST", `/api/v1/calcom/accounts/${c.account.id}/sync`, { auth: c.auth });
    expect(sync.status, JSON.stringify(sync.body)).toBe(200);
    expect((await c.opened()).map((o) => [o.entry_id, o.slot_start])).toEqual([
      [first, s1],
      [second, s2],
      [third, s1],
    ]);
    expect([(await c.entry(first)).status, (await c.entry(second)).status, (await c.entry(third)).status]).toEqual(["expired", "expired", "offered"]);
    // Nothing more lapsed: another run offers nothing.
    await api.request("POST", `/api/v1/calcom/accounts/${c.account.id}/sync`, { auth: c.auth });
    expect(await c.opened()).toHaveLength(3);
  });

  it("two processes offering the same freed time at once offer it once, to one caller; the mirror hearing of it later offers nothing more", async () => {
    const c = await setup();
    const { s1, s2 } = c.slots;
    const booking = await c.bookOnPage(s1);
    await c.bookOnPage(s2);
    const older = (await c.join({ name: "First Caller", phone: "+14155550105" })).body.data.waitlist_entry_id as string;
    const newer = (await c.join({ name: "Second Caller", phone: "+14155550106" })).body.data.waitlist_entry_id as string;
    const webhookId = c.account.calcomWebhookId ?? 0;
    api.sandbox.webhookFaults.pause({ webhookId });
    await api.sandbox.webApp.cancel(booking.uid, { by: "attendee" });
    // Two API replicas, each with its own offerer, both told of the freed time at the same moment.
    const row = await api.prisma.appointment.findFirstOrThrow({ where: { organizationId: c.orgId, calcomBookingUid: booking.uid } });
    const freed = { appointmentId: row.id, eventTypeId: row.calcomEventTypeId, start: row.startTime, end: row.endTime };
    const cal = createCalcomClient({ apiKey: c.hostKey, baseUrl: api.sandboxUrl, rateLimit: false });
    const replicas = [0, 1].map(() => new WaitlistOffers(api.prisma, api.background.deliveries, { warn: () => undefined }));
    await Promise.all(replicas.map((r) => r.freed(c.account, cal, [freed])));
    expect((await c.opened()).map((o) => [o.entry_id, o.slot_start])).toEqual([[older, s1]]);
    expect((await c.entry(newer)).status).toBe("waiting");

    await api.sandbox.webhookFaults.resume({ webhookId });
    await api.mirrorSettled();
    expect((await api.request("GET", `/api/v1/calcom/appointments/${booking.uid}`, { auth: c.auth })).body.data.appointment.status).toBe("cancelled");
    expect(await c.opened()).toHaveLength(1);
    expect((await c.entry(newer)).status).toBe("waiting");
  });

  it("cancelled and expired entries are never offered a time; our own cancel frees a time too", async () => {
    const c = await setup();
    const { s1, s2 } = c.slots;
    const page = await c.bookOnPage(s1);
    const ours = await c.manage({ action: "book", name: "Someone", email: "someone@example.com", appointment_datetime: s2 });
    expect(ours.status, JSON.stringify(ours.body)).toBe(200);
    await api.mirrorSettled();

    const cancelled = (await c.join({ name: "Changed Mind", phone: "+14155550102" })).body.data.waitlist_entry_id as string;
    const expired = (await c.join({ name: "Too Late", phone: "+14155550103" })).body.data.waitlist_entry_id as string;
    const del = await api.request("DELETE", `/api/v1/waitlist/${cancelled}`, { auth: c.auth });
    expect(del.status, JSON.stringify(del.body)).toBe(200);
    expect(del.body).toMatchObject({ message: "Waitlist entry cancelled", data: { id: cancelled, status: "cancelled" } });
    // Its expiry passed (the clock moving on, without waiting for it).
    await api.prisma.waitlistEntry.update({ where: { id: expired }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await c.entry(expired)).status).toBe("expired");

    await c.cancelOnPage(page.uid);
    expect(await c.opened()).toEqual([]);

    const fresh = (await c.join({ name: "Still Waiting", phone: "+14155550104" })).body.data;
    expect(fresh.action_required).toBe("offer_open_slots"); // s1 is open again: offered at once, not waitlisted
    expect(fresh.slot_times).toEqual([s1]);
    expect(fresh.message).toMatch(/^There's no need to wait: I can offer .+\. Would one of those work\?$/);
    expect(fresh.waitlist_entry_id).toBeUndefined();

    const rebooked = await c.bookOnPage(s1, "Back Again");
    expect(rebooked.uid).toBeTruthy();
    const waiting = (await c.join({ name: "Still Waiting", phone: "+14155550104" })).body.data.waitlist_entry_id as string;
    const cancel = await c.manage({ action: "cancel", appointment_id: ours.body.data.appointment_id });
    expect(cancel.status, JSON.stringify(cancel.body)).toBe(200);
    await api.mirrorSettled();
    expect((await c.opened()).map((o) => [o.entry_id, o.slot_start])).toEqual([[waiting, s2]]);
    expect((await api.request("GET", `/api/v1/waitlist?agent_id=${c.agent.id}&status=expired`, { auth: c.auth })).body.data.map((e: { id: string }) => e.id)).toEqual([expired]);
  });

  it("a bad window, expiry or phone is a 400 the agent can say; joining needs a name and a contact", async () => {
    const c = await setup();
    const { s1, s2 } = c.slots;
    const cases: [Record<string, unknown>, string, string][] = [
      [{ window_start: s2, window_end: s1 }, "window_end", "The end of that window comes before its start; what's the earliest and the latest time that would suit you?"],
      [{ window_start: "2020-01-01T09:00Z", window_end: "2020-01-01T12:00Z" }, "window_end", "That window has already passed; what later times would suit you?"],
      [{ window_end: new Date(Date.parse(s1) + 31 * 86_400_000).toISOString() }, "window_end", "I can keep a lookout for up to 30 days at a time; could you give me a shorter window?"],
      [{ expires_at: new Date(Date.parse(s2) + 60_000).toISOString() }, "expires_at", "I can only keep looking until the end of your window; please give an expiry no later than that."],
      [{ expires_at: "2020-01-01T09:00Z" }, "expires_at", "That expiry has already passed; until when should I keep looking?"],
      [{ phone: "12" }, "phone", "I couldn't read '12' as a phone number; could you give it with the area code?"],
      [{ window_start: "tomorrow" }, "window_start", ""],
    ];
    for (const [body, field, message] of cases) {
      const res = await c.join(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body).toMatchObject({ success: false, code: "INVALID_REQUEST" });
      expect(JSON.stringify(res.body.details), JSON.stringify(body)).toContain(field);
      if (message) expect(res.body.message).toBe(message);
    }
    const noContact = await c.manage({ action: "waitlist", name: "Ada", window_start: s1, window_end: s2 });
    expect(noContact.status).toBe(400);
    expect(JSON.stringify(noContact.body)).toContain("phone or email is required to join the waitlist");
    const noWindow = await c.manage({ action: "waitlist", name: "Ada", phone: "+14155550100" });
    expect(noWindow.status).toBe(400);
    expect(JSON.stringify(noWindow.body)).toContain("window_start is required to join the waitlist");
    expect(await api.prisma.waitlistEntry.count({ where: { organizationId: c.orgId } })).toBe(0);
  });

  it("entries are the organisation's own: another organisation can neither list, read nor cancel them", async () => {
    const c = await setup();
    await c.bookOnPage(c.slots.s1);
    await c.bookOnPage(c.slots.s2);
    const id = (await c.join({})).body.data.waitlist_entry_id as string;
    const other = await api.org();
    expect((await api.request("GET", `/api/v1/waitlist/${id}`, { auth: other.auth })).status).toBe(404);
    expect((await api.request("DELETE", `/api/v1/waitlist/${id}`, { auth: other.auth })).status).toBe(404);
    const theirs = await api.request("GET", `/api/v1/waitlist?agent_id=${c.agent.id}`, { auth: other.auth });
    expect(theirs.status).toBe(200);
    expect(theirs.body.data).toEqual([]);
    expect((await c.entry(id)).status).toBe("waiting");
    const mine = await api.request("GET", "/api/v1/waitlist?status=waiting", { auth: c.auth });
    expect(mine.body).toMatchObject({ data: [{ id }], meta: { total: "1" } });
    expect((await api.request("GET", "/api/v1/waitlist/not-a-uuid", { auth: c.auth })).status).toBe(400);
    expect((await api.request("GET", "/api/v1/waitlist?status=nope", { auth: c.auth })).status).toBe(400);
  });

  it("is join_waitlist in every export format, over MCP and through a voice platform's webhook", async () => {
    const c = await setup();
    const { s1, s2 } = c.slots;
    await c.bookOnPage(s1);
    await c.bookOnPage(s2);
    for (const format of EXPORT_FORMATS) {
      const res = await api.request("GET", `/api/v1/tools/${c.tool.id}/export?format=${format}`, { auth: c.auth });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const names = (res.body.data.tools as { name?: string; function?: { name: string } }[]).map((t) => t.function?.name ?? t.name);
      expect(names, format).toContain("join_waitlist");
    }

    const client = new Client({ name: "agni-test", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${api.url}/mcp?agent_id=${c.agent.id}`), { requestInit: { headers: c.auth } }));
    try {
      const listed = await client.listTools();
      const join = listed.tools.find((t) => t.name === "join_waitlist");
      expect(join?.inputSchema).toMatchObject({ type: "object", required: ["name", "window_start", "window_end", "timezone"] });
      const called = await client.callTool({ name: "join_waitlist", arguments: { name: "Ada", phone: "(415) 555-0100", window_start: s1, window_end: s2, timezone: TZ } });
      expect(JSON.stringify(called.content)).toMatch(/I've put you on the waitlist for /);
    } finally {
      await client.close();
    }

    const retell = await api.request("GET", `/api/v1/tools/${c.tool.id}/export?format=retell`, { auth: c.auth });
    const entry = (retell.body.data.tools as { name: string; url: string }[]).find((t) => t.name === "join_waitlist");
    const url = new URL(String(entry?.url));
    const args = { name: "Ada", phone: "+14155550100", window_start: s1, window_end: s2, timezone: TZ };
    const res = await api.request("POST", url.pathname + url.search, { auth: c.auth, body: { call: { call_id: "retell-waitlist-1" }, name: "join_waitlist", args } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ result: expect.stringMatching(/^You're already on the waitlist for /) });
  });
});
