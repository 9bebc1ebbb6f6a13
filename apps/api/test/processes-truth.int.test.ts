import { createSandbox, type Sandbox } from "@agni/calcom-sandbox";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../src/db/database";
import { type ApiProcess, bearer, callApi, deploymentSecrets, setUpCalendarAgent, setUpSharedCalendar, startApiProcess } from "./support/api-process";
import { createTestDatabase, TEST_DATABASE_KIND } from "./support/test-database";

// What callers hear stays true across replicas: two API processes on one PostgreSQL database, the Cal.com sandbox
// over HTTP. Two agents on one calendar booking the same caller, and concurrent changes of one appointment.

const MANAGE = "/api/v1/calcom/appointments/manage";

let db: Database & { url?: string };
let sandbox: Sandbox;
let sandboxServer: { url: string; close(): Promise<void> };
const secrets = deploymentSecrets();
let a: ApiProcess;
let b: ApiProcess;
let auth: Record<string, string>;

const manage = (p: ApiProcess, body: Record<string, unknown>) => callApi(p.url, auth, "POST", MANAGE, { timezone: "UTC", ...body });
const live = (userId: number) => sandbox.bookings().filter((x) => x.userId === userId && x.status !== "cancelled");

describe.skipIf(TEST_DATABASE_KIND !== "postgres")("what callers hear, across two API processes", () => {
  beforeAll(async () => {
    db = await createTestDatabase();
    sandbox = createSandbox({ rateLimitPerMinute: 1_000_000 });
    sandboxServer = await sandbox.listen(0, "127.0.0.1");
    auth = await bearer(secrets.AGNI_JWT_SECRET, `org-truth-${Date.now()}`);
    // Long Cal.com bounds: a test holds one Cal.com answer until every other caller has been answered.
    const env = { ...secrets, DATABASE_URL: db.url, AGNI_CALCOM_TIMEOUT_MS: "30000", AGNI_CALCOM_DEADLINE_MS: "40000" };
    [a, b] = await Promise.all([startApiProcess(env), startApiProcess(env)]);
  });
  // A test that fails half-way must not leave its injected Cal.com faults to the next one.
  afterEach(() => sandbox?.faults.clear());
  afterAll(async () => {
    for (const p of [a, b]) if (p && p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL");
    await Promise.all([a, b].filter(Boolean).map((p) => p.exited));
    await sandboxServer?.close();
    await db?.close();
  });

  it("two agents on one account booking the same caller and time at once: one agent's booking, the other hears 422", async () => {
    const { agents, user } = await setUpSharedCalendar(a.url, auth, { it: sandbox, url: sandboxServer.url }, ["Sales", "Support"]);
    const slot = (await manage(a, { action: "suggest", agent_id: agents[0]!.agent.id })).body.data.slot_times[0] as string;
    const book = { action: "book", name: "Bob", email: "bob@example.com", appointment_datetime: slot };
    // Five calls through each agent, each agent on its own replica, each call its own conversation.
    const calls = Array.from({ length: 10 }, (_, i) => ({ agent: agents[i % 2]!.agent.id, replica: i % 2 ? b : a, session: `call-${i}` }));
    const answers = await Promise.all(calls.map((c) => manage(c.replica, { ...book, agent_id: c.agent, call_session_id: c.session })));

    const ok = answers.flatMap((r, i) => (r.status === 200 ? [{ agent: calls[i]!.agent, id: r.body.data.appointment_id as string }] : []));
    const refused = answers.filter((r) => r.status !== 200);
    expect(ok.length).toBeGreaterThan(0);
    expect(new Set(ok.map((x) => x.agent)).size).toBe(1); // one agent holds the booking…
    expect(new Set(ok.map((x) => x.id)).size).toBe(1); // …as one appointment
    for (const r of refused) {
      expect(r.status).toBe(422);
      expect(r.body).toMatchObject({ code: "SLOT_UNAVAILABLE", message: expect.stringMatching(/ is already booked for you/) });
    }
    expect(live(user.id)).toHaveLength(1);
    expect(await db.prisma.appointment.count({ where: { calcomBookingUids: { has: live(user.id)[0]!.uid } } })).toBe(1);
  });

  it("ten reschedules of one appointment split across both replicas: one moves it, nine hear a conflict", async () => {
    const { agent, user } = await setUpCalendarAgent(a.url, auth, { it: sandbox, url: sandboxServer.url }, "Mover", ["availability", "book", "reschedule"]);
    const slots = (await manage(a, { action: "availability", agent_id: agent.id })).body.data.slot_times as string[];
    const id = (await manage(a, { action: "book", agent_id: agent.id, name: "Pat", email: "pat@example.com", appointment_datetime: slots[0] })).body.data.appointment_id;
    let release!: () => void;
    sandbox.faults.inject({ path: /\/reschedule$/, method: "POST", until: new Promise<void>((resolve) => (release = resolve)) });
    let answered = 0;
    const all = Promise.all(
      slots.slice(1, 11).map((t, i) =>
        manage(i % 2 ? b : a, { action: "reschedule", agent_id: agent.id, appointment_id: id, appointment_datetime: t, call_session_id: `line-${i}` }).then((r) => {
          answered += 1;
          return r;
        }),
      ),
    );
    try {
      await expect.poll(() => answered, { timeout: 30_000, interval: 20 }).toBeGreaterThanOrEqual(9);
    } finally {
      release();
      sandbox.faults.clear();
    }
    const results = await all;
    const won = results.filter((r) => r.status === 200);
    expect(won).toHaveLength(1);
    expect(results.filter((r) => r.status !== 200).map((r) => r.body.code)).toEqual(Array(9).fill("CONFLICT"));
    const holds = won[0]!.body.data.date_time as string;
    expect(live(user.id).map((x) => x.start)).toEqual([holds]);
    expect((await db.prisma.appointment.findUnique({ where: { id } }))?.startTime.toISOString()).toBe(holds);
  }, 60_000);

  it("ten cancels of one appointment split across both replicas all answer that it is cancelled; Cal.com hears one", async () => {
    const { agent, user } = await setUpCalendarAgent(a.url, auth, { it: sandbox, url: sandboxServer.url }, "Canceller", ["suggest", "book", "cancel"]);
    const slot = (await manage(a, { action: "suggest", agent_id: agent.id })).body.data.slot_times[0];
    const id = (await manage(a, { action: "book", agent_id: agent.id, name: "Cy", email: "cy@example.com", appointment_datetime: slot })).body.data.appointment_id;
    const uid = live(user.id)[0]!.uid;
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => manage(i % 2 ? b : a, { action: "cancel", agent_id: agent.id, appointment_id: id, call_session_id: `line-${i}` })));
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    for (const r of results) expect(r.body.message).toMatch(/^Your appointment for .* (is|was already) cancelled\.$/);
    expect(sandbox.requests.filter((r) => r.method === "POST" && r.path === `/v2/bookings/${uid}/cancel`)).toHaveLength(1);
    expect(live(user.id)).toHaveLength(0);
  });

  it("the slot cache never offers a time another replica has booked: the next suggest asks Cal.com again", async () => {
    const own = await bearer(secrets.AGNI_JWT_SECRET, `org-slots-${Date.now()}`); // an organisation of its own: its own account
    const { agents, eventType } = await setUpSharedCalendar(a.url, own, { it: sandbox, url: sandboxServer.url }, ["Sales", "Support"]);
    const call = (p: ApiProcess, body: Record<string, unknown>) => callApi(p.url, own, "POST", MANAGE, { timezone: "UTC", ...body });
    const lookups = () => sandbox.requests.filter((r) => r.path === "/v2/slots" && r.query.eventTypeId === String(eventType.id)).length;
    const suggest = async (p: ApiProcess, i: number) => (await call(p, { action: "suggest", agent_id: agents[i]!.agent.id })).body.data as { slot_times: string[]; slots_as_of: string };
    const first = await suggest(a, 0);
    const other = await suggest(a, 1); // the other agent on the account: the same entry
    expect([other.slot_times, other.slots_as_of]).toEqual([first.slot_times, first.slots_as_of]);
    expect(lookups()).toBe(1);
    const taken = first.slot_times[0]!;
    // Replica b (its own slot cache) books the first time offered; replica a's cached entry is now stale.
    const booked = await call(b, { action: "book", agent_id: agents[1]!.agent.id, name: "Ada", email: "ada@example.com", appointment_datetime: taken });
    expect(booked.status).toBe(200);
    for (const i of [0, 1]) expect((await suggest(a, i)).slot_times).not.toContain(taken);
    expect(lookups()).toBe(2);
  });
});
