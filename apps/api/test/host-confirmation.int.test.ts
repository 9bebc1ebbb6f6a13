import { readFileSync } from "node:fs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import Ajv from "ajv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "./support/test-api";
import { createActiveTool } from "./support/tools";
import { startReceiver, type WebhookReceiver } from "./support/webhook-receiver";

// Host confirmation (issue 16, item 2) against the sandbox over HTTP with the mirror live: a booking of an event type
// that requires confirmation is a pending request; the host's decision — through Agni's confirm/decline, or in
// Cal.com's web app arriving by webhook — is what the caller's next get says, with one event per decision.

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
const DECISIONS = ["appointment.requested", "appointment.confirmed", "appointment.declined"];

async function setup() {
  const { auth, orgId } = await api.org();
  const host = api.calcomUser("UTC");
  const eventType = api.sandbox.addEventType(host.id, { title: "Consult", slug: `consult-${host.id}`, lengthInMinutes: 30, requiresConfirmation: true }) as { id: number };
  const agent = (await api.request("POST", "/api/v1/agents/", { auth, body: { agentName: "Desk", calcomEventTypeId: eventType.id } })).body.data;
  const connected = await api.request("POST", `/api/v1/calcom/agents/${agent.id}/connect`, { auth, body: { api_key: host.apiKey, api_base_url: api.sandboxUrl } });
  expect(connected.status, JSON.stringify(connected.body)).toBe(201);
  const tool = await createActiveTool(api, auth, { name: "calendar", type: "calcom", agentId: agent.id, enabledFunctions: { values: ["suggest", "book", "cancel", "confirm", "decline"] } });
  const receiver = await startReceiver();
  receivers.push(receiver);
  expect((await api.request("POST", "/api/v1/webhooks", { auth, body: { url: receiver.url, events: DECISIONS } })).status).toBe(201);
  const manage = (body: Record<string, unknown>) => api.request("POST", MANAGE, { auth, body: { agent_id: agent.id, timezone: "UTC", ...body } });
  const slots: string[] = (await manage({ action: "suggest", days_ahead: 14 })).body.data.slot_times;
  const get = async (id: string) => (await api.request("GET", `/api/v1/calcom/appointments/${id}`, { auth })).body.data.appointment;
  const events = async () => (await api.prisma.appointmentEvent.findMany({ where: { organizationId: orgId }, orderBy: { createdAt: "asc" } })).map((e) => e.type);
  const book = async (slot: string) => {
    const res = await manage({ action: "book", name: "Ada", email: "ada@example.com", appointment_datetime: slot });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.data;
  };
  return { auth, agentId: agent.id as string, toolId: tool.id as string, manage, slots, get, events, book, receiver };
}

