import { afterEach, describe, expect, it } from "vitest";
import {
  CAL_API_VERSIONS,
  CalcomApiError,
  CalcomAuthError,
  CalcomConnectionError,
  CalcomNotFoundError,
  CalcomRateLimitError,
  CalcomResponseValidationError,
  CalcomSlotUnavailableError,
  CalcomTimeoutError,
  CalcomValidationError,
  createCalcomClient,
  parseCalcomError,
  retryAfterFromHeaders,
} from "./index";
import { json, scriptedServer, text } from "../test/http-server";
import { fakeFetch, success, virtualClock } from "../test/virtual-clock";

const KEY = "cal_test_0123456789abcdef0123456789abcdef";
const ME = { id: 7, username: "ada", email: "ada@example.com", timeZone: "Europe/Berlin", weekStart: "Monday", timeFormat: 24, defaultScheduleId: null, organizationId: null };
const envelope = (status: number, code: string, message: string) => ({
  status: "error",
  timestamp: "2026-01-01T00:00:00.000Z",
  path: "/v2/me",
  error: { code, message, details: { message, statusCode: status } },
});

let servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});
async function serve(...answers: Parameters<typeof scriptedServer>) {
  const s = await scriptedServer(...answers);
  servers.push(s);
  return s;
}
const client = (baseUrl: string, extra: Partial<Parameters<typeof createCalcomClient>[0]> = {}) =>
  createCalcomClient({ apiKey: KEY, baseUrl, retryBaseMs: 1, ...extra });

