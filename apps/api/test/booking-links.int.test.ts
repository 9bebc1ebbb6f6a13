import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "./support/test-api";
import { createActiveTool } from "./support/tools";

// The `link` action and links-only calendar tools (issue 16, item 7), against the sandbox over HTTP: the sandbox
// serves Cal.com's public booking page on its own origin, echoing the prefill its booker would read.

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api?.close());

const MANAGE = "/api/v1/calcom/appointments/manage";

async function setup(definition?: Record<string, unknown>) {
  const { auth } = await api.org();
  const host = api.calcomUser("America/New_York");
  const eventType = api.sandbox.addEventType(host.id, { title: "Intro call", slug: `intro-${host.id}`, lengthInMinutes: 30 }) as { id: number };
  const agent = (await api.request("POST", "/api/v1/agents/", { auth, body: { agentName: "Front desk", calcomEventTypeId: eventType.id } })).body.data;
  const connected = await api.request("POST", `/api/v1/calcom/agents/${agent.id}/connect`, { auth, body: { api_key: host.apiKey, api_base_url: api.sandboxUrl } });
  expect(connected.status).toBe(201);
  const tool = await createActiveTool(api, auth, {
    name: "calendar",
    type: "calcom",
    agentId: agent.id,
    ...(definition ? { definition } : {}),
    enabledFunctions: { values: ["book", "reschedule", "cancel", "suggest", "link"] },
  });
  const manage = (body: Record<string, unknown>) => api.request("POST", MANAGE, { auth, body: { agent_id: agent.id, timezone: "Europe/Berlin", ...body } });
  const firstSlot = async () => (await manage({ action: "suggest" })).body.data.slot_times[0] as string;
  return { auth, host, eventType, agent, tool, manage, firstSlot };
}

