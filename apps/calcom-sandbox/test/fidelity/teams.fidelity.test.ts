import { afterEach, describe, expect, it } from "vitest";
import { closeAll, receiver, world } from "./harness";

// Team event types: round-robin and collective scheduling across hosts, host assignment, the same host on a
// reschedule, and the teams endpoints — each case names the calcom/cal.com file (and commit) it follows.
afterEach(closeAll);

const MON_0900 = "2049-09-06T07:00:00.000Z"; // Monday 09:00 in Rome
const MON_1000 = "2049-09-06T08:00:00.000Z";
const MON_1100 = "2049-09-06T09:00:00.000Z";

async function teamWorld(options: { sameHost?: boolean; priorities?: ("low" | "medium" | "high")[] } = {}) {
  const w = await world();
  const { user: dana, apiKey: danaKey } = w.sandbox.addUser({ username: "dana", name: "Dana", timeZone: "Europe/Rome" });
  const { user: sam } = w.sandbox.addUser({ username: "sam", name: "Sam", timeZone: "Europe/Rome" });
  const team = w.sandbox.addTeam({ name: "Frisbee Club", members: [{ userId: w.host.id, role: "OWNER" }, { userId: dana.id }, { userId: sam.id }] });
  const [pDana, pSam] = options.priorities ?? [];
  const roundRobin = w.sandbox.addTeamEventType(team.id, {
    title: "Tryout",
    slug: "tryout",
    lengthInMinutes: 60,
    schedulingType: "roundRobin",
    hosts: [{ userId: dana.id, priority: pDana }, { userId: sam.id, priority: pSam }],
    rescheduleWithSameRoundRobinHost: options.sameHost ?? false,
  });
  const collective = w.sandbox.addTeamEventType(team.id, { title: "Panel", slug: "panel", lengthInMinutes: 60, schedulingType: "collective", hosts: [{ userId: dana.id }, { userId: sam.id }] });
  /** A personal booking that makes `who` busy at `start` (their own event type). */
  const busy = async (who: number, start: string) => {
    const own = w.sandbox.addEventType(who, { title: "Own", slug: `own-${who}-${start}`, lengthInMinutes: 60 });
    const res = await w.call("POST", "/v2/bookings", { body: { start, eventTypeId: own.id, attendee: { ...w.attendee, email: "other@example.com" } } });
    expect(res.status).toBe(201);
  };
  const slotsOf = async (eventTypeId: number, extra: Record<string, string> = {}) => {
    const res = await w.call("GET", "/v2/slots", { query: { eventTypeId, start: "2049-09-06", end: "2049-09-06", ...extra } });
    expect(res.status).toBe(200);
    return (res.body.data["2049-09-06"] ?? []).map((s: { start: string }) => s.start);
  };
  return { ...w, dana, danaKey, sam, team, roundRobin, collective, busy, slotsOf };
}

describe("team event types: output", () => {
  it("GET /v2/teams/{teamId}/event-types/{id} answers schedulingType and hosts as the output service words them", async () => {
    // output-team-event-types.service.ts @ 42dd5c2574ee40947a9d1bcb7becc81392072aa1 (getResponseSchedulingType, getNonManagedEventTypeHosts)
    const w = await teamWorld({ priorities: ["high", "medium"] });
    const res = await w.call("GET", `/v2/teams/${w.team.id}/event-types/${w.roundRobin.id}`, { key: w.apiKey });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ id: w.roundRobin.id, teamId: w.team.id, ownerId: null, schedulingType: "roundRobin", hosts: [{ userId: w.dana.id, name: "Dana", username: "dana", mandatory: false, priority: "high" }, { userId: w.sam.id, name: "Sam", mandatory: false, priority: "medium" }] });
    const panel = await w.call("GET", `/v2/teams/${w.team.id}/event-types`, { query: { eventSlug: "panel" } });
    expect(panel.body.data).toHaveLength(1);
    expect(panel.body.data[0].schedulingType).toBe("collective");
    expect(panel.body.data[0].hosts[0]).not.toHaveProperty("mandatory");
  });

  it("a team event type is not the caller's own: GET /v2/event-types/{id} is 404, the team route needs a team admin", async () => {
    // event-types repository getUserEventType (where {id, userId}) @ 1648512481-era; teams-event-types.controller.ts @ 007f9b2bdfb3b4aea995a96b18ef9ff4732fe40c (Roles("TEAM_ADMIN"))
    const w = await teamWorld();
    expect((await w.call("GET", `/v2/event-types/${w.roundRobin.id}`, { key: w.apiKey })).status).toBe(404);
    expect((await w.call("GET", `/v2/teams/${w.team.id}/event-types/${w.roundRobin.id}`, { key: w.danaKey })).status).toBe(403);
    const teams = await w.call("GET", "/v2/teams", { key: w.apiKey });
    expect(teams.body.data).toMatchObject([{ id: w.team.id, name: "Frisbee Club", slug: "frisbee-club" }]);
  });
});

