import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { EXPORT_FORMATS } from "@agni/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "./support/test-api";
import { createActiveTool } from "./support/tools";
import { instantTeamEventType } from "./support/instant";

// The `instant` action (issue 16, item 4), against the sandbox over HTTP: on a team event type set up for instant
// meetings, Cal.com's `POST /v2/bookings` with `instant: true` answers a booking awaiting a host with its video link;
// the caller hears that a team member is being rung and gets the link. Anything else is refused with a sentence, and
// nothing rings.

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api?.close());

const MANAGE = "/api/v1/calcom/appointments/manage";
const TZ = "Europe/Berlin";
const CALLER = { name: "Ada Lovelace", email: "ada@example.com" };

/** An agent whose calendar tool enables `instant`, booking `eventTypeId` on `apiKey`'s account. */
async function agentFor(apiKey: string, eventTypeId: number) {
  const { auth } = await api.org();
  const agent = (await api.request("POST", "/api/v1/agents/", { auth, body: { agentName: "Urgent line", calcomEventTypeId: eventTypeId } })).body.data;
  const connected = await api.request("POST", `/api/v1/calcom/agents/${agent.id}/connect`, { auth, body: { api_key: apiKey, api_base_url: api.sandboxUrl } });
  expect(connected.status, JSON.stringify(connected.body)).toBe(201);
  const tool = await createActiveTool(api, auth, { name: "calendar", type: "calcom", agentId: agent.id, enabledFunctions: { values: ["book", "suggest", "instant"] } });
  const manage = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    api.request("POST", MANAGE, { auth: { ...auth, ...headers }, body: { agent_id: agent.id, timezone: TZ, ...body } });
  return { auth, agent, tool, manage };
}

/** How many bookings Cal.com was asked to make (an instant one rings a team). */
const bookingRequests = () => api.sandbox.requests.filter((r) => r.method === "POST" && r.path === "/v2/bookings").length;

