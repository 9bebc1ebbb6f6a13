import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "./support/test-api";
import { TEST_DATABASE_KIND } from "./support/test-database";

// Team bookings reach the mirror at once (issue 16, item 3). Cal.com fires no user-level webhook for a team event
// type's bookings, so connecting registers an event-type webhook on the agent's team event type (a team admin's or
// owner's key may; a member's may not, and its team bookings come through reconciliation alone). A round-robin booking
// made on the sandbox's booking page, and its cancellation, must show in Agni without any reconciliation run.

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api?.close();
});

/** A Cal.com call straight to the sandbox (what happens in Cal.com outside Agni). */
async function sandboxCall(method: string, path: string, apiKey?: string, version = "2024-08-13") {
  const headers: Record<string, string> = { "cal-api-version": version };
  if (apiKey) headers.authorization = `Bearer ${apiKey}`;
  const res = await fetch(new URL(path, api.sandboxUrl), { method, headers });
  return { status: res.status, body: (await res.json()) as { data: any } };
}

/** A team (the key owner its OWNER, or a plain MEMBER with `member`), a round-robin event type, and an agent on it, connected. */
async function teamCalendar(options: { member?: boolean } = {}) {
  const { auth } = await api.org();
  const owner = api.calcomUser("UTC");
  const tag = randomUUID().slice(0, 8);
  const { user: dana, apiKey: danaKey } = api.sandbox.addUser({ username: `dana-${tag}`, name: "Dana", timeZone: "UTC" });
  const { user: sam } = api.sandbox.addUser({ username: `sam-${tag}`, name: "Sam", timeZone: "UTC" });
  const team = api.sandbox.addTeam({ name: "Front desk", slug: `desk-${tag}`, members: [{ userId: owner.id, role: "OWNER" }, { userId: dana.id, role: "MEMBER" }, { userId: sam.id, role: "MEMBER" }] });
  const eventType = api.sandbox.addTeamEventType(team.id, { title: "Intro", slug: "intro", lengthInMinutes: 30, schedulingType: "roundRobin", hosts: [{ userId: dana.id }, { userId: sam.id }] });
  const agent = (await api.request("POST", "/api/v1/agents/", { auth, body: { agentName: "Desk", calcomEventTypeId: eventType.id } })).body.data;
  const key = options.member ? danaKey : owner.apiKey;
  const connected = await api.request("POST", `/api/v1/calcom/agents/${agent.id}/connect`, { auth, body: { api_key: key, api_base_url: api.sandboxUrl } });
  expect(connected.status, JSON.stringify(connected.body)).toBe(201);
  const accountId: string = connected.body.data.provider_id;
  await api.mirrorSettled();
  const hooksPath = `/v2/teams/${team.id}/event-types/${eventType.id}/webhooks`;
  const get = async (uid: string) => {
    const res = await api.request("GET", `/api/v1/calcom/appointments/${uid}`, { auth });
    return res.status === 200 ? res.body.data.appointment : null;
  };
  const slots = async (): Promise<string[]> => {
    const start = new Date().toISOString().slice(0, 10);
    const end = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
    const data = (await sandboxCall("GET", `/v2/slots?eventTypeId=${eventType.id}&start=${start}&end=${end}`, undefined, "2024-09-04")).body.data as Record<string, { start: string }[]>;
    return Object.values(data).flat().map((s) => s.start);
  };
  const rows = () => api.prisma.calcomEventTypeWebhook.findMany({ where: { calcomAccountId: accountId } });
  const reconciledAt = async () => (await api.prisma.calcomAccount.findUniqueOrThrow({ where: { id: accountId } })).reconciledAt?.getTime() ?? null;
  return { auth, owner, agent, team, eventType, accountId, hooksPath, get, slots, rows, reconciledAt };
}

