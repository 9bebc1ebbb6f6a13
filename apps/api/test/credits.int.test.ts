import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NO_CREDITS_SENTENCE } from "../src/modules/credits/wording";
import { startTestApi, type TestApi } from "./support/test-api";
import { createActiveTool } from "./support/tools";

// Credits per interaction (issue 16 item 5) over real HTTP against the Cal.com sandbox: settings, the check before a
// call's first billable action, the hard-mode refusal sentence, "call completed" charging once (retried, concurrent,
// after a lost answer), soft mode's unpaid record, and the charges list.

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api?.close();
});

const MANAGE = "/api/v1/calcom/appointments/manage";

/** An organisation with a calendar agent on its own sandbox user (own credit balance), and its calls. */
async function calendar() {
  const { auth, orgId } = await api.org();
  const host = api.calcomUser("UTC");
  const eventType = api.sandbox.addEventType(host.id, { title: "Call", slug: `call-${host.id}`, lengthInMinutes: 30 }) as { id: number };
  const agent = (await api.request("POST", "/api/v1/agents/", { auth, body: { agentName: "Desk", calcomEventTypeId: eventType.id } })).body.data;
  expect((await api.request("POST", `/api/v1/calcom/agents/${agent.id}/connect`, { auth, body: { api_key: host.apiKey, api_base_url: api.sandboxUrl } })).status).toBe(201);
  const tool = await createActiveTool(api, auth, { name: "calendar", type: "calcom", agentId: agent.id, enabledFunctions: { values: ["suggest", "book", "reschedule", "cancel"] } });
  const manage = (body: Record<string, unknown>) => api.request("POST", MANAGE, { auth, body: { agent_id: agent.id, timezone: "UTC", ...body } });
  const slots: string[] = (await manage({ action: "suggest" })).body.data.slot_times;
  const book = (call: string, slot = slots[0]) => manage({ action: "book", call_session_id: call, name: "Ada", email: "ada@example.com", appointment_datetime: slot });
  const settings = (body: Record<string, unknown>) => api.request("PUT", "/api/v1/credits/settings", { auth, body });
  const complete = (call: string) => api.request("POST", `/api/v1/calcom/agents/${agent.id}/calls/${encodeURIComponent(call)}/complete`, { auth });
  const credits = () => api.sandbox.store.creditsOf(host.id);
  return { auth, orgId, host, agent, tool, manage, slots, book, settings, complete, credits };
}

describe("credit settings", () => {
  it("are off by default with book, reschedule and instant costing 1, and refuse bad bodies with the envelope", async () => {
    const { auth, settings } = await calendar();
    const got = await api.request("GET", "/api/v1/credits/settings", { auth });
    expect(got.status).toBe(200);
    expect(got.body.data).toEqual({ enabled: false, mode: "hard", credits_per_action: { book: 1, reschedule: 1, instant: 1 }, updated_at: null });
    for (const body of [{}, { mode: "strict" }, { credits_per_action: { book: -1 } }, { credits_per_action: { dance: 1 } }, { enabled: "yes" }]) {
      const res = await settings(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body).toMatchObject({ success: false, code: "INVALID_REQUEST", request_id: expect.any(String) });
    }
    const saved = await settings({ enabled: true, mode: "soft", credits_per_action: { book: 2, cancel: 1 } });
    expect(saved.body.data).toMatchObject({ enabled: true, mode: "soft", credits_per_action: { book: 2, cancel: 1 } });
    expect((await api.request("GET", "/api/v1/credits/settings", { auth })).body.data.credits_per_action).toEqual({ book: 2, cancel: 1 });
  });

  it("off: nothing is metered and completing a call charges nothing", async () => {
    const { book, complete, credits } = await calendar();
    expect((await book("off-1")).status).toBe(200);
    const done = await complete("off-1");
    expect(done.status).toBe(200);
    expect(done.body.data).toMatchObject({ credits: 0, actions: 0, status: "charged" });
    expect(credits().charges).toEqual([]);
  });
});

