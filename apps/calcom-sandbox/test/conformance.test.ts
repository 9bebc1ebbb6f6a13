import { createCalcomClient } from "@agni/calcom";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox } from "../src/index";
import { type Exchange, OpenApiCheck } from "./openapi-check";

// Every covered operation, called through libs/calcom against the sandbox, with each request and response checked
// against Cal.com's official OpenAPI document (the covered subset, extracted by tools/src/calcom-openapi-subset.ts).
const check = new OpenApiCheck(new URL("./fixtures/calcom-openapi-subset.json", import.meta.url));
const exchanges: Exchange[] = [];

const recordingFetch: typeof fetch = async (input, init) => {
  const res = await fetch(input, init);
  const text = await res.clone().text();
  const headers: Record<string, string> = {};
  new Headers(init?.headers).forEach((v, k) => (headers[k] = v));
  exchanges.push({
    method: init?.method ?? "GET",
    url: new URL(String(input)),
    headers,
    body: typeof init?.body === "string" ? JSON.parse(init.body) : undefined,
    status: res.status,
    response: text ? JSON.parse(text) : undefined,
  });
  return res;
};

const NOW = new Date("2030-01-07T06:00:00Z"); // a Monday
const sandbox = createSandbox({ now: () => NOW });
let close: () => Promise<void>;
let cal: ReturnType<typeof createCalcomClient>;
let eventTypeId: number;

beforeAll(async () => {
  const server = await sandbox.listen(0);
  close = server.close;
  const { user, apiKey } = sandbox.addUser({ username: "conformance", timeZone: "Europe/Berlin" });
  eventTypeId = sandbox.addEventType(user.id, {
    title: "Intro",
    slug: "intro",
    lengthInMinutes: 30,
    bookingFields: [{ type: "select", slug: "company-size", label: "Company size", required: true, options: ["1-10", "11-50"] }],
  }).id;
  cal = createCalcomClient({ apiKey, baseUrl: server.url, fetch: recordingFetch, rateLimit: false });
});
afterAll(() => close?.());

describe("libs/calcom against the sandbox, checked against Cal.com's OpenAPI document", () => {
  it("covers every operation with documented requests and responses", async () => {
    await cal.me.get();
    await cal.schedules.list();
    await cal.schedules.getDefault();
    await cal.eventTypes.list();
    await cal.eventTypes.list({ username: "conformance", eventSlug: "intro" });
    await cal.eventTypes.get(eventTypeId);
    const slots = await cal.slots.list({ eventTypeId, start: "2030-01-07", end: "2030-01-08", timeZone: "Europe/Berlin" });
    await cal.slots.list({ eventTypeId, start: "2030-01-07T00:00:00Z", end: "2030-01-08T00:00:00Z", format: "range" });
    const [first, second, third] = Object.values(slots).flat().map((s) => new Date(s.start).toISOString());
    const reservation = await cal.slots.reserve({ eventTypeId, slotStart: third! });
    await cal.slots.getReservation(reservation.reservationUid);
    await cal.slots.deleteReservation(reservation.reservationUid);
    const booking = await cal.bookings.create({
      start: first!,
      eventTypeId,
      attendee: { name: "Ada", email: "ada@example.com", timeZone: "Europe/Berlin" },
      bookingFieldsResponses: { "company-size": "1-10" },
    });
    await cal.bookings.get(booking.uid);
    await cal.bookings.list({ status: ["upcoming"], eventTypeId, take: 10 });
    await cal.bookings.list({ afterUpdatedAt: NOW.toISOString(), beforeUpdatedAt: "2030-01-08T00:00:00Z", sortUpdatedAt: "asc", take: 250, skip: 0 });
    const moved = await cal.bookings.reschedule(booking.uid, { start: second!, reschedulingReason: "clash" });
    await cal.bookings.cancel(moved.uid, { cancellationReason: "no longer needed" });
    const hook = await cal.webhooks.create({ subscriberUrl: "https://example.com/hook", active: true, triggers: ["BOOKING_CREATED"], secret: "s" });
    await cal.webhooks.list();
    await cal.webhooks.get(hook.id);
    await cal.webhooks.update(hook.id, { active: false });
    await cal.webhooks.delete(hook.id);

    const operations = new Set(exchanges.map((x) => `${x.method} ${check.operation(x.method, x.url.pathname)?.template ?? x.url.pathname}`));
    expect([...operations].sort()).toEqual(
      [
        "DELETE /v2/slots/reservations/{uid}",
        "DELETE /v2/webhooks/{webhookId}",
        "GET /v2/bookings",
        "GET /v2/bookings/{bookingUid}",
        "GET /v2/event-types",
        "GET /v2/event-types/{eventTypeId}",
        "GET /v2/me",
        "GET /v2/schedules",
        "GET /v2/schedules/default",
        "GET /v2/slots",
        "GET /v2/slots/reservations/{uid}",
        "GET /v2/webhooks",
        "GET /v2/webhooks/{webhookId}",
        "PATCH /v2/webhooks/{webhookId}",
        "POST /v2/bookings",
        "POST /v2/bookings/{bookingUid}/cancel",
        "POST /v2/bookings/{bookingUid}/reschedule",
        "POST /v2/slots/reservations",
        "POST /v2/webhooks",
      ].sort(),
    );
    const problems = exchanges.flatMap((x) => check.check(x));
    expect(problems).toEqual([]);
  });
});
