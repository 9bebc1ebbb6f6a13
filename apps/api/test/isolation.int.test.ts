import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ContractRoute, contractRoutes } from "./support/contract-routes";
import { startTestApi, type TestApi } from "./support/test-api";
import { createActiveTool } from "./support/tools";

// Tenant isolation, generated from the contract: every route that names an object (in its path, query or body) is
// called by organisation A with organisation B's ids, with a JWT and with an API key. Nothing may succeed, nothing
// of B's may appear in an answer, and B's data must be untouched afterwards.

type Route = ContractRoute;
const routes = contractRoutes;

let api: TestApi;
const b = { agent: "", tool: "", account: "", appointment: "", apiKey: "", eventType: 0, calcomKey: "", webhook: "", delivery: "", waitlist: "" };
let bAuth: Record<string, string>;
let aJwt: Record<string, string>;
let aKey: Record<string, string>;
let aAgent = "";

beforeAll(async () => {
  api = await startTestApi();
  const orgB = await api.org();
  bAuth = orgB.auth;
  const host = api.calcomUser("Europe/Berlin");
  b.calcomKey = host.apiKey;
  b.eventType = (api.sandbox.addEventType(host.id, { title: "B intro", lengthInMinutes: 30 }) as { id: number }).id;
  b.agent = (await api.request("POST", "/api/v1/agents/", { auth: bAuth, body: { agentName: "B agent", calcomEventTypeId: b.eventType } })).body.data.id;
  await api.request("POST", `/api/v1/calcom/agents/${b.agent}/connect`, { auth: bAuth, body: { api_key: host.apiKey, api_base_url: api.sandboxUrl } });
  b.account = (await api.request("POST", "/api/v1/calcom/connect", { auth: bAuth, body: { api_key: api.calcomUser().apiKey, api_base_url: api.sandboxUrl } })).body.data.provider_id;
  b.tool = (await createActiveTool(api, bAuth, { name: "calendar", type: "calcom", agentId: b.agent, enabledFunctions: { values: ["book", "suggest", "cancel", "waitlist"] } })).id;
  const slots = (await api.request("POST", "/api/v1/calcom/appointments/manage", { auth: bAuth, body: { action: "suggest", agent_id: b.agent, timezone: "UTC" } })).body.data.slot_times;
  const slot = slots[0];
  b.appointment = (
    await api.request("POST", "/api/v1/calcom/appointments/manage", { auth: bAuth, body: { action: "book", agent_id: b.agent, timezone: "UTC", name: "B caller", email: "b@example.com", appointment_datetime: slot } })
  ).body.data.appointment_id;
  // A caller waiting for the (booked) first slot.
  const waitlistEnd = new Date(Date.parse(slot) + 60_000).toISOString();
  b.waitlist = (
    await api.request("POST", "/api/v1/calcom/appointments/manage", { auth: bAuth, body: { action: "waitlist", agent_id: b.agent, timezone: "UTC", name: "B waiter", phone: "+14155550199", window_start: slot, window_end: waitlistEnd } })
  ).body.data.waitlist_entry_id;
  b.apiKey = (await api.request("POST", "/api/v1/api-keys", { auth: bAuth, body: { name: "b" } })).body.data.id;
  // Subscribed after the booking, so B's one delivery comes from the cancel of a second booking.
  b.webhook = (await api.request("POST", "/api/v1/webhooks", { auth: bAuth, body: { url: "http://127.0.0.1:9/b", events: ["appointment.cancelled"] } })).body.data.id;
  const second = (
    await api.request("POST", "/api/v1/calcom/appointments/manage", { auth: bAuth, body: { action: "book", agent_id: b.agent, timezone: "UTC", name: "B caller", email: "b@example.com", appointment_datetime: slots[1] } })
  ).body.data.appointment_id;
  await api.request("POST", "/api/v1/calcom/appointments/manage", { auth: bAuth, body: { action: "cancel", agent_id: b.agent, timezone: "UTC", appointment_id: second } });
  b.delivery = (await api.request("GET", `/api/v1/webhooks/${b.webhook}/deliveries`, { auth: bAuth })).body.data[0].id;

  const orgA = await api.org();
  aJwt = orgA.auth;
  aKey = { "x-api-key": (await api.request("POST", "/api/v1/api-keys", { auth: aJwt, body: { name: "a" } })).body.data.key };
  aAgent = (await api.request("POST", "/api/v1/agents/", { auth: aJwt, body: { agentName: "A agent" } })).body.data.id;
});
afterAll(() => api?.close());