describe("metered calls", () => {
  it("add up a call's billable actions and charge them once, with externalRef = the call session, however often the call is completed", async () => {
    const { agent, manage, slots, book, settings, complete, credits } = await calendar();
    await settings({ enabled: true });
    const booked = await book("call-a");
    expect(booked.status).toBe(200);
    // A retried booking (same call, same content) replays its answer and is not counted again.
    expect((await book("call-a")).body.data.appointment_id).toBe(booked.body.data.appointment_id);
    await manage({ action: "suggest", call_session_id: "call-a" }); // free
    const moved = await manage({ action: "reschedule", call_session_id: "call-a", appointment_id: booked.body.data.appointment_id, appointment_datetime: slots[1] });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);

    const first = await complete("call-a");
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.data).toMatchObject({ credits: 2, actions: 2, status: "charged", call_session_id: "call-a", external_ref: `agni:${agent.id}:call-a` });
    const again = await complete("call-a");
    expect(again.body.data).toEqual(first.body.data);
    expect(credits().charges).toEqual([{ credits: 2, creditFor: "AI_AGENT", externalRef: `agni:${agent.id}:call-a` }]);
    expect(credits().monthlyRemaining).toBe(498);
  });

  it("completed concurrently: one Cal.com charge, one recorded charge, every answer the same", async () => {
    const { auth, book, settings, complete, credits } = await calendar();
    await settings({ enabled: true });
    expect((await book("call-b")).status).toBe(200);
    const answers = await Promise.all(Array.from({ length: 6 }, () => complete("call-b")));
    for (const a of answers) expect(a.status, JSON.stringify(a.body)).toBe(200);
    expect(new Set(answers.map((a) => a.body.data.id)).size).toBe(1);
    expect(answers.every((a) => a.body.data.status === "charged" && a.body.data.credits === 1)).toBe(true);
    expect(credits().charges).toHaveLength(1);
    const listed = await api.request("GET", "/api/v1/credits/charges", { auth });
    expect(listed.body.data.filter((c: { call_session_id: string }) => c.call_session_id === "call-b")).toHaveLength(1);
  });

  it("a charge whose answer was lost is retried by completing again, and Cal.com charges it once (externalRef)", async () => {
    const { host, book, settings, complete, credits } = await calendar();
    await settings({ enabled: true });
    expect((await book("call-c")).status).toBe(200);
    // Cal.com charges, then the connection drops before the answer (the client's one retry too).
    api.sandbox.faults.inject({ path: "/v2/credits/charge", apiKey: host.apiKey, drop: "after", times: 2 });
    const lost = await complete("call-c");
    expect(lost.status).toBe(502);
    expect(lost.body).toMatchObject({ success: false, code: "BAD_GATEWAY" });
    const retried = await complete("call-c");
    expect(retried.status).toBe(200);
    expect(retried.body.data).toMatchObject({ status: "charged", credits: 1, last_error: null });
    expect(credits().charges).toHaveLength(1);
    expect(credits().monthlyRemaining).toBe(499);
  });

  it("hard mode without credits: the billable action is refused with a sentence (manage and a voice platform's call); free ones go on", async () => {
    const { auth, host, tool, manage, slots, book, settings, complete, credits } = await calendar();
    await settings({ enabled: true, mode: "hard" });
    credits().monthlyRemaining = 0;
    const refused = await book("call-d");
    expect(refused.status).toBe(402);
    expect(refused.body).toMatchObject({ success: false, code: "PAYMENT_REQUIRED", message: NO_CREDITS_SENTENCE });
    // The same refusal reaches a voice platform as the sentence to say.
    const retell = await api.request("POST", `/api/v1/tools/${tool.id}/invoke?format=retell`, {
      auth,
      body: { call: { call_id: "call-d" }, name: "book_appointment", args: { timezone: "UTC", name: "Ada", email: "ada@example.com", appointment_datetime: slots[0] } },
    });
    expect(retell.status).toBe(200);
    expect(retell.body).toMatchObject({ success: false, result: NO_CREDITS_SENTENCE, data: { code: "PAYMENT_REQUIRED" } });
    expect((await manage({ action: "suggest", call_session_id: "call-d" })).status).toBe(200);
    expect(api.sandbox.bookings().filter((b) => b.userId === host.id)).toEqual([]);
    const done = await complete("call-d");
    expect(done.body.data).toMatchObject({ credits: 0, status: "charged" });
    expect(credits().charges).toEqual([]);
  });

  it("soft mode without credits: the call goes on and is recorded unpaid when Cal.com refuses the charge", async () => {
    const { auth, book, settings, complete, credits } = await calendar();
    await settings({ enabled: true, mode: "soft" });
    credits().monthlyRemaining = 0;
    expect((await book("call-e")).status).toBe(200);
    const done = await complete("call-e");
    expect(done.status).toBe(200);
    expect(done.body.data).toMatchObject({ credits: 1, status: "unpaid", no_credits_at_check: true, last_error: expect.any(String) });
    expect(done.body.message).toMatch(/unpaid/);
    const unpaid = await api.request("GET", "/api/v1/credits/charges?status=unpaid", { auth });
    expect(unpaid.body.data.map((c: { call_session_id: string }) => c.call_session_id)).toEqual(["call-e"]);
  });

  it("charges are the organisation's own: another organisation lists none and cannot complete its calls", async () => {
    const { agent, book, settings, complete } = await calendar();
    await settings({ enabled: true });
    await book("call-f");
    expect((await complete("call-f")).status).toBe(200);
    const other = await api.org();
    expect((await api.request("GET", "/api/v1/credits/charges", { auth: other.auth })).body.data).toEqual([]);
    const foreign = await api.request("POST", `/api/v1/calcom/agents/${agent.id}/calls/call-f/complete`, { auth: other.auth });
    expect(foreign.status).toBe(404);
  });
});
