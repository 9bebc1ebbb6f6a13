import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { EXPORT_FORMATS } from "@agni/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setUpSharedCalendar } from "./support/api-process";
import { startTestApi, type TestApi } from "./support/test-api";
import { createActiveTool } from "./support/tools";

// The `find` action (issue 16, item 1), against the sandbox over HTTP with the Cal.com mirror live: a caller's
// upcoming appointments on the agent's account — bookings made through Agni and on the Cal.com page alike — by phone
// (any format), email, or name plus day, never anyone else's.

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api?.close());

const MANAGE = "/api/v1/calcom/appointments/manage";
const TZ = "America/New_York";

async function setup(definition?: Record<string, unknown>) {
  const { auth } = await api.org();
  const host = api.calcomUser("UTC");
  const eventType = api.sandbox.addEventType(host.id, { title: "Visit", slug: `visit-${host.id}`, lengthInMinutes: 30 }) as { id: number };
  const agent = (await api.request("POST", "/api/v1/agents/", { auth, body: { agentName: "Front desk", calcomEventTypeId: eventType.id } })).body.data;
  const connected = await api.request("POST", `/api/v1/calcom/agents/${agent.id}/connect`, { auth, body: { api_key: host.apiKey, api_base_url: api.sandboxUrl } });
  expect(connected.status).toBe(201);
  const tool = await createActiveTool(api, auth, {
    name: "calendar",
    type: "calcom",
    agentId: agent.id,
    ...(definition ? { definition } : {}),
    enabledFunctions: { values: ["availability", "book", "reschedule", "cancel", "find"] },
  });
  const manage = (body: Record<string, unknown>) => api.request("POST", MANAGE, { auth, body: { agent_id: agent.id, timezone: TZ, ...body } });
  const slots = async () => (await manage({ action: "availability", days_ahead: 14 })).body.data.slot_times as string[];
  /** Booked on the Cal.com page by someone who never spoke to the agent; the mirror hears of it by webhook. */
  const bookOnPage = async (start: string, attendee: Record<string, unknown>) => {
    const booking = await api.sandbox.webApp.book({ start, eventTypeId: eventType.id, attendee: { timeZone: TZ, ...attendee } });
    await api.mirrorSettled();
    return booking as { uid: string };
  };
  return { auth, agent, tool, manage, slots, bookOnPage };
}

/** The caller's local day of an instant. */
const localDay = (iso: string) => new Date(iso).toLocaleDateString("sv-SE", { timeZone: TZ });