/** The request that aims route `key` at B's objects (null: the route names no object). */
function attack(key: string, route: Route): { path: string; body?: unknown }[] | null {
  const path = (ids: Record<string, string | number>, query = "") =>
    route.path.replace(/:(\w+)/g, (_m, name: string) => String(ids[name])) + query;
  switch (key) {
    case "agents.getAgent":
    case "agents.deleteAgent":
      return [{ path: path({ id: b.agent }) }];
    case "agents.updateAgent":
      return [{ path: path({ id: b.agent }), body: { agentName: "hijacked" } }];
    case "tools.getTool":
    case "tools.deleteTool":
      return [{ path: path({ id: b.tool }) }];
    case "tools.updateTool":
      return [{ path: path({ id: b.tool }), body: { description: "hijacked" } }];
    case "tools.exportTool":
      return [{ path: path({ id: b.tool }, "?format=openai") }];
    case "tools.invokeTool":
      return [{ path: path({ id: b.tool }, "?format=retell"), body: { name: "cancel_appointment", args: { appointment_id: b.appointment, timezone: "UTC" } } }];
    case "tools.listTools":
      return [{ path: `${route.path}?agentId=${b.agent}` }];
    case "apiKeys.revokeApiKey":
      return [{ path: path({ id: b.apiKey }) }];
    case "calcom.connectAgentCalcom":
      return [{ path: path({ agent_id: b.agent }), body: { api_key: b.calcomKey, api_base_url: api?.sandboxUrl } }];
    case "calcom.disconnectAgentCalcom":
    case "calcom.getAgentCalcomInfo":
    case "calcom.getAgentCalcomAccount":
    case "calcom.getAgentCalcomStatus":
      return [{ path: path({ agent_id: b.agent }) }];
    case "calcom.assignAgentCalcomAccount":
      return [
        { path: path({ agent_id: b.agent }), body: { calcom_account_id: null } },
        { path: path({ agent_id: aAgent }), body: { calcom_account_id: b.account } },
      ];
    case "calcom.disconnectCalcom":
      return [{ path: route.path, body: { provider_id: b.account } }];
    case "calcom.syncCalcomAccount":
      return [{ path: path({ account_id: b.account }) }];
    case "appointments.manageAppointment":
      return [
        { path: route.path, body: { action: "cancel", agent_id: b.agent, appointment_id: b.appointment, timezone: "UTC" } },
        { path: route.path, body: { action: "suggest", agent_id: b.agent, timezone: "UTC" } },
        { path: route.path, body: { action: "waitlist", agent_id: b.agent, timezone: "UTC", name: "A", phone: "+14155550198", window_start: "2030-01-07T09:00Z", window_end: "2030-01-07T12:00Z" } },
      ];
    case "appointments.listAppointments":
      return [{ path: `${route.path}?agent_id=${b.agent}&status=all` }];
    case "appointments.getAppointment":
      return [{ path: path({ appointment_id: b.appointment }) }];
    case "appointments.listEventTypes":
      return [{ path: `${route.path}?agent_id=${b.agent}` }];
    case "appointments.lookupEventType":
      return [{ path: path({ platform_id: b.eventType }, `?agent_id=${b.agent}`) }];
    case "webhooks.getWebhook":
    case "webhooks.deleteWebhook":
    case "webhooks.listWebhookDeliveries":
      return [{ path: path({ id: b.webhook }) }];
    case "webhooks.redeliverWebhookDelivery":
      return [{ path: path({ id: b.webhook, delivery_id: b.delivery }) }];
    case "waitlist.getWaitlistEntry":
    case "waitlist.cancelWaitlistEntry":
      return [{ path: path({ id: b.waitlist }) }];
    case "waitlist.listWaitlist":
      return [{ path: `${route.path}?agent_id=${b.agent}` }, { path: route.path }];
    case "credits.completeCall":
      return [{ path: path({ agent_id: b.agent, call_session_id: "b-call" }) }];
    default:
      return null; // creates and lists of one's own organisation, health
  }
}

