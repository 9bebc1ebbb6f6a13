import { describe, expect, it } from "vitest";
import { CAL_API_VERSIONS, createCalcomClient, signWebhookBody, verifyWebhookSignature } from "./index";
import { scriptedServer } from "../test/http-server";

const BOOKING = { id: 1, uid: "b1", status: "accepted", start: "2030-01-07T09:00:00.000Z", end: "2030-01-07T09:30:00.000Z", attendees: [] };
const EVENT_TYPE = { id: 5, title: "Intro", slug: "intro", lengthInMinutes: 30, bookingFields: [] };
const SCHEDULE = { id: 3, name: "Work", timeZone: "UTC", availability: [], overrides: [] };
const WEBHOOK = { id: 9, subscriberUrl: "https://example.com/hook", active: true, triggers: ["BOOKING_CREATED"] };
const RESERVATION = { reservationUid: "r1", eventTypeId: 5, slotStart: "2030-01-07T09:00:00.000Z", slotEnd: "2030-01-07T09:30:00.000Z" };
const BALANCE = { monthlyRemaining: 10, additional: 0 };

/** A canned success body for each route the client calls. */
function answerFor(method: string, url: string): unknown {
  const path = url.split("?")[0]!;
  if (path === "/v2/me") return { id: 1, username: "u", email: "u@example.com", timeZone: "UTC" };
  if (path === "/v2/slots") return { "2030-01-07": [{ start: "2030-01-07T09:00:00.000Z" }] };
  if (path.startsWith("/v2/slots/reservations")) return method === "DELETE" ? null : RESERVATION;
  if (path === "/v2/bookings" && method === "GET") return [BOOKING];
  if (path.startsWith("/v2/bookings")) return BOOKING;
  if (path === "/v2/event-types") return [EVENT_TYPE];
  if (path.startsWith("/v2/event-types/")) return EVENT_TYPE;
  if (path === "/v2/schedules") return [SCHEDULE];
  if (path === "/v2/schedules/default") return SCHEDULE;
  if (path === "/v2/webhooks" && method === "GET") return [WEBHOOK];
  if (path.startsWith("/v2/webhooks")) return WEBHOOK;
  if (path === "/v2/credits/available") return { hasCredits: true, balance: BALANCE };
  if (path === "/v2/credits/charge") return { charged: true, remainingBalance: BALANCE };
  return undefined;
}

describe("cal-api-version per resource", () => {
  it("sends the version each Cal.com controller needs on every call", async () => {
    const s = await scriptedServer((req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ status: "success", data: answerFor(req.method, req.url) }));
    });
    try {
      const cal = createCalcomClient({ apiKey: "cal_test_versions", baseUrl: s.url, rateLimit: false });
      const calls: [string, () => Promise<unknown>, string][] = [
        ["me.get", () => cal.me.get(), CAL_API_VERSIONS.unversioned],
        ["slots.list", () => cal.slots.list({ start: "2030-01-07", end: "2030-01-08", eventTypeId: 5, timeZone: "Europe/Berlin" }), "2024-09-04"],
        ["slots.reserve", () => cal.slots.reserve({ eventTypeId: 5, slotStart: "2030-01-07T09:00:00Z" }), "2024-09-04"],
        ["slots.getReservation", () => cal.slots.getReservation("r1"), "2024-09-04"],
        ["slots.deleteReservation", () => cal.slots.deleteReservation("r1"), "2024-09-04"],
        ["bookings.create", () => cal.bookings.create({ start: "2030-01-07T09:00:00Z", eventTypeId: 5, attendee: { name: "A", email: "a@example.com", timeZone: "UTC" } }), "2024-08-13"],
        ["bookings.get", () => cal.bookings.get("b1"), "2024-08-13"],
        ["bookings.list", () => cal.bookings.list({ status: ["upcoming"] }), "2024-08-13"],
        ["bookings.reschedule", () => cal.bookings.reschedule("b1", { start: "2030-01-08T09:00:00Z" }), "2024-08-13"],
        ["bookings.cancel", () => cal.bookings.cancel("b1", { cancellationReason: "x" }), "2024-08-13"],
        ["eventTypes.list", () => cal.eventTypes.list({ username: "u" }), "2024-06-14"],
        ["eventTypes.get", () => cal.eventTypes.get(5), "2024-06-14"],
        ["schedules.list", () => cal.schedules.list(), "2024-06-11"],
        ["schedules.getDefault", () => cal.schedules.getDefault(), "2024-06-11"],
        ["webhooks.create", () => cal.webhooks.create({ subscriberUrl: "https://example.com/hook", active: true, triggers: ["BOOKING_CREATED"] }), CAL_API_VERSIONS.unversioned],
        ["webhooks.list", () => cal.webhooks.list(), CAL_API_VERSIONS.unversioned],
        ["webhooks.get", () => cal.webhooks.get(9), CAL_API_VERSIONS.unversioned],
        ["webhooks.update", () => cal.webhooks.update(9, { active: false }), CAL_API_VERSIONS.unversioned],
        ["webhooks.delete", () => cal.webhooks.delete(9), CAL_API_VERSIONS.unversioned],
        ["credits.available", () => cal.credits.available(), CAL_API_VERSIONS.unversioned],
        ["credits.charge", () => cal.credits.charge({ credits: 1, creditFor: "AI_AGENT" }), CAL_API_VERSIONS.unversioned],
      ];
      for (const [name, call, version] of calls) {
        const before = s.seen.length;
        await expect(call(), name).resolves.toBeDefined();
        expect(s.seen.length, name).toBe(before + 1);
        expect(s.seen.at(-1)!.headers["cal-api-version"], name).toBe(version);
      }
      // Query parameters reach Cal.com as it expects them (lists comma-joined).
      expect(s.seen.find((r) => r.url.startsWith("/v2/bookings?"))!.url).toContain("status=upcoming");
      const charge = JSON.parse(s.seen.find((r) => r.url === "/v2/credits/charge")!.body);
      expect(charge.externalRef).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      await s.close();
    }
  });
});