describe("team event types: slots across hosts", () => {
  it("round-robin: a time is open while any host is free", async () => {
    // getAggregatedAvailability.ts @ 35eb6e9924f9f81a7861306e10aec28f96f2cf54 (round-robin hosts' ranges merged)
    const w = await teamWorld();
    await w.busy(w.dana.id, MON_0900);
    expect(await w.slotsOf(w.roundRobin.id)).toContain("2049-09-06T07:00:00.000Z");
    await w.busy(w.sam.id, MON_0900);
    expect(await w.slotsOf(w.roundRobin.id)).not.toContain("2049-09-06T07:00:00.000Z");
  });

  it("collective: a time is open only when every host is free", async () => {
    // getAggregatedAvailability.ts @ 35eb6e9924f9f81a7861306e10aec28f96f2cf54 (collective hosts' ranges intersected)
    const w = await teamWorld();
    expect(await w.slotsOf(w.collective.id)).toContain("2049-09-06T07:00:00.000Z");
    await w.busy(w.sam.id, MON_0900);
    const slots = await w.slotsOf(w.collective.id);
    expect(slots).not.toContain("2049-09-06T07:00:00.000Z");
    expect(slots).toContain("2049-09-06T08:00:00.000Z");
  });

  it("answers by teamSlug + eventTypeSlug", async () => {
    // get-slots.input.ts @ 5b6d63e6300b8d930530b1b876d556a12fcfbd96 (ByTeamSlugAndEventTypeSlug_2024_09_04)
    const w = await teamWorld();
    const res = await w.call("GET", "/v2/slots", { query: { teamSlug: "frisbee-club", eventTypeSlug: "panel", start: "2049-09-06", end: "2049-09-06" } });
    expect(res.status).toBe(200);
    expect(res.body.data["2049-09-06"].length).toBeGreaterThan(0);
  });
});

