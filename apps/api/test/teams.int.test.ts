import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "./support/test-api";
import { createActiveTool } from "./support/tools";

// Teams (issue 16, item 3) against the sandbox over HTTP: an agent whose event type is a team's books across the hosts
// as Cal.com assigns them — round-robin to any free host (named in the answer), collective only when every host is
// free — and a reschedule keeps the round-robin host where the event type says so.

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api?.close();
});

const MANAGE = "/api/v1/calcom/appointments/manage";

/** A Cal.com call straight to the sandbox (what happens in Cal.com outside Agni). */
async function sandboxCall(method: string, path: string, body?: unknown, version = "2024-08-13") {
  const res = await fetch(new URL(path, api.sandboxUrl), { method, headers: { "cal-api-version": version, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  return (await res.json()) as { data: any };
}

async function setup(options: { collective?: boolean } = {}) {
  const { auth } = await api.org();
  const owner = api.calcomUser("UTC");
  const tag = randomUUID().slice(0, 8);
  const { user: dana } = api.sandbox.addUser({ username: `dana-${tag}`, name: "Dana", timeZone: "UTC" });
  const { user: sam } = api.sandbox.addUser({ username: `sam-${tag}`, name: "Sam", timeZone: "UTC" });
  const team = api.sandbox.addTeam({ name: "Front desk", slug: `desk-${tag}`, members: [{ userId: owner.id, role: "OWNER" }, { userId: dana.id }, { userId: sam.id }] });
  const eventType = api.sandbox.addTeamEventType(team.id, {
    title: options.collective ? "Panel" : "Intro",
    slug: options.collective ? "panel" : "intro",
    lengthInMinutes: 30,
    schedulingType: options.collective ? "collective" : "roundRobin",
    hosts: [{ userId: dana.id }, { userId: sam.id }],
    rescheduleWithSameRoundRobinHost: true,
  });
  const agent = (await api.request("POST", "/api/v1/agents/", { auth, body: { agentName: "Desk", calcomEventTypeId: eventType.id } })).body.data;
  const connected = await api.request("POST", `/api/v1/calcom/agents/${agent.id}/connect`, { auth, body: { api_key: owner.apiKey, api_base_url: api.sandboxUrl } });
  expect(connected.status, JSON.stringify(connected.body)).toBe(201);
  await createActiveTool(api, auth, { name: "calendar", type: "calcom", agentId: agent.id, enabledFunctions: { values: ["suggest", "availability", "book", "reschedule", "cancel", "link"] } });
  const manage = (body: Record<string, unknown>) => api.request("POST", MANAGE, { auth, body: { agent_id: agent.id, timezone: "UTC", ...body } });
  /** The team event type's open times as Cal.com has them now (read from the sandbox, not through Agni's cache). */
  const calcomSlots = async (): Promise<string[]> => {
    const start = new Date().toISOString().slice(0, 10);
    const end = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
    const data = (await sandboxCall("GET", `/v2/slots?eventTypeId=${eventType.id}&start=${start}&end=${end}`, undefined, "2024-09-04")).data as Record<string, { start: string }[]>;
    return Object.values(data).flat().map((s) => s.start);
  };
  /** A booking of `userId`'s own event type at `start`, made in Cal.com: that host is busy then. */
  const busy = async (userId: number, start: string) => {
    const own = api.sandbox.addEventType(userId, { title: "Own", slug: `own-${randomUUID().slice(0, 8)}`, lengthInMinutes: 30 }) as { id: number };
    const made = await sandboxCall("POST", "/v2/bookings", { start, eventTypeId: own.id, attendee: { name: "Someone", email: "someone@example.com", timeZone: "UTC" } });
    expect(made.data.status).toBe("accepted");
  };
  const get = async (id: string) => (await api.request("GET", `/api/v1/calcom/appointments/${id}`, { auth })).body.data.appointment;
  const hostOf = (uid: string) => api.sandbox.bookings().find((b: { uid: string }) => b.uid === uid)?.hosts[0]?.name;
  const accountId: string = connected.body.data.provider_id;
  const list = async () => (await api.request("GET", `/api/v1/calcom/appointments?agent_id=${agent.id}&status=all`, { auth })).body.data.appointments as { calcom_booking_uid: string; host_name: string | null; source: string }[];
  return { auth, team, dana, sam, eventType, manage, calcomSlots, busy, get, hostOf, accountId, list };
}

const book = (c: Awaited<ReturnType<typeof setup>>, slot: string) => c.manage({ action: "book", name: "Ada", email: "ada@example.com", appointment_datetime: slot });

describe("round-robin team event types", () => {
  it("a booking names the host Cal.com gave it to, and the appointment keeps it", async () => {
    const c = await setup();
    const [slot] = await c.calcomSlots();
    const res = await book(c, slot!);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.message).toMatch(/^You're booked with Dana for .+\.$/);
    const shown = await c.get(res.body.data.appointment_id);
    expect(shown).toMatchObject({ host_name: "Dana", calcom_team_id: c.team.id });
    expect(c.hostOf(shown.calcom_booking_uid)).toBe("Dana");
  });

  it("a time stays open while one host is busy, and goes to the other host", async () => {
    const c = await setup();
    const [slot] = await c.calcomSlots();
    await c.busy(c.dana.id, slot!);
    const offered = await c.manage({ action: "availability", days_ahead: 14 });
    expect(offered.status, JSON.stringify(offered.body)).toBe(200);
    expect(offered.body.data.slot_times).toContain(slot);
    const res = await book(c, slot!);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.message).toMatch(/^You're booked with Sam for .+\.$/);
  });

  it("a reschedule keeps the host (rescheduleWithSameRoundRobinHost), and a time only the other host has is refused", async () => {
    const c = await setup();
    const slots = await c.calcomSlots();
    const [first, second, third] = [slots[0], slots[4], slots[8]];
    const booked = await book(c, first!);
    expect(booked.body.data.message).toMatch(/with Dana/);
    const moved = await c.manage({ action: "reschedule", appointment_id: booked.body.data.appointment_id, appointment_datetime: second });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body.data.message).toMatch(/^Your appointment with Dana is moved to .+\.$/);
    const shown = await c.get(booked.body.data.appointment_id);
    expect(shown.host_name).toBe("Dana");
    expect(c.hostOf(shown.calcom_booking_uid)).toBe("Dana");
    await c.busy(c.dana.id, third!);
    const refused = await c.manage({ action: "reschedule", appointment_id: booked.body.data.appointment_id, appointment_datetime: third });
    expect(refused.status, JSON.stringify(refused.body)).toBe(422);
    expect(refused.body.code).toBe("SLOT_UNAVAILABLE");
  });
});

describe("booking links of team event types", () => {
  it("open the team's booking page, /team/<team slug>/<event slug>", async () => {
    const c = await setup();
    const [slot] = await c.calcomSlots();
    const res = await c.manage({ action: "link", name: "Ada", email: "ada@example.com", appointment_datetime: slot });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const url = new URL(res.body.data.booking_url);
    expect(url.pathname).toBe(`/team/${c.team.slug}/intro`);
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`&#34;event_type_id&#34;:${c.eventType.id}`);
  });
});

describe("team bookings made in Cal.com", () => {
  it("reach the mirror at once through the event type's webhook (Cal.com fires no user webhook for them), with their host and team", async () => {
    const c = await setup();
    const [slot] = await c.calcomSlots();
    await api.mirrorSettled(); // the connect's first reconciliation is over
    const made = await sandboxCall("POST", "/v2/bookings", { start: slot, eventTypeId: c.eventType.id, attendee: { name: "Grace", email: "grace@example.com", timeZone: "UTC" } });
    expect(made.data.hosts[0].name).toBe("Dana");
    await api.mirrorSettled();
    expect((await c.list()).find((a) => a.calcom_booking_uid === made.data.uid)).toMatchObject({ host_name: "Dana", source: "calcom" });
    const [row] = (await c.list()).filter((a) => a.calcom_booking_uid === made.data.uid) as unknown as { id: string }[];
    expect(await c.get(row!.id)).toMatchObject({ calcom_team_id: c.team.id });
  });
});

describe("collective team event types", () => {
  it("a time is open only when every host is free; the booking names them all", async () => {
    const c = await setup({ collective: true });
    const [taken, free] = await c.calcomSlots();
    await c.busy(c.sam.id, taken!);
    const offered = await c.manage({ action: "availability", days_ahead: 14 });
    expect(offered.body.data.slot_times).not.toContain(taken);
    expect(offered.body.data.slot_times).toContain(free);
    const refused = await book(c, taken!);
    expect(refused.status, JSON.stringify(refused.body)).toBe(422);
    const res = await book(c, free!);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.message).toMatch(/^You're booked with Dana and Sam for .+\.$/);
  });
});