describe("find", () => {
  it("finds a booking made on the Cal.com page as +1 415 555 0100 by (415) 555-0100, and cancel takes the id it returned", async () => {
    const { manage, slots, bookOnPage } = await setup();
    const [mine, theirs] = await slots();
    await bookOnPage(String(mine), { name: "Ada Lovelace", email: "Ada@Example.com", phoneNumber: "+1 415 555 0100" });
    await bookOnPage(String(theirs), { name: "Bob Other", email: "bob@example.com", phoneNumber: "+1 415 555 0199" });

    const res = await manage({ action: "find", phone: "(415) 555-0100" });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const data = res.body.data;
    expect(data).toMatchObject({ action: "find", success: true, summary: "Appointment found", date_time: mine });
    expect(data.appointments).toEqual([{ appointment_id: data.appointment_id, date_time: mine, local_date_time: expect.any(String), status: "accepted" }]);
    expect(data.message).toMatch(/^I found your appointment for .+ at \d{1,2}:\d{2} [AP]M\.$/);
    expect(JSON.stringify(data)).not.toMatch(/Bob|bob@|0199|Ada|ada@/i);

    // The same booking by email, whatever its case; by E.164 too.
    expect((await manage({ action: "find", email: "ADA@example.COM" })).body.data.appointment_id).toBe(data.appointment_id);
    expect((await manage({ action: "find", phone: "+14155550100" })).body.data.appointment_id).toBe(data.appointment_id);

    const cancelled = await manage({ action: "cancel", appointment_id: data.appointment_id });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(cancelled.body.data.message).toMatch(/is cancelled\.$/);
    const after = await manage({ action: "find", phone: "(415) 555-0100" });
    expect(after.body.data).toMatchObject({ success: false, action_required: "none_found", appointments: [] });
    expect(after.body.data.message).toBe("I couldn't find an upcoming appointment under that phone number.");
  });

  it("never returns another caller's booking: a phone, email or name that is not theirs finds nothing, and every given detail must match", async () => {
    const { manage, slots, bookOnPage } = await setup();
    const [first] = await slots();
    await bookOnPage(String(first), { name: "Grace Hopper", email: "grace@example.com", phoneNumber: "+14155550142" });
    for (const ask of [
      { phone: "(415) 555-0143" },
      { email: "someone@example.com" },
      { name: "Someone Else", date: localDay(String(first)) },
      { phone: "(415) 555-0142", email: "someone@example.com" },
      { phone: "(415) 555-0142", name: "Someone Else" },
    ]) {
      const res = await manage({ action: "find", ...ask });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.data, JSON.stringify(ask)).toMatchObject({ success: false, action_required: "none_found", appointment_id: null, appointments: [] });
      expect(JSON.stringify(res.body.data)).not.toMatch(/Grace|grace@|0142/);
    }
    // Another organisation's agent on its own account never sees it, even with the right phone.
    const other = await setup();
    expect((await other.manage({ action: "find", phone: "(415) 555-0142" })).body.data.appointments).toEqual([]);
  });

  it("on an organisation's shared account, an agent finds its own and outside bookings, never another agent's (which it could not change)", async () => {
    const { auth } = await api.org();
    const { agents } = await setUpSharedCalendar(api.url, auth, { it: api.sandbox, url: api.sandboxUrl }, ["Desk A", "Desk B"], ["suggest", "book", "cancel", "find"]);
    const [a, b] = agents.map(({ agent }) => (body: Record<string, unknown>) => api.request("POST", MANAGE, { auth, body: { agent_id: agent.id, timezone: TZ, ...body } }));
    if (!a || !b) throw new Error("two agents expected");
    const slot = (await a({ action: "suggest" })).body.data.slot_times[0] as string;
    const booked = await a({ action: "book", name: "Ada", email: "ada@example.com", phone: "+14155550111", appointment_datetime: slot });
    expect(booked.status, JSON.stringify(booked.body)).toBe(200);
    await api.mirrorSettled();
    expect((await a({ action: "find", phone: "(415) 555-0111" })).body.data.appointment_id).toBe(booked.body.data.appointment_id);
    expect((await b({ action: "find", phone: "(415) 555-0111" })).body.data).toMatchObject({ success: false, action_required: "none_found" });
    expect((await b({ action: "cancel", appointment_id: booked.body.data.appointment_id })).status).toBe(404);
  });

  it("a name alone asks for the day or a contact; name and day find it ignoring case and spacing; more than 3 on a name and day ask for one more detail", async () => {
    const { manage, slots, bookOnPage } = await setup();
    const all = await slots();
    const day = all.map(localDay).find((d) => all.filter((s) => localDay(s) === d).length >= 5) ?? "";
    const sameDay = all.filter((s) => localDay(s) === day);
    expect(sameDay.length).toBeGreaterThanOrEqual(5);

    const only = await manage({ action: "find", name: "Ada Lovelace" });
    expect(only.status).toBe(200);
    expect(only.body.data).toMatchObject({ success: false, action_required: "more_detail_needed", appointments: [] });
    expect(only.body.data.message).toBe("To find your appointment I need the day it's on, or the phone number or email address you booked with.");

    const agni = await manage({ action: "book", name: "Ada Lovelace", email: "ada@example.com", appointment_datetime: sameDay[0] });
    expect(agni.status, JSON.stringify(agni.body)).toBe(200);
    await api.mirrorSettled();
    const found = await manage({ action: "find", name: "  ada   LOVELACE ", date: day });
    expect(found.body.data).toMatchObject({ success: true, appointment_id: agni.body.data.appointment_id });

    for (const start of sameDay.slice(1, 4)) await bookOnPage(start, { name: "Ada Lovelace", email: `ada+${start.slice(11, 16).replace(":", "")}@example.com` });
    const many = await manage({ action: "find", name: "Ada Lovelace", date: day });
    expect(many.body.data).toMatchObject({ success: false, action_required: "more_detail_needed", appointments: [] });
    expect(many.body.data.message).toMatch(/^There are several appointments under that name .+; could you give me the phone number or email address you booked with\?$/);
  });

  it("lists a caller's several appointments by phone, read in the caller's zone, and reads national numbers in the tool's default_region", async () => {
    const { manage, slots, bookOnPage } = await setup({ default_region: "GB" });
    const all = await slots();
    await bookOnPage(String(all[0]), { name: "Alan Turing", email: "alan@example.com", phoneNumber: "+447700900123" });
    await bookOnPage(String(all[1]), { name: "Alan Turing", email: "alan@example.com", phoneNumber: "+447700900123" });
    const res = await manage({ action: "find", phone: "07700 900123" });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toMatchObject({ success: true, summary: "2 appointments found", action_required: "caller_picks_one", appointment_id: null });
    expect(res.body.data.appointments.map((a: { date_time: string }) => a.date_time)).toEqual([all[0], all[1]]);
    expect(res.body.data.message).toMatch(/^I found 2 appointments: .+ and .+\. Which one do you mean\?$/);
    const unreadable = await manage({ action: "find", phone: "12" });
    expect(unreadable.status).toBe(400);
    expect(unreadable.body).toMatchObject({ success: false, code: "INVALID_REQUEST" });
    expect(unreadable.body.message).toBe("I couldn't read the phone number '12'; please give it with its area code.");
  });

  it("refuses a find with nothing to go on, and a non-E.164 phone on book", async () => {
    const { manage, slots } = await setup();
    const nothing = await manage({ action: "find" });
    expect(nothing.status).toBe(400);
    expect(JSON.stringify(nothing.body)).toMatch(/phone, email or name/);
    const [slot] = await slots();
    const book = await manage({ action: "book", name: "Ada", phone: "(415) 555-0100", appointment_datetime: slot });
    expect(book.status).toBe(400);
    expect(JSON.stringify(book.body)).toMatch(/E\.164/);
  });

  it("is find_appointment in every export format, over MCP and through a voice platform's webhook", async () => {
    const { auth, agent, tool, slots, bookOnPage } = await setup();
    const [start] = await slots();
    await bookOnPage(String(start), { name: "Ada Lovelace", email: "ada@example.com", phoneNumber: "+14155550100" });
    for (const format of EXPORT_FORMATS) {
      const res = await api.request("GET", `/api/v1/tools/${tool.id}/export?format=${format}`, { auth });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const names = (res.body.data.tools as { name?: string; function?: { name: string } }[]).map((t) => t.function?.name ?? t.name);
      expect(names, format).toContain("find_appointment");
    }

    const client = new Client({ name: "agni-test", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${api.url}/mcp?agent_id=${agent.id}`), { requestInit: { headers: auth } }));
    try {
      const listed = await client.listTools();
      const find = listed.tools.find((t) => t.name === "find_appointment");
      expect(find?.inputSchema).toMatchObject({ type: "object", required: ["timezone"] });
      const called = await client.callTool({ name: "find_appointment", arguments: { phone: "(415) 555-0100", timezone: TZ } });
      expect(JSON.stringify(called.content)).toMatch(/I found your appointment for /);
    } finally {
      await client.close();
    }

    const retell = await api.request("GET", `/api/v1/tools/${tool.id}/export?format=retell`, { auth });
    const entry = (retell.body.data.tools as { name: string; url: string }[]).find((t) => t.name === "find_appointment");
    const url = new URL(String(entry?.url));
    const res = await api.request("POST", url.pathname + url.search, { auth, body: { call: { call_id: "retell-find-1" }, name: "find_appointment", args: { email: "ADA@example.com", timezone: TZ } } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ result: expect.stringMatching(/^I found your appointment for /) });
  });
});
