import { describe, expect, it } from "vitest";
import { CalcomConnectionError, CalcomSlotUnavailableError, createCalcomClient } from "./index";
import { scriptedServer, type SeenRequest } from "../test/http-server";
import type { ServerResponse } from "node:http";

const INPUT = { start: "2030-01-07T09:00:00Z", eventTypeId: 5, attendee: { name: "Ada", email: "ada@example.com", timeZone: "Europe/Berlin" } };
const booking = (uid: string) => ({
  id: 1,
  uid,
  status: "accepted",
  start: "2030-01-07T09:00:00.000Z",
  end: "2030-01-07T09:30:00.000Z",
  eventTypeId: 5,
  eventType: { id: 5, slug: "intro" },
  attendees: [{ name: "Ada", email: "ada@example.com", timeZone: "Europe/Berlin" }],
});
const send = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
};

/** A tiny Cal.com whose POST /v2/bookings behaviour the test scripts; GET /v2/bookings lists what was created. */
async function calcom(onCreate: (n: number, req: SeenRequest, res: ServerResponse, created: unknown[]) => void) {
  const created: unknown[] = [];
  let posts = 0;
  const server = await scriptedServer((req, res) => {
    if (req.method === "POST" && req.url === "/v2/bookings") return onCreate(++posts, req, res, created);
    if (req.method === "GET" && req.url.startsWith("/v2/bookings?")) return send(res, 200, { status: "success", data: created });
    send(res, 404, { statusCode: 404, message: `Cannot ${req.method} ${req.url}` });
  });
  return { server, created, posts: () => posts };
}

const client = (url: string) => createCalcomClient({ apiKey: "cal_test_retry", baseUrl: url, retryBaseMs: 1, rateLimit: false });

describe("bookings.create never books twice", () => {
  it("returns the booking Cal.com made when the connection dropped before the answer", async () => {
    const cal = await calcom((_n, _req, res, created) => {
      created.push(booking("made-once"));
      res.socket?.destroy(); // Cal.com booked it; the answer never arrives
    });
    try {
      const result = await client(cal.server.url).bookings.create(INPUT);
      expect(result.uid).toBe("made-once");
      expect(cal.posts()).toBe(1);
      expect(cal.created).toHaveLength(1);
      const lookup = cal.server.seen.find((r) => r.method === "GET")!;
      expect(lookup.url).toContain("eventTypeId=5");
      expect(lookup.url).toContain("attendeeEmail=ada%40example.com");
    } finally {
      await cal.server.close();
    }
  });

  it("retries after a failure that booked nothing, and books exactly once", async () => {
    const cal = await calcom((n, _req, res, created) => {
      if (n === 1) return send(res, 503, { statusCode: 503, message: "Service Unavailable" });
      created.push(booking("second-try"));
      send(res, 201, { status: "success", data: created.at(-1) });
    });
    try {
      await expect(client(cal.server.url).bookings.createOrFind(INPUT)).resolves.toMatchObject({ found: false, booking: { uid: "second-try" } });
      expect(cal.posts()).toBe(2);
      expect(cal.created).toHaveLength(1);
    } finally {
      await cal.server.close();
    }
  });

  it("returns the booking that holds the slot when it is this very booking (an earlier attempt's, answer lost)", async () => {
    const cal = await calcom((_n, _req, res) =>
      send(res, 400, { status: "error", error: { code: "BadRequestException", message: "User either already has booking at this time or is not available" } }),
    );
    cal.created.push(booking("made-before"));
    try {
      await expect(client(cal.server.url).bookings.create(INPUT)).resolves.toMatchObject({ uid: "made-before" });
      expect(cal.posts()).toBe(1);
      // createOrFind says it was found, not made now: the caller decides whose it is.
      await expect(client(cal.server.url).bookings.createOrFind(INPUT)).resolves.toMatchObject({ found: true, booking: { uid: "made-before" } });
    } finally {
      await cal.server.close();
    }
  });

  it("reports an unknown outcome, not a taken slot, when its own earlier attempt may hold the slot and no lookup works", async () => {
    let posts = 0;
    const server = await scriptedServer((req, res) => {
      if (req.method === "GET") return send(res, 500, { statusCode: 500, message: "Internal server error" });
      posts += 1;
      if (posts === 1) return void res.socket?.destroy(); // booked, answer lost
      send(res, 400, { status: "error", error: { code: "BadRequestException", message: "User either already has booking at this time or is not available" } });
    });
    try {
      const err = await createCalcomClient({ apiKey: "cal_test_retry", baseUrl: server.url, retryBaseMs: 1, maxRetries: 1, rateLimit: false })
        .bookings.create(INPUT)
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CalcomConnectionError);
      expect(posts).toBe(2);
    } finally {
      await server.close();
    }
  });

  it("does not retry a slot that is taken", async () => {
    const cal = await calcom((_n, _req, res) =>
      send(res, 400, { status: "error", error: { code: "BadRequestException", message: "User either already has booking at this time or is not available" } }),
    );
    try {
      await expect(client(cal.server.url).bookings.create(INPUT)).rejects.toBeInstanceOf(CalcomSlotUnavailableError);
      expect(cal.posts()).toBe(1);
    } finally {
      await cal.server.close();
    }
  });
});

describe("bookings.cancel", () => {
  const cancelled = { ...booking("gone"), status: "cancelled", cancellationReason: "Cancelled" };

  it("always sends a reason, since Cal.com refuses a host's cancel without one", async () => {
    const server = await scriptedServer((_req, res) => send(res, 200, { status: "success", data: cancelled }));
    try {
      await client(server.url).bookings.cancel("gone");
      await client(server.url).bookings.cancel("gone", { cancellationReason: "   " });
      await client(server.url).bookings.cancel("gone", { cancellationReason: "Travelling" });
      expect(server.seen.map((r) => JSON.parse(r.body).cancellationReason)).toEqual(["Cancelled", "Cancelled", "Travelling"]);
    } finally {
      await server.close();
    }
  });

  it("returns the cancelled booking when a retry meets Cal.com's current 'cancelled already' envelope", async () => {
    let posts = 0;
    const server = await scriptedServer((req, res) => {
      if (req.method === "GET") return send(res, 200, { status: "success", data: cancelled });
      if (++posts === 1) return void res.socket?.destroy(); // cancelled, but the answer is lost
      send(res, 400, { status: "error", error: { code: "BadRequestException", message: "Can't cancel booking with uid=gone because it has been cancelled already. Please provide uid of a booking that is not cancelled." } });
    });
    try {
      await expect(client(server.url).bookings.cancel("gone", { cancellationReason: "x" })).resolves.toMatchObject({ uid: "gone", status: "cancelled" });
    } finally {
      await server.close();
    }
  });
});

describe("slots.getReservation", () => {
  it("answers null for a reservation Cal.com does not know (200 with data null)", async () => {
    const server = await scriptedServer((_req, res) => send(res, 200, { status: "success", data: null }));
    try {
      await expect(client(server.url).slots.getReservation("nope")).resolves.toBeNull();
    } finally {
      await server.close();
    }
  });
});