const SCOPED = new Set(["agents.createAgent", "agents.listAgents", "tools.createTool", "apiKeys.createApiKey", "apiKeys.listApiKeys", "calcom.connectCalcom", "calcom.getCalcomStatus", "webhooks.createWebhook", "webhooks.listWebhooks", "credits.getCreditSettings", "credits.updateCreditSettings", "credits.listCreditCharges", "health.health", "health.ready"]);

describe("tenant isolation over every route of the contract", () => {
  it("knows every route (a new route must be added to the matrix)", () => {
    const unknown = routes.filter(([key, route]) => attack(key, route) === null && !SCOPED.has(key)).map(([key]) => key);
    expect(unknown).toEqual([]);
  });

  it.each(routes.filter(([key, route]) => attack(key, route) !== null))("%s refuses organisation B's objects to organisation A", async (key, route) => {
    const secrets = Object.values(b).map(String).filter((v) => v.length > 3);
    for (const auth of [aJwt, aKey]) {
      for (const request of attack(key, route)!) {
        const res = await api.request(route.method, request.path, { auth, body: request.body });
        // A list filtered by another organisation's agent is simply empty, exactly as for an agent that does not exist.
        const emptyList = (key === "tools.listTools" || key === "waitlist.listWaitlist") && res.status === 200 && res.body.data.length === 0;
        if (!emptyList) expect([401, 403, 404], `${route.method} ${request.path} → ${res.status} ${JSON.stringify(res.body)}`).toContain(res.status);
        const text = JSON.stringify(res.body);
        for (const secret of secrets) expect(text, `${key} leaked ${secret}`).not.toContain(secret);
      }
    }
  });

  it("leaves organisation B's data untouched", async () => {
    expect((await api.request("GET", `/api/v1/agents/${b.agent}/`, { auth: bAuth })).body.data.agentName).toBe("B agent");
    expect((await api.request("GET", `/api/v1/tools/${b.tool}/`, { auth: bAuth })).body.data.description).toBe("");
    expect((await api.request("GET", `/api/v1/calcom/agents/${b.agent}/account`, { auth: bAuth })).body.data).toMatchObject({ connected: true, type: "agent" });
    expect((await api.request("GET", "/api/v1/calcom/status", { auth: bAuth })).body.data.accounts.find((x: { id: string }) => x.id === b.account)).toMatchObject({ status: "active" });
    expect((await api.request("GET", `/api/v1/calcom/appointments/${b.appointment}`, { auth: bAuth })).body.data.appointment.status).toBe("accepted");
    expect((await api.request("GET", "/api/v1/api-keys", { auth: bAuth })).body.data.map((k: { id: string; revokedAt: string | null }) => k.id)).toContain(b.apiKey);
    expect((await api.request("GET", `/api/v1/webhooks/${b.webhook}`, { auth: bAuth })).status).toBe(200);
    expect((await api.request("GET", "/api/v1/credits/charges", { auth: bAuth })).body.data).toEqual([]);
    expect((await api.request("GET", `/api/v1/waitlist/${b.waitlist}`, { auth: bAuth })).body.data).toMatchObject({ status: "waiting", attendee_phone: "+14155550199" });
    expect((await api.request("GET", `/api/v1/webhooks/${b.webhook}/deliveries`, { auth: bAuth })).body.data.map((d: { id: string; attempt_count: number }) => d.id)).toEqual([b.delivery]);
  });
});