describe("host confirmation", () => {
  it("book answers a pending request, stored and reported as pending", async () => {
    const c = await setup();
    const booked = await c.book(c.slots[0]!);
    expect(booked.action_required).toBe("awaiting_host_confirmation");
    expect(booked.message).toMatch(/^I've sent your request for .+ to the host; you'll get an email once they confirm it\.$/);
    const shown = await c.get(booked.appointment_id);
    expect(shown.status).toBe("pending");
    expect(shown.status_message).toMatch(/is waiting for the host to confirm it/);
  });

  it("confirm through Agni: confirmed in Cal.com and in the caller's next get, one appointment.confirmed even with Cal.com's webhook", async () => {
    const c = await setup();
    const booked = await c.book(c.slots[0]!);
    const res = await c.manage({ action: "confirm", appointment_id: booked.appointment_id });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.message).toMatch(/^Confirmed: Your appointment for .+ is confirmed\.$/);
    await api.mirrorSettled();
    const shown = await c.get(booked.appointment_id);
    expect(shown).toMatchObject({ status: "accepted" });
    expect(shown.status_message).toMatch(/is confirmed\.$/);
    expect(api.sandbox.bookings().find((b: { uid: string }) => b.uid === shown.calcom_booking_uid)).toMatchObject({ status: "accepted" });
    expect(await c.events()).toEqual(["appointment.requested", "appointment.confirmed"]);
    await c.receiver.waitFor(2);
    expect(c.receiver.received.map((r) => r.event.type)).toEqual(["appointment.requested", "appointment.confirmed"]);
    // The same request again (a retried function call) is answered as the first time, not decided twice.
    const again = await c.manage({ action: "confirm", appointment_id: booked.appointment_id });
    expect(again.body.data?.message).toBe(res.body.data.message);
    expect(await c.events()).toEqual(["appointment.requested", "appointment.confirmed"]);
  });

  it("decline through Agni reaches the caller's next get, one appointment.declined", async () => {
    const c = await setup();
    const booked = await c.book(c.slots[0]!);
    const res = await c.manage({ action: "decline", appointment_id: booked.appointment_id, notes: "Fully booked that day" });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    await api.mirrorSettled();
    const shown = await c.get(booked.appointment_id);
    expect(shown.status).toBe("declined");
    expect(shown.status_message).toMatch(/^Your request for .+ was declined by the host\. They said: Fully booked that day$/);
    expect(await c.events()).toEqual(["appointment.requested", "appointment.declined"]);
    const confirm = await c.manage({ action: "confirm", appointment_id: booked.appointment_id });
    expect(confirm.status).toBe(409);
    expect(confirm.body).toMatchObject({ success: false, code: "CONFLICT" });
    expect(confirm.body.message).toMatch(/^That booking isn't waiting for the host's confirmation: Your request for .+ was declined by the host\. They said: Fully booked that day$/);
  });

  it("confirming a booking the host already confirmed in Cal.com's web app is a 409 saying it is confirmed; nothing is recorded twice", async () => {
    const c = await setup();
    const booked = await c.book(c.slots[0]!);
    const uid = (await c.get(booked.appointment_id)).calcom_booking_uid;
    await api.sandbox.webApp.confirm(uid);
    await api.mirrorSettled();
    const res = await c.manage({ action: "confirm", appointment_id: booked.appointment_id });
    expect(res.status, JSON.stringify(res.body)).toBe(409);
    expect(res.body.message).toMatch(/^That booking isn't waiting for the host's confirmation: Your appointment for .+ is confirmed\.$/);
    expect(await c.events()).toEqual(["appointment.requested", "appointment.confirmed"]);
  });

  it("a new calcom tool does not enable confirm or decline (host-side functions are opt-in)", async () => {
    const { auth } = await api.org();
    const host = api.calcomUser("UTC");
    const eventType = api.sandbox.addEventType(host.id, { title: "Call", slug: `call-${host.id}`, lengthInMinutes: 30 }) as { id: number };
    const agent = (await api.request("POST", "/api/v1/agents/", { auth, body: { agentName: "Desk", calcomEventTypeId: eventType.id } })).body.data;
    await api.request("POST", `/api/v1/calcom/agents/${agent.id}/connect`, { auth, body: { api_key: host.apiKey, api_base_url: api.sandboxUrl } });
    await createActiveTool(api, auth, { name: "calendar", type: "calcom", agentId: agent.id });
    const manage = (body: Record<string, unknown>) => api.request("POST", MANAGE, { auth, body: { agent_id: agent.id, timezone: "UTC", ...body } });
    const slot = (await manage({ action: "suggest" })).body.data.slot_times[0];
    const booked = (await manage({ action: "book", name: "Bo", email: "bo@example.com", appointment_datetime: slot })).body.data;
    expect(booked.message).toMatch(/^You're booked for /);
    const res = await manage({ action: "confirm", appointment_id: booked.appointment_id });
    expect(res.status).toBe(403);
    expect(res.body.message).toMatch(/does not allow "confirm"/);
  });

  it("a host decline in Cal.com's web app arrives by webhook and reaches the caller's next get", async () => {
    const c = await setup();
    const booked = await c.book(c.slots[0]!);
    const uid = (await c.get(booked.appointment_id)).calcom_booking_uid;
    await api.sandbox.webApp.reject(uid, { reason: "Away" });
    await api.mirrorSettled();
    const shown = await c.get(booked.appointment_id);
    expect(shown.status).toBe("declined");
    expect(shown.status_message).toMatch(/was declined by the host/);
    expect(await c.events()).toEqual(["appointment.requested", "appointment.declined"]);
    const cancel = await c.manage({ action: "cancel", appointment_id: booked.appointment_id });
    expect(cancel.status, JSON.stringify(cancel.body)).toBe(200);
    expect(cancel.body.data.message).toMatch(/^Your request for .+ was already declined by the host, so there is nothing to cancel\.$/);
    await c.receiver.waitFor(2);
    expect(c.receiver.received.map((r) => r.event.type)).toEqual(["appointment.requested", "appointment.declined"]);
  });
});

describe("confirm_appointment / decline_appointment in exports and over MCP", () => {
  const ajv = new Ajv({ strict: false, allErrors: true });
  const platformShape = (format: string) => ajv.compile(JSON.parse(readFileSync(new URL(`./fixtures/tool-export/${format}.schema.json`, import.meta.url), "utf8")));
  const nameOf = (format: string, entry: { name?: string; function?: { name: string } }) => (format === "openai" || format === "vapi" ? entry.function?.name : entry.name);

  it.each(["openai", "anthropic", "mcp", "retell", "vapi", "elevenlabs"])("%s lists them when the tool enables them", async (format) => {
    const c = await setup();
    const res = await api.request("GET", `/api/v1/tools/${c.toolId}/export?format=${format}`, { auth: c.auth });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const entries = res.body.data.tools;
    const valid = platformShape(format);
    for (const entry of entries) expect(valid(entry), JSON.stringify(valid.errors)).toBe(true);
    expect(entries.map((e: { name?: string; function?: { name: string } }) => nameOf(format, e)).sort()).toEqual([
      "book_appointment",
      "cancel_appointment",
      "confirm_appointment",
      "decline_appointment",
      "suggest_appointment_times",
    ]);
  });

  it("an MCP client lists them and a host-side agent confirms a request with confirm_appointment", async () => {
    const c = await setup();
    const booked = await c.book(c.slots[1]!);
    const client = new Client({ name: "agni-test", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${api.url}/mcp?agent_id=${c.agentId}`), { requestInit: { headers: c.auth } }));
    try {
      const names = (await client.listTools()).tools.map((t) => t.name);
      expect(names).toEqual(expect.arrayContaining(["confirm_appointment", "decline_appointment"]));
      const called = await client.callTool({ name: "confirm_appointment", arguments: { appointment_id: booked.appointment_id, timezone: "UTC" } });
      expect(called.isError ?? false, JSON.stringify(called)).toBe(false);
      expect(JSON.stringify(called.content)).toMatch(/Confirmed: Your appointment for .+ is confirmed\./);
    } finally {
      await client.close();
    }
    expect((await c.get(booked.appointment_id)).status).toBe("accepted");
  });
});
