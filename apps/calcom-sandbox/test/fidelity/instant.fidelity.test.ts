import { afterEach, describe, expect, it } from "vitest";
import { closeAll, NOW, world } from "./harness";
import { instantTeam } from "./instant-team";

// POST /v2/bookings with `instant: true` (2024-08-13): calcom/cal.com
// apps/api/v2/src/ee/bookings/2024-08-13/services/bookings.service.ts @ 015b57aa35e8f11ded25dc1cedd7460a58440f72
// (createBooking → createInstantBooking), packages/features/instant-meeting/handleInstantMeeting.ts @
// 008b94bb87bdf05f6f9b39de430cd58e0c133310 and its test @ 18e7694832772f4189b27da1acc3b12be41544ad,
// services/output.service.ts @ 05a62d6e5c73662b37d2b2bae5433474cb1b566b (getOutputBooking).
afterEach(closeAll);

const NOW_ISO = NOW.toISOString();

describe("bookings create: instant", () => {
  it("refuses an individual user's event type with Cal.com's 400, and books nothing", async () => {
    // bookings.service.ts createInstantBooking: `if (!eventType.team?.id) throw new BadRequestException(...)`
    const w = await world();
    const res = await w.book(NOW_ISO, { instant: true });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ status: "error", error: { message: "Instant bookings are only supported for team event types, not individual user event types." } });
    expect(w.sandbox.bookings()).toHaveLength(0);
    expect(w.sandbox.instantMeetings()).toHaveLength(0);
  });

  it("checks the body first, like every create (the input pipe runs before the service)", async () => {
    const w = await world();
    const res = await w.book(NOW_ISO, { instant: true, attendee: { ...w.attendee, timeZone: "Rome" } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe("attendee property is wrong, timeZone property is wrong,timeZone must be a valid IANA time zone ");
  });

  it("starts a team event type's meeting now: awaiting a host, no host named, Cal Video room as location, nothing held on the calendar", async () => {
    // handleInstantMeeting: status AWAITING_HOST, location integrations:daily with metadata.videoCallUrl = WEBAPP_URL/video/<uid>,
    // title instant_meeting_with_title; no availability check (a start outside the hosts' hours, here a Sunday, is taken).
    // output.service getOutputBooking: status lower-cased, location = videoCallUrl, hosts = [getHost(null)] ("unknown").
    const w = await world();
    const team = instantTeam(w);
    const res = await w.call("POST", "/v2/bookings", {
      key: team.apiKey,
      body: { start: NOW_ISO, eventTypeId: team.eventTypeId, attendee: w.attendee, instant: true, metadata: { ref: "x" }, bookingFieldsResponses: { notes: "Urgent" } },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const data = res.body.data;
    expect(data).toMatchObject({
      status: "awaiting_host",
      title: "Instant meeting with Ada Lovelace",
      start: NOW_ISO,
      duration: 30,
      eventTypeId: team.eventTypeId,
      hosts: [{ id: "unknown", name: "unknown", email: "unknown", username: "unknown" }],
      attendees: [{ name: "Ada Lovelace", email: "ada@example.com", timeZone: "Europe/Rome" }],
      metadata: { ref: "x" },
      bookingFieldsResponses: { notes: "Urgent", name: "Ada Lovelace", email: "ada@example.com" },
    });
    expect(data.location).toBe(`${w.url}/video/${data.uid}`);
    expect(data.meetingUrl).toBe(data.location);
    expect((await fetch(data.location)).status).toBe(200);
    expect((await fetch(`${w.url}/video/nope`)).status).toBe(404);
    // The team's token runs for the event type's expiry offset (90 s by default).
    expect(w.sandbox.instantMeetings()).toMatchObject([{ uid: data.uid, expires: NOW.getTime() + 90_000 }]);
    expect(w.sandbox.bookings()).toHaveLength(0);
  });

  it("refuses a team event type without hosts with 422 before the instant flow, as every team booking", async () => {
    // bookings.service.ts createBooking: checkEventTypeHasHosts for COLLECTIVE / ROUND_ROBIN comes before `if (body.instant)`.
    const w = await world();
    const team = instantTeam(w, { hosts: false });
    const res = await w.call("POST", "/v2/bookings", { key: team.apiKey, body: { start: NOW_ISO, eventTypeId: team.eventTypeId, attendee: w.attendee, instant: true } });
    expect(res.status).toBe(422);
    expect(res.body.error.message).toBe(
      `Can't book this team event type because it has no hosts. Please, add at least 1 host to event type with id=${team.eventTypeId} belonging to team with id=${team.teamId} and try again.`,
    );
    expect(w.sandbox.instantMeetings()).toHaveLength(0);
  });

  it("answers isInstantEvent on the team's event type (TeamEventTypeOutput_2024_06_14), false unless set", async () => {
    const w = await world();
    const team = instantTeam(w);
    const list = await w.call("GET", `/v2/teams/${team.teamId}/event-types`);
    expect(list.body.data).toMatchObject([{ id: team.eventTypeId, isInstantEvent: true, teamId: team.teamId }]);
    const own = await w.call("GET", `/v2/event-types/${w.eventType.id}`, { key: w.apiKey });
    expect(own.body.data.isInstantEvent).toBe(false);
  });
});
