import { createHmac } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { closeAll, receiver, world } from "./harness";

// Who hears of a team event type's bookings, and who may subscribe. Cal.com (calcom/cal.com):
// - packages/features/bookings/lib/handleNewBooking.ts @ 9d8f3ffb959a39fc8414e554cd5ac0af70887481 and
//   handleCancelBooking.ts @ 2446b58b7f257ba3b40ba3e0aacaca9a18fd188e: `triggerForUser = !teamId || parentId`, so a
//   team event type's booking fires no user-level webhook of its organizer;
// - packages/features/webhooks/lib/getWebhooks.ts @ 028bb9d24306792acc9efa5833063b7e3d0a058b: the subscribers are the
//   active webhooks with the trigger that are the user's OR the event type's OR the team's;
// - apps/api/v2/src/modules/teams/event-types/controllers/teams-event-types-webhooks.controller.ts
//   @ 01da14b2362dda8745d7eab118877de48ee5f411 with IsTeamEventTypeWebhookGuard (is-team-event-type-webhook-guard.ts
//   @ 062d483b8c1d78ed6eefee3947aa1ec2fc6442e3): only a team admin or owner; the event type must be the team's;
// - team-event-type-webhooks.service.ts @ 4de462c18cfa56f3bf250a8d714385da7cc80339: a second webhook with the same URL
//   on the event type is a 409.
afterEach(closeAll);

const MON_0900 = "2049-09-06T07:00:00.000Z";
const TRIGGERS = ["BOOKING_CREATED", "BOOKING_CANCELLED", "BOOKING_RESCHEDULED"];

async function teamWorld() {
  const w = await world();
  const { user: dana, apiKey: danaKey } = w.sandbox.addUser({ username: "dana", name: "Dana", timeZone: "Europe/Rome" });
  const { user: sam } = w.sandbox.addUser({ username: "sam", name: "Sam", timeZone: "Europe/Rome" });
  const team = w.sandbox.addTeam({ name: "Frisbee Club", members: [{ userId: w.host.id, role: "OWNER" }, { userId: dana.id }, { userId: sam.id }] });
  const tryout = w.sandbox.addTeamEventType(team.id, { title: "Tryout", slug: "tryout", lengthInMinutes: 60, schedulingType: "roundRobin", hosts: [{ userId: dana.id }, { userId: sam.id }] });
  const hooksPath = (eventTypeId = tryout.id, teamId = team.id) => `/v2/teams/${teamId}/event-types/${eventTypeId}/webhooks`;
  return { ...w, dana, danaKey, sam, team, tryout, hooksPath };
}

describe("team event types' webhooks", () => {
  it("a team booking fires no user-level webhook (not the organizer's, not the key owner's); an event-type webhook hears it, signed", async () => {
    const w = await teamWorld();
    const users = await receiver();
    for (const key of [w.apiKey, w.danaKey]) {
      expect((await w.call("POST", "/v2/webhooks", { key, body: { subscriberUrl: users.url, active: true, triggers: TRIGGERS } })).status).toBe(201);
    }
    const typed = await receiver();
    const created = await w.call("POST", w.hooksPath(), { key: w.apiKey, body: { subscriberUrl: typed.url, active: true, triggers: TRIGGERS, secret: "s3" } });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({ eventTypeId: w.tryout.id, subscriberUrl: typed.url, active: true });

    const booked = await w.call("POST", "/v2/bookings", { body: { start: MON_0900, eventTypeId: w.tryout.id, attendee: w.attendee } });
    expect(booked.status).toBe(201);
    await w.call("POST", `/v2/bookings/${booked.body.data.uid}/cancel`, { key: w.apiKey, body: { cancellationReason: "rain" } });
    await w.sandbox.webhooksSettled();
    expect(users.received).toHaveLength(0);
    const events = typed.received.map((r) => JSON.parse(r.body) as { triggerEvent: string; payload: { uid: string } });
    expect(events.map((e) => `${e.triggerEvent} ${e.payload.uid}`)).toEqual([`BOOKING_CREATED ${booked.body.data.uid}`, `BOOKING_CANCELLED ${booked.body.data.uid}`]);
    const first = typed.received[0]!;
    expect(first.headers["x-cal-signature-256"]).toBe(createHmac("sha256", "s3").update(first.body).digest("hex"));
  });

  it("an event type's webhook hears only that event type's bookings (getWebhooks: eventTypeId)", async () => {
    const w = await teamWorld();
    const typed = await receiver();
    await w.call("POST", w.hooksPath(), { key: w.apiKey, body: { subscriberUrl: typed.url, active: true, triggers: TRIGGERS } });
    const own = await w.book(MON_0900);
    expect(own.status).toBe(201);
    await w.sandbox.webhooksSettled();
    expect(typed.received).toHaveLength(0); // another event type's webhook hears nothing of it
  });

  it("only a team admin or owner may use the team event type's webhooks; the event type must be the team's; one URL once", async () => {
    const w = await teamWorld();
    const body = { subscriberUrl: "https://example.com/hook", active: true, triggers: TRIGGERS };
    const member = await w.call("POST", w.hooksPath(), { key: w.danaKey, body });
    expect(member.status).toBe(403);
    expect((await w.call("GET", w.hooksPath(), { key: w.danaKey })).status).toBe(403);
    expect((await w.call("POST", w.hooksPath(w.eventType.id), { key: w.apiKey, body })).status).toBe(404);
    const created = await w.call("POST", w.hooksPath(), { key: w.apiKey, body });
    expect(created.status).toBe(201);
    const again = await w.call("POST", w.hooksPath(), { key: w.apiKey, body });
    expect([again.status, again.body.error?.message]).toEqual([409, "Webhook with this subscriber url already exists for this event type"]);
    const id = created.body.data.id as number;
    expect((await w.call("GET", w.hooksPath(), { key: w.apiKey })).body.data.map((h: { id: number }) => h.id)).toEqual([id]);
    expect((await w.call("GET", `${w.hooksPath()}/${id}`, { key: w.apiKey })).body.data).toMatchObject({ id, eventTypeId: w.tryout.id });
    // Not a user-level webhook: /v2/webhooks does not list it.
    expect((await w.call("GET", "/v2/webhooks", { key: w.apiKey })).body.data).toEqual([]);
    expect((await w.call("DELETE", `${w.hooksPath()}/${id}`, { key: w.danaKey })).status).toBe(403);
    expect((await w.call("DELETE", `${w.hooksPath()}/${id}`, { key: w.apiKey })).status).toBe(200);
    expect((await w.call("GET", `${w.hooksPath()}/${id}`, { key: w.apiKey })).status).toBe(404);
  });
});