/** Opens a link the way the caller's browser would and reads the page the sandbox's web app answers. */
async function openPage(url: string) {
  const res = await fetch(url);
  const html = await res.text();
  const json = /<script type="application\/json" id="booking-page">(.*)<\/script>/.exec(html)?.[1];
  return { status: res.status, page: json ? JSON.parse(json.replace(/&#(\d+);/g, (_, c) => String.fromCharCode(Number(c)))) : null };
}

describe("link", () => {
  it("returns the event type's booking page on the account's web origin with name, email and the chosen time prefilled, and books nothing", async () => {
    const { host, eventType, manage, firstSlot } = await setup();
    const slot = await firstSlot();
    const before = api.sandbox.bookings().length;
    const res = await manage({ action: "link", name: "Ada Lovelace", email: "ada@example.com", appointment_datetime: slot, notes: "First visit" });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const data = res.body.data;
    expect(data).toMatchObject({ action: "link", success: true, appointment_id: null, date_time: slot, action_required: "caller_confirms_via_link" });
    expect(data.message).toMatch(/^Here is a booking link for .+ with your details filled in; open it to confirm the appointment yourself\.$/);
    const url = new URL(data.booking_url);
    expect(url.origin).toBe(new URL(api.sandboxUrl).origin);
    expect(url.pathname).toBe(`/${host.username}/intro-${host.id}`);
    const local = new Date(slot).toLocaleDateString("sv-SE", { timeZone: "Europe/Berlin" });
    expect(Object.fromEntries(url.searchParams)).toEqual({
      name: "Ada Lovelace",
      email: "ada@example.com",
      notes: "First visit",
      date: local,
      month: local.slice(0, 7),
      slot: new Date(slot).toISOString(),
      "cal.tz": "Europe/Berlin",
    });
    const opened = await openPage(data.booking_url);
    expect(opened.status).toBe(200);
    expect(opened.page).toMatchObject({ event_type_id: eventType.id, prefill: { name: "Ada Lovelace", email: "ada@example.com" } });
    expect(api.sandbox.bookings().length).toBe(before);
  });

  it("works without a time or details (the caller picks on the page), and refuses a past time", async () => {
    const { manage } = await setup();
    const res = await manage({ action: "link" });
    expect(res.status).toBe(200);
    expect(res.body.data.date_time).toBeNull();
    expect(res.body.data.message).toBe("Here is a booking link with your details filled in; open it to confirm the appointment yourself.");
    expect(Object.fromEntries(new URL(res.body.data.booking_url).searchParams)).toEqual({ "cal.tz": "Europe/Berlin" });
    const past = await manage({ action: "link", appointment_datetime: "2020-01-06T10:00:00Z" });
    expect(past.status).toBe(400);
    expect(past.body).toMatchObject({ success: false, code: "INVALID_REQUEST" });
  });

  it("is refused when the tool does not enable it", async () => {
    const { auth, tool, manage } = await setup();
    await api.request("PATCH", `/api/v1/tools/${tool.id}/`, { auth, body: { enabledFunctions: { values: ["book"] } } });
    const res = await manage({ action: "link" });
    expect(res.status).toBe(403);
    expect(res.body.message).toMatch(/does not allow "link"/);
  });

  it("is a function of the calendar tool, exported in every format", async () => {
    const { auth, tool } = await setup();
    for (const format of ["openai", "anthropic", "mcp", "retell", "vapi", "elevenlabs"]) {
      const res = await api.request("GET", `/api/v1/tools/${tool.id}/export?format=${format}`, { auth });
      expect(res.status, format).toBe(200);
      expect(JSON.stringify(res.body.data.tools), format).toContain("get_booking_link");
    }
  });
});

describe("links-only tools", () => {
  it("answer book with the prefilled booking page instead of booking", async () => {
    const { host, manage, firstSlot } = await setup({ links_only: true });
    const slot = await firstSlot();
    const before = api.sandbox.bookings().length;
    const res = await manage({ action: "book", name: "Ada Lovelace", email: "ada@example.com", appointment_datetime: slot });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toMatchObject({ action: "book", success: true, appointment_id: null, action_required: "caller_confirms_via_link" });
    expect(res.body.data.message).toMatch(/^I can't book it for you myself, but here is a booking link for .+; open it to confirm the appointment yourself\.$/);
    const url = new URL(res.body.data.booking_url);
    expect(url.pathname).toBe(`/${host.username}/intro-${host.id}`);
    expect(url.searchParams.get("slot")).toBe(new Date(slot).toISOString());
    expect(api.sandbox.bookings().length).toBe(before);
  });

  it("answer reschedule with the appointment's Cal.com reschedule page and move nothing; cancel still cancels", async () => {
    const { auth, tool, manage, firstSlot } = await setup();
    const slot = await firstSlot();
    const booked = await manage({ action: "book", name: "Ada", email: "ada@example.com", appointment_datetime: slot });
    expect(booked.status).toBe(200);
    const id = booked.body.data.appointment_id;
    const uid = (await api.request("GET", `/api/v1/calcom/appointments/${id}`, { auth })).body.data.appointment.calcom_booking_uid;
    await api.request("PATCH", `/api/v1/tools/${tool.id}/`, { auth, body: { definition: { links_only: true } } });

    const later = new Date(new Date(slot).getTime() + 60 * 60_000).toISOString();
    const moved = await manage({ action: "reschedule", appointment_id: id, appointment_datetime: later });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body.data).toMatchObject({ action: "reschedule", appointment_id: null, booking_url: `${new URL(api.sandboxUrl).origin}/reschedule/${uid}` });
    expect(moved.body.data.message).toMatch(/^I can't move it for you myself/);
    expect((await api.request("GET", `/api/v1/calcom/appointments/${id}`, { auth })).body.data.appointment.start_time).toBe(new Date(slot).toISOString());

    const cancelled = await manage({ action: "cancel", appointment_id: id });
    expect(cancelled.status).toBe(200);
    const again = await manage({ action: "reschedule", appointment_id: id, appointment_datetime: later });
    expect(again.status).toBe(409);
  });

  it("reject links_only that is not a boolean", async () => {
    const { auth, tool } = await setup();
    const res = await api.request("PATCH", `/api/v1/tools/${tool.id}/`, { auth, body: { definition: { links_only: "yes" } } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ success: false, code: "INVALID_REQUEST" });
    expect(res.body.message).toMatch(/links_only/);
  });
});