describe("team event types: booking", () => {
  it("round-robin books the free host and names them in hosts", async () => {
    // getLuckyUser.ts @ 0d30ed9e651f60cc782635967d23c4bcddd9fdd9 (only available users); output.service getOutputBooking (hosts = the booking's user)
    const w = await teamWorld();
    await w.busy(w.dana.id, MON_0900);
    const res = await w.book(MON_0900, { eventTypeId: w.roundRobin.id });
    expect(res.status).toBe(201);
    expect(res.body.data.hosts).toMatchObject([{ id: w.sam.id, name: "Sam", email: "sam@example.com", username: "sam" }]);
    expect(res.body.data.title).toBe("Tryout between Sam and Ada Lovelace");
  });

  it("round-robin picks the highest priority, then the least recently booked", async () => {
    // getLuckyUser.ts @ 0d30ed9e651f60cc782635967d23c4bcddd9fdd9 (getUsersWithHighestPriority, leastRecentlyBookedUser)
    const w = await teamWorld({ priorities: ["medium", "high"] });
    const first = await w.book(MON_0900, { eventTypeId: w.roundRobin.id });
    expect(first.body.data.hosts[0].name).toBe("Sam");
    const even = await teamWorld();
    const a = await even.book(MON_0900, { eventTypeId: even.roundRobin.id });
    even.clock.now += 1000;
    const b = await even.book(MON_1000, { eventTypeId: even.roundRobin.id });
    even.clock.now += 1000;
    const c = await even.book(MON_1100, { eventTypeId: even.roundRobin.id });
    expect([a, b, c].map((r) => r.body.data.hosts[0].name)).toEqual(["Dana", "Sam", "Dana"]);
  });

  it("refuses with the team message when no host can take the time", async () => {
    // errors.service.ts (hosts_unavailable_for_booking / no_available_users_found_error) as /work/shared/spec/calcom-v2.md §2.4 words them
    const w = await teamWorld();
    await w.busy(w.sam.id, MON_0900);
    const res = await w.book(MON_0900, { eventTypeId: w.collective.id });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe("One of the hosts either already has booking at this time or is not available");
  });

  it("collective: the first host organizes, the others are busy too", async () => {
    // getAggregatedAvailability.ts (every collective host fixed); busy times include bookings a user attends
    const w = await teamWorld();
    const res = await w.book(MON_0900, { eventTypeId: w.collective.id });
    expect(res.status).toBe(201);
    expect(res.body.data.hosts[0].name).toBe("Dana");
    expect(await w.slotsOf(w.roundRobin.id)).not.toContain(MON_0900);
  });

  it("the team admin's key lists the team's bookings; a host sees their own; user webhooks do not fire", async () => {
    // get.handler.ts (bookings of teams the user administers) @ f091f1c3c80285233555f441be604fa5d9faaa07; handleNewBooking.ts @ 9d8f3ffb959a39fc8414e554cd5ac0af70887481 (triggerForUser = !teamId)
    const w = await teamWorld();
    const hook = await receiver();
    await w.call("POST", "/v2/webhooks", { key: w.danaKey, body: { subscriberUrl: hook.url, active: true, triggers: ["BOOKING_CREATED"] } });
    const booked = await w.book(MON_0900, { eventTypeId: w.roundRobin.id });
    expect(booked.body.data.hosts[0].name).toBe("Dana");
    const admin = await w.call("GET", "/v2/bookings", { key: w.apiKey });
    expect(admin.body.data.map((b: { uid: string }) => b.uid)).toEqual([booked.body.data.uid]);
    const dana = await w.call("GET", "/v2/bookings", { key: w.danaKey });
    expect(dana.body.data).toHaveLength(1);
    await w.sandbox.webhooksSettled();
    expect(hook.received).toHaveLength(0);
  });
});

describe("team event types: reschedule", () => {
  it("keeps the round-robin host when rescheduleWithSameRoundRobinHost is on, and refuses when that host is busy", async () => {
    // findQualifiedHosts.ts @ 6f278e5acd2370b51c70fc9fd72c51d4667c1293 + filterHostsBySameRoundRobinHost.ts @ f17ac3d63937ba0aa611fea6ad8e99d7b1f9e8c0
    const w = await teamWorld({ sameHost: true });
    const booked = await w.book(MON_0900, { eventTypeId: w.roundRobin.id });
    expect(booked.body.data.hosts[0].name).toBe("Dana");
    const moved = await w.call("POST", `/v2/bookings/${booked.body.data.uid}/reschedule`, { body: { start: MON_1000 } });
    expect(moved.status).toBe(201);
    expect(moved.body.data.hosts[0].name).toBe("Dana");
    await w.busy(w.dana.id, MON_1100);
    expect(await w.slotsOf(w.roundRobin.id, { bookingUidToReschedule: moved.body.data.uid })).not.toContain(MON_1100);
    const refused = await w.call("POST", `/v2/bookings/${moved.body.data.uid}/reschedule`, { body: { start: MON_1100 } });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toBe("One of the hosts either already has booking at this time or is not available");
  });

  it("without the setting, a reschedule picks a host again", async () => {
    // findQualifiedHosts.ts @ 6f278e5acd2370b51c70fc9fd72c51d4667c1293 (filter off: every round-robin host qualifies)
    const w = await teamWorld();
    const booked = await w.book(MON_0900, { eventTypeId: w.roundRobin.id });
    await w.busy(w.dana.id, MON_1100);
    const moved = await w.call("POST", `/v2/bookings/${booked.body.data.uid}/reschedule`, { body: { start: MON_1100 } });
    expect(moved.status).toBe(201);
    expect(moved.body.data.hosts[0].name).toBe("Sam");
  });
});