describe("me.get", () => {
  it("sends the key as a Bearer token with a cal-api-version, and returns the validated user", async () => {
    const s = await serve(json(200, { status: "success", data: { ...ME, brandNewField: true } }));
    const me = await client(s.url + "/").me.get();
    expect(me).toMatchObject({ id: 7, username: "ada", email: "ada@example.com", timeZone: "Europe/Berlin" });
    expect(s.seen[0]).toMatchObject({ method: "GET", url: "/v2/me" });
    expect(s.seen[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(s.seen[0]!.headers["cal-api-version"]).toBe(CAL_API_VERSIONS.unversioned);
  });

  it("rejects a success body without the fields the product relies on", async () => {
    const s = await serve(json(200, { status: "success", data: { username: "no-id" } }));
    await expect(client(s.url).me.get()).rejects.toBeInstanceOf(CalcomResponseValidationError);
  });
});

describe("errors", () => {
  it("maps Cal.com's 401 envelope to CalcomAuthError with its message and request id, and never echoes the key", async () => {
    const s = await serve(json(401, envelope(401, "UnauthorizedException", "ApiAuthStrategy - api key - Your api key is not valid"), { "x-request-id": "req-1" }));
    const err = await client(s.url).me.get().catch((e) => e);
    expect(err).toBeInstanceOf(CalcomAuthError);
    expect(err).toMatchObject({ status: 401, code: "UnauthorizedException", requestId: "req-1", message: "ApiAuthStrategy - api key - Your api key is not valid" });
    expect(String(err.message) + JSON.stringify(err.body)).not.toContain(KEY);
  });

  it("maps a 404 for a route the version does not reach to CalcomNotFoundError, without retrying", async () => {
    const s = await serve(json(404, envelope(404, "NotFoundException", "Cannot GET /v2/me")));
    await expect(client(s.url).me.get()).rejects.toBeInstanceOf(CalcomNotFoundError);
    expect(s.seen).toHaveLength(1);
  });

  it("parses the three body forms: envelope, bare Nest body, and text", () => {
    const h = new Headers();
    const bare = parseCalcomError(409, { statusCode: 409, message: "booking_conflict_error" }, h);
    expect(bare).toBeInstanceOf(CalcomSlotUnavailableError);
    expect(bare.message).toBe("booking_conflict_error");

    const zod = parseCalcomError(400, { status: "error", error: { code: "BAD_REQUEST", message: "responses - {notes}error_required_field" } }, h);
    expect(zod).toBeInstanceOf(CalcomValidationError);
    expect((zod as CalcomValidationError).field).toBe("notes");

    const html = parseCalcomError(502, "<html><body><h1>502 Bad Gateway</h1></body></html>", h);
    expect(html).toBeInstanceOf(CalcomApiError);
    expect(html).toMatchObject({ code: "HTTP_502", message: "502 Bad Gateway" });
  });

  it("recognises a taken slot (400 with Cal.com's message) and a missing booking field", () => {
    const h = new Headers();
    const taken = parseCalcomError(400, envelope(400, "BadRequestException", "User either already has booking at this time or is not available"), h);
    expect(taken).toBeInstanceOf(CalcomSlotUnavailableError);
    const missing = parseCalcomError(400, envelope(400, "BadRequestException", "Missing required booking field response: company-size"), h);
    expect(missing).toBeInstanceOf(CalcomValidationError);
    expect((missing as CalcomValidationError).field).toBe("company-size");
  });

  it("spells out class-validator failures instead of 'Bad Request Exception'", () => {
    const body = {
      status: "error",
      error: { code: "BadRequestException", message: "Bad Request Exception", details: { errors: [{ property: "start", constraints: { isDateString: "start must be a valid ISO 8601 date string" } }] } },
    };
    expect(parseCalcomError(400, body, new Headers()).message).toBe("start: start must be a valid ISO 8601 date string");
  });
});

describe("retries and limits", () => {
  it("waits out a short rate-limit reset on a GET and then succeeds", async () => {
    const s = await serve(
      json(429, envelope(429, "ThrottlerException", "CustomThrottlerGuard - Too many requests. Please try again later."), { "x-ratelimit-reset-default": "0" }),
      json(200, { status: "success", data: ME }),
    );
    await expect(client(s.url).me.get()).resolves.toMatchObject({ id: 7 });
    expect(s.seen).toHaveLength(2);
  });

  it("gives a long rate-limit block back to the caller with how long to wait", async () => {
    const s = await serve(json(429, envelope(429, "ThrottlerException", "CustomThrottlerGuard - Too many requests. Please try again later."), { "x-ratelimit-reset-default": "60" }));
    const err = await client(s.url).me.get().catch((e) => e);
    expect(err).toBeInstanceOf(CalcomRateLimitError);
    expect(err.retryAfterMs).toBe(60_000);
    expect(s.seen).toHaveLength(1);
  });

  it("retries 5xx on GETs up to maxRetries", async () => {
    const s = await serve(text(503, "unavailable"), text(503, "unavailable"), json(200, { status: "success", data: ME }));
    await expect(client(s.url, { maxRetries: 2 }).me.get()).resolves.toMatchObject({ id: 7 });
    const s2 = await serve(text(503, "unavailable"));
    await expect(client(s2.url, { maxRetries: 1 }).me.get()).rejects.toMatchObject({ status: 503 });
    expect(s2.seen).toHaveLength(2);
  });

  it("reads the reset header as seconds or as a Unix timestamp", () => {
    const now = 1_800_000_000_000;
    expect(retryAfterFromHeaders(new Headers({ "X-RateLimit-Reset-Default": "12" }), now)).toBe(12_000);
    expect(retryAfterFromHeaders(new Headers({ "X-RateLimit-Reset-Default": String(now / 1000 + 30) }), now)).toBe(30_000);
    expect(retryAfterFromHeaders(new Headers(), now)).toBeNull();
  });

  it("times out a slow Cal.com", async () => {
    const time = virtualClock();
    const cal = fakeFetch(() => "hang");
    const err = await time.run(client("https://cal.test", { timeoutMs: 100, maxRetries: 0, fetch: cal.fetch, clock: time.clock, rateLimit: false }).me.get().catch((e) => e));
    expect(err).toBeInstanceOf(CalcomTimeoutError);
    expect(time.timeouts).toEqual([100]);
    expect(time.elapsed()).toBe(100);
  });

  it("bounds everything done through one client by deadlineMs: attempts shrink to fit, no retry starts past it", async () => {
    // Per attempt 400 ms and two retries would take over 1.2 s; the client's 600 ms deadline ends it at 600 ms:
    // the second attempt gets the ~200 ms left, and no third one starts.
    const time = virtualClock();
    const hanging = fakeFetch(() => "hang");
    const slow = client("https://cal.test", { timeoutMs: 400, maxRetries: 2, deadlineMs: 600, fetch: hanging.fetch, clock: time.clock, rateLimit: false });
    const err = await time.run(slow.me.get().catch((e) => e));
    expect(err).toBeInstanceOf(CalcomTimeoutError);
    expect(hanging.calls).toHaveLength(2);
    expect(time.timeouts[0]).toBe(400);
    expect(time.timeouts[1]).toBeGreaterThan(198); // 600 − 400 − the backoff (at most retryBaseMs = 1 ms)
    expect(time.timeouts[1]).toBeLessThanOrEqual(200);
    expect(time.elapsed()).toBe(600);

    // The deadline counts from the client's creation: a later call gets only what is left, then nothing.
    const later = virtualClock();
    const quick = fakeFetch(() => success(ME));
    const bounded = client("https://cal.test", { deadlineMs: 1_000, fetch: quick.fetch, clock: later.clock, rateLimit: false });
    await expect(later.run(bounded.me.get())).resolves.toMatchObject({ id: 7 });
    await later.advance(999);
    expect(later.timeouts).toEqual([1_000]);
    await expect(later.run(bounded.me.get())).resolves.toMatchObject({ id: 7 });
    expect(later.timeouts[1]).toBe(1);
    await later.advance(1);
    await expect(later.run(bounded.me.get())).rejects.toBeInstanceOf(CalcomTimeoutError);
    expect(quick.calls).toHaveLength(2);

    // Without one, each attempt has its own timeout and every retry is made.
    const unbounded = virtualClock();
    const hanging2 = fakeFetch(() => "hang");
    const each = client("https://cal.test", { timeoutMs: 150, maxRetries: 2, fetch: hanging2.fetch, clock: unbounded.clock, rateLimit: false });
    await expect(unbounded.run(each.me.get())).rejects.toBeInstanceOf(CalcomTimeoutError);
    expect(hanging2.calls).toHaveLength(3);
    expect(unbounded.timeouts).toEqual([150, 150, 150]);
  });

  it("reports an unreachable Cal.com as a connection error naming the base URL", async () => {
    const s = await serve(json(200, {}));
    await s.close();
    const err = await client(s.url, { maxRetries: 0 }).me.get().catch((e) => e);
    expect(err).toBeInstanceOf(CalcomConnectionError);
    expect(err.message).toContain(s.url);
  });
});