describe("instant", () => {
  it("starts a meeting now on an instant team event type: the caller gets the meeting link and hears a team member is being rung", async () => {
    const team = instantTeamEventType(api, { instant: true });
    const { manage } = await agentFor(team.apiKey, team.eventTypeId);
    const before = bookingRequests();
    const started = Date.now();
    const res = await manage({ action: "instant", ...CALLER, notes: "My pipe burst", call_session_id: "call-instant-1" });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const data = res.body.data;
    expect(data).toMatchObject({ action: "instant", success: true, summary: "Instant meeting started", action_required: "join_meeting", appointment_id: null });
    expect(data.message).toBe(
      "I've started a video meeting for you now, and a team member is being rung to join you. Here is the meeting link; open it to join, and someone should be with you shortly.",
    );
    expect(Date.parse(data.date_time)).toBeGreaterThanOrEqual(started - 1000);
    expect(Date.parse(data.date_time)).toBeLessThanOrEqual(Date.now() + 1000);
    // Cal.com's video link for the booking, on its web origin; the sandbox serves the room.
    const link = new URL(data.meeting_url);
    expect(link.origin).toBe(new URL(api.sandboxUrl).origin);
    expect(link.pathname).toMatch(/^\/video\/[\w-]+$/);
    const room = await fetch(link);
    expect(room.status).toBe(200);
    // What Cal.com was asked: instant, now, the caller, the notes, and whose call it was.
    expect(bookingRequests()).toBe(before + 1);
    const meeting = api.sandbox.instantMeetings().find((m) => data.meeting_url.endsWith(m.uid));
    expect(meeting).toMatchObject({
      eventTypeId: team.eventTypeId,
      attendee: { name: CALLER.name, email: CALLER.email, timeZone: TZ },
      bookingFieldsResponses: { notes: "My pipe burst" },
      metadata: { call_session_id: "call-instant-1" },
    });
    expect(meeting?.start).toBe(Date.parse(data.date_time));

    // The same request again while the team is still being rung is the same meeting: nobody is rung twice.
    const again = await manage({ action: "instant", ...CALLER, notes: "My pipe burst", call_session_id: "call-instant-1" });
    expect(again.status).toBe(200);
    expect(again.body.data.meeting_url).toBe(data.meeting_url);
    expect(bookingRequests()).toBe(before + 1);
  });

  it("refuses an event type that is not set up for instant meetings with a sentence, and rings nobody", async () => {
    const personal = api.calcomUser("UTC");
    const eventType = api.sandbox.addEventType(personal.id, { title: "Consultation", slug: `consult-${personal.id}`, lengthInMinutes: 30 }) as { id: number; isInstantEvent: boolean };
    expect(eventType.isInstantEvent).toBe(false);
    const { manage } = await agentFor(personal.apiKey, eventType.id);
    const team = instantTeamEventType(api, { instant: false });
    const teamAgent = await agentFor(team.apiKey, team.eventTypeId);
    const before = bookingRequests();
    for (const res of [await manage({ action: "instant", ...CALLER }), await teamAgent.manage({ action: "instant", ...CALLER })]) {
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body).toMatchObject({ success: false, code: "INVALID_REQUEST", message: "This kind of appointment can't be started right away; I can book you the next available time instead." });
      expect(res.body.details.reason).toMatch(/not set up for instant meetings/);
    }
    // An event type of a team the account is not in, or of nobody, is not the agent's to ring.
    const otherTeam = instantTeamEventType(api, { instant: true });
    for (const id of [otherTeam.eventTypeId, 999_999]) {
      const res = await manage({ action: "instant", ...CALLER, event_type_id: id });
      expect(res.status).toBe(400);
      expect(res.body.message).toBe(`Event type ${id} was not found on the agent's Cal.com account`);
    }
    expect(bookingRequests()).toBe(before);
  });

  it("says so when Cal.com refuses or cannot be reached, and asks for what an instant meeting needs", async () => {
    const team = instantTeamEventType(api, { instant: true });
    const { manage } = await agentFor(team.apiKey, team.eventTypeId);
    // Cal.com's own refusal of a non-team event type (bookings.service.ts createInstantBooking) is the same sentence.
    const notTeam = { status: "error", error: { code: "BadRequestException", message: "Instant bookings are only supported for team event types, not individual user event types." } };
    api.sandbox.faults.inject({ apiKey: team.apiKey, path: "/v2/bookings", method: "POST", status: 400, body: notTeam });
    const refused = await manage({ action: "instant", ...CALLER });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toBe("This kind of appointment can't be started right away; I can book you the next available time instead.");
    expect(refused.body.details).toMatchObject({ calcom_status: 400 });

    api.sandbox.faults.inject({ apiKey: team.apiKey, path: "/v2/bookings", method: "POST", status: 503 });
    const down = await manage({ action: "instant", ...CALLER, call_session_id: "call-instant-down" });
    expect(down.status).toBe(502);
    expect(down.body).toMatchObject({ code: "BAD_GATEWAY", message: "I couldn't reach the team's calendar just now; please try again in a moment, or I can book you the next available time instead." });

    const cases: [Record<string, unknown>, RegExp][] = [
      [{ email: CALLER.email }, /name is required to start an instant meeting/],
      [{ name: CALLER.name }, /email or phone is required to start an instant meeting/],
      [{ ...CALLER, appointment_datetime: "2030-01-07T10:00:00Z" }, /an instant meeting starts now/],
    ];
    for (const [body, message] of cases) {
      const res = await manage({ action: "instant", ...body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(res.body)).toMatch(message);
    }
  });

  it("is refused on a links-only tool (an instant meeting is a booking the agent makes), and rings nobody", async () => {
    const team = instantTeamEventType(api, { instant: true });
    const { auth, tool, manage } = await agentFor(team.apiKey, team.eventTypeId);
    expect((await api.request("PATCH", `/api/v1/tools/${tool.id}/`, { auth, body: { definition: { links_only: true } } })).status).toBe(200);
    const before = bookingRequests();
    const res = await manage({ action: "instant", ...CALLER, call_session_id: "call-instant-links-only" });
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body).toMatchObject({ code: "INVALID_REQUEST", message: "I can't start a meeting for you from here, but I can send you a booking link for the next available time." });
    expect(res.body.details.reason).toMatch(/links-only/);
    expect(bookingRequests()).toBe(before);
  });

  it("is not enabled on a new calendar tool unless named (it serves only instant event types)", async () => {
    const { auth } = await api.org();
    const created = await api.request("POST", "/api/v1/tools/", { auth, body: { name: "calendar", type: "calcom" } });
    expect(created.status).toBe(201);
    expect(created.body.data.enabledFunctions.values).not.toContain("instant");
  });

  it("is billable (1 credit by default): with metering on in hard mode and no credits, the caller hears so and nobody is rung", async () => {
    const team = instantTeamEventType(api, { instant: true });
    const { auth, manage } = await agentFor(team.apiKey, team.eventTypeId);
    expect((await api.request("PUT", "/api/v1/credits/settings", { auth, body: { enabled: true, mode: "hard" } })).status).toBe(200);
    api.sandbox.store.creditsOf(team.ownerId).monthlyRemaining = 0;
    const before = bookingRequests();
    const refused = await manage({ action: "instant", ...CALLER, call_session_id: "call-instant-broke" });
    expect(refused.status).toBe(402);
    expect(refused.body).toMatchObject({ code: "PAYMENT_REQUIRED", message: "I'm sorry, I can't make changes to the calendar right now. Please try again later or contact us directly." });
    expect(bookingRequests()).toBe(before);

    // Another account, with credits (Cal.com's answer is reused for 30 s per account): the meeting counts 1.
    const paidTeam = instantTeamEventType(api, { instant: true });
    const paid = await agentFor(paidTeam.apiKey, paidTeam.eventTypeId);
    expect((await api.request("PUT", "/api/v1/credits/settings", { auth: paid.auth, body: { enabled: true, mode: "hard" } })).status).toBe(200);
    const started = await paid.manage({ action: "instant", ...CALLER, call_session_id: "call-instant-paid" });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const done = await api.request("POST", `/api/v1/calcom/agents/${paid.agent.id}/calls/call-instant-paid/complete`, { auth: paid.auth });
    expect(done.body.data).toMatchObject({ credits: 1, actions: 1, status: "charged" });
  });

  it("is book_instant_meeting in every export format, over MCP and through a voice platform's webhook", async () => {
    const team = instantTeamEventType(api, { instant: true });
    const { auth, agent, tool } = await agentFor(team.apiKey, team.eventTypeId);
    for (const format of EXPORT_FORMATS) {
      const res = await api.request("GET", `/api/v1/tools/${tool.id}/export?format=${format}`, { auth });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const names = (res.body.data.tools as { name?: string; function?: { name: string } }[]).map((t) => t.function?.name ?? t.name);
      expect(names, format).toContain("book_instant_meeting");
    }

    const client = new Client({ name: "agni-test", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${api.url}/mcp?agent_id=${agent.id}`), { requestInit: { headers: auth } }));
    try {
      const listed = await client.listTools();
      const fn = listed.tools.find((t) => t.name === "book_instant_meeting");
      expect(fn?.inputSchema).toMatchObject({ type: "object", required: ["name", "email", "timezone"] });
      const called = await client.callTool({ name: "book_instant_meeting", arguments: { ...CALLER, timezone: TZ } });
      expect(JSON.stringify(called.content)).toMatch(/a team member is being rung to join you/);
    } finally {
      await client.close();
    }

    const retell = await api.request("GET", `/api/v1/tools/${tool.id}/export?format=retell`, { auth });
    const entry = (retell.body.data.tools as { name: string; url: string }[]).find((t) => t.name === "book_instant_meeting");
    const url = new URL(String(entry?.url));
    const res = await api.request("POST", url.pathname + url.search, {
      auth,
      body: { call: { call_id: "retell-instant-1" }, name: "book_instant_meeting", args: { name: "Grace Hopper", email: "grace@example.com", timezone: TZ } },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ result: expect.stringMatching(/^I've started a video meeting for you now/) });
  });
});