describe("bookings.list filters", () => {
  it("sends the changed-since filters, sorts and paging as Cal.com's query parameters", async () => {
    const s = await scriptedServer((req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ status: "success", data: [BOOKING] }));
    });
    try {
      const cal = createCalcomClient({ apiKey: "cal_test_list", baseUrl: s.url, rateLimit: false });
      await cal.bookings.list({
        afterUpdatedAt: "2030-01-07T09:00:00.000Z",
        beforeUpdatedAt: "2030-01-07T10:00:00.000Z",
        afterCreatedAt: "2030-01-06T00:00:00.000Z",
        beforeCreatedAt: "2030-01-08T00:00:00.000Z",
        bookingUid: "b1",
        status: ["upcoming", "cancelled"],
        eventTypeIds: [5, 6],
        sortUpdatedAt: "asc",
        take: 250,
        skip: 250,
      });
      const url = new URL(s.seen.at(-1)!.url, s.url);
      expect(Object.fromEntries(url.searchParams)).toEqual({
        afterUpdatedAt: "2030-01-07T09:00:00.000Z",
        beforeUpdatedAt: "2030-01-07T10:00:00.000Z",
        afterCreatedAt: "2030-01-06T00:00:00.000Z",
        beforeCreatedAt: "2030-01-08T00:00:00.000Z",
        bookingUid: "b1",
        status: "upcoming,cancelled",
        eventTypeIds: "5,6",
        sortUpdatedAt: "asc",
        take: "250",
        skip: "250",
      });
    } finally {
      await s.close();
    }
  });
});

describe("verifyWebhookSignature", () => {
  const body = JSON.stringify({ triggerEvent: "BOOKING_CREATED", payload: { uid: "b1" } });
  const secret = "whsec_test";

  it("accepts Cal.com's hex HMAC-SHA256 of the raw body", () => {
    expect(verifyWebhookSignature(body, signWebhookBody(body, secret), secret)).toBe(true);
    expect(verifyWebhookSignature(Buffer.from(body), signWebhookBody(body, secret).toUpperCase(), secret)).toBe(true);
  });

  it("rejects a tampered body, a wrong secret, and a missing or malformed header", () => {
    const signature = signWebhookBody(body, secret);
    expect(verifyWebhookSignature(body.replace("b1", "b2"), signature, secret)).toBe(false);
    expect(verifyWebhookSignature(body, signature, "other")).toBe(false);
    expect(verifyWebhookSignature(body, undefined, secret)).toBe(false);
    expect(verifyWebhookSignature(body, "no-secret-provided", secret)).toBe(false);
    expect(verifyWebhookSignature(body, signature.slice(0, 10), secret)).toBe(false);
  });
});