describe(`team bookings reach the mirror at once (${TEST_DATABASE_KIND})`, () => {
  it("a round-robin booking made on the booking page, and its cancellation, show in Agni without reconciliation", async () => {
    const c = await teamCalendar();
    const [row] = await c.rows();
    expect(row).toMatchObject({ teamId: c.team.id, eventTypeId: c.eventType.id, calcomWebhookId: expect.any(Number), error: null });
    const hooks = (await sandboxCall("GET", c.hooksPath, c.owner.apiKey, "")).body.data;
    expect(hooks).toEqual([expect.objectContaining({ id: row?.calcomWebhookId, subscriberUrl: `${api.url}/api/v1/calcom/webhooks/${c.accountId}`, active: true })]);

    const before = await c.reconciledAt();
    const [slot] = await c.slots();
    const booking = await api.sandbox.webApp.book({ start: slot, eventTypeId: c.eventType.id, attendee: { name: "Walk In", email: "walk-in@example.com", timeZone: "UTC" } });
    await api.mirrorSettled();
    expect(await c.get(booking.uid)).toMatchObject({ calcom_booking_uid: booking.uid, status: "accepted", source: "calcom", host_name: expect.stringMatching(/^(Dana|Sam)$/), calcom_team_id: c.team.id });

    await api.sandbox.webApp.cancel(booking.uid, { by: "attendee" });
    await api.mirrorSettled();
    expect((await c.get(booking.uid))?.status).toBe("cancelled");
    expect(await c.reconciledAt()).toBe(before); // no reconciliation ran meanwhile: the webhook brought both
  });

  it("a key of a plain team member cannot register one (Cal.com's guard): the connect succeeds and the refusal is kept", async () => {
    const c = await teamCalendar({ member: true });
    expect(await c.rows()).toEqual([expect.objectContaining({ eventTypeId: c.eventType.id, calcomWebhookId: null, error: expect.stringMatching(/only a team admin or owner/) })]);
    expect(api.logs.some((l) => l.includes("could not register a team event type's Cal.com webhook"))).toBe(true);
    // Its team bookings arrive through reconciliation (the member, Dana, hosts this one: her key's bookings list shows it).
    const [slot] = await c.slots();
    const booking = await api.sandbox.webApp.book({ start: slot, eventTypeId: c.eventType.id, attendee: { name: "Walk In", email: "walk-in@example.com", timeZone: "UTC" } });
    expect(booking.hosts[0]?.name).toBe("Dana");
    await api.mirrorSettled();
    expect(await c.get(booking.uid)).toBeNull();
    const sync = await api.request("POST", `/api/v1/calcom/accounts/${c.accountId}/sync`, { auth: c.auth });
    expect(sync.status, JSON.stringify(sync.body)).toBe(200);
    expect(await c.get(booking.uid)).toMatchObject({ status: "accepted", host_name: "Dana", calcom_team_id: c.team.id });
  });

  it("an agent on its own event type costs no team look-up on every reconciliation (remembered as not a team's)", async () => {
    const { auth } = await api.org();
    const host = api.calcomUser("UTC");
    api.sandbox.addTeam({ name: "Elsewhere", slug: `elsewhere-${randomUUID().slice(0, 8)}`, members: [{ userId: host.id, role: "OWNER" }] });
    const own = api.sandbox.addEventType(host.id, { title: "Own", slug: `own-${randomUUID().slice(0, 8)}`, lengthInMinutes: 30 }) as { id: number };
    const agent = (await api.request("POST", "/api/v1/agents/", { auth, body: { agentName: "Own desk", calcomEventTypeId: own.id } })).body.data;
    const connected = await api.request("POST", `/api/v1/calcom/agents/${agent.id}/connect`, { auth, body: { api_key: host.apiKey, api_base_url: api.sandboxUrl } });
    expect(connected.status).toBe(201);
    await api.mirrorSettled();
    const teamReads = () => api.sandbox.requests.filter((r) => r.method === "GET" && r.path.startsWith("/v2/teams")).length;
    const sync = () => api.request("POST", `/api/v1/calcom/accounts/${connected.body.data.provider_id}/sync`, { auth });
    expect((await sync()).status).toBe(200);
    const before = teamReads();
    expect((await sync()).status).toBe(200);
    expect((await sync()).status).toBe(200);
    expect(teamReads()).toBe(before);
  });

  it("moving the agent to another event type removes the team event type's webhook; so does disconnecting", async () => {
    const c = await teamCalendar();
    const [row] = await c.rows();
    expect(row?.calcomWebhookId).toEqual(expect.any(Number));
    const own = api.sandbox.addEventType(c.owner.id, { title: "Own", slug: `own-${randomUUID().slice(0, 8)}`, lengthInMinutes: 30 }) as { id: number };
    const moved = await api.request("PATCH", `/api/v1/agents/${c.agent.id}`, { auth: c.auth, body: { calcomEventTypeId: own.id } });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    await api.mirrorSettled();
    expect(await c.rows()).toEqual([]);
    expect((await sandboxCall("GET", c.hooksPath, c.owner.apiKey, "")).body.data).toEqual([]);

    const back = await api.request("PATCH", `/api/v1/agents/${c.agent.id}`, { auth: c.auth, body: { calcomEventTypeId: c.eventType.id } });
    expect(back.status).toBe(200);
    await api.mirrorSettled();
    expect(await c.rows()).toEqual([expect.objectContaining({ calcomWebhookId: expect.any(Number) })]);
    expect((await api.request("POST", `/api/v1/calcom/agents/${c.agent.id}/disconnect`, { auth: c.auth })).status).toBe(200);
    expect(await c.rows()).toEqual([]);
    expect((await sandboxCall("GET", c.hooksPath, c.owner.apiKey, "")).body.data).toEqual([]);
  });
});
