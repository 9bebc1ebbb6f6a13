import { afterEach, describe, expect, it } from "vitest";
import { closeAll, world } from "./harness";

// Guards in the order Cal.com runs them (the global CustomThrottlerGuard, then the route's ApiAuthGuard), rate-limit
// headers, and the event types controller.
afterEach(closeAll);

const NO_AUTH =
  "ApiAuthStrategy - No authentication method provided. Either pass an API key as 'Bearer' header or OAuth client credentials as 'x-cal-secret-key' and 'x-cal-client-id' headers";

describe("auth", () => {
  it("refuses an unknown API key in the throttler guard, before the API-key strategy", async () => {
    // cal.com apps/api/v2/src/lib/throttler-guard.ts@42e7dc494dfba03e5ca5224a418c57c012bdac3e (getRateLimitsForApiKeyTracker: "CustomThrottlerGuard - Invalid API Key")
    const w = await world();
    const res = await w.call("GET", "/v2/me", { key: "cal_test_unknown0000000000000000" });
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ code: "UnauthorizedException", message: "CustomThrottlerGuard - Invalid API Key" });
  });

  it("refuses an unknown key even on a route where auth is optional", async () => {
    // cal.com apps/api/v2/src/lib/throttler-guard.ts@42e7dc494dfba03e5ca5224a418c57c012bdac3e (global guard runs for every route)
    const w = await world();
    const res = await w.call("GET", "/v2/slots", { key: "cal_test_unknown0000000000000000", query: { eventTypeId: w.eventType.id, start: "2050-09-05", end: "2050-09-05" } });
    expect(res.status).toBe(401);
    expect(res.body.error.message).toBe("CustomThrottlerGuard - Invalid API Key");
  });

  it("words a revoked key (whose limits the throttler still holds) in the API-key strategy", async () => {
    // cal.com apps/api/v2/src/lib/throttler-guard.ts@42e7dc494dfba03e5ca5224a418c57c012bdac3e (rate limits cached an hour per key) + modules/auth/strategies/api-auth/api-auth.strategy.ts@5b6d63e6300b8d930530b1b876d556a12fcfbd96 (apiKeyStrategy)
    const w = await world();
    expect((await w.call("GET", "/v2/me", { key: w.apiKey })).status).toBe(200);
    w.sandbox.revokeKey(w.apiKey);
    const res = await w.call("GET", "/v2/me", { key: w.apiKey });
    expect(res.status).toBe(401);
    expect(res.body.error.message).toBe("ApiAuthStrategy - api key - Your api key is not valid");
  });

  it("names the missing credentials on a route that needs them", async () => {
    // cal.com apps/api/v2/src/modules/auth/strategies/api-auth/api-auth.strategy.ts@5b6d63e6300b8d930530b1b876d556a12fcfbd96 (NO_AUTH_PROVIDED_MESSAGE)
    const w = await world();
    const res = await w.call("GET", "/v2/me");
    expect(res.status).toBe(401);
    expect(res.body.error.message).toBe(NO_AUTH);
  });

  it("refuses a revoked key where a guard checks it, even an optional one, but not on the unguarded slots route", async () => {
    // cal.com apps/api/v2/src/modules/auth/guards/optional-api-auth/optional-api-auth.guard.ts@30f11f51f04983191e1299b9001063944e5f8ecd (invalid credentials still throw) + modules/slots/slots-2024-09-04/controllers/slots.controller.ts@694613ff82bd64befca2989e44fb5b642b3a24f4 (GET /v2/slots has no guard)
    const w = await world();
    expect((await w.call("GET", "/v2/me", { key: w.apiKey })).status).toBe(200); // the throttler now knows the key
    w.sandbox.revokeKey(w.apiKey);
    const reserve = await w.call("POST", "/v2/slots/reservations", { key: w.apiKey, body: { eventTypeId: w.eventType.id, slotStart: "2050-09-05T10:00:00.000Z" } });
    expect(reserve.status).toBe(401);
    expect(reserve.body.error.message).toBe("ApiAuthStrategy - api key - Your api key is not valid");
    const slots = await w.call("GET", "/v2/slots", { key: w.apiKey, query: { eventTypeId: w.eventType.id, start: "2050-09-05", end: "2050-09-05" } });
    expect(slots.status).toBe(200);
  });

  it("refuses every API key on a self-hosted instance without a licence key", async () => {
    // cal.com apps/api/v2/src/modules/auth/strategies/api-auth/api-auth.strategy.ts@5b6d63e6300b8d930530b1b876d556a12fcfbd96 (apiKeyStrategy: checkLicense)
    const w = await world({ withoutLicence: true });
    const res = await w.call("GET", "/v2/me", { key: w.apiKey });
    expect(res.status).toBe(401);
    expect(res.body.error.message).toBe("ApiAuthStrategy - api key - Invalid or missing CALCOM_LICENSE_KEY environment variable");
  });

  it("takes an Authorization header without the Bearer prefix as the key", async () => {
    // cal.com apps/api/v2/src/modules/auth/strategies/api-auth/api-auth.strategy.ts@5b6d63e6300b8d930530b1b876d556a12fcfbd96 (request.get("Authorization")?.replace("Bearer ", ""))
    const w = await world();
    const res = await w.call("GET", "/v2/me", { raw: w.apiKey });
    expect(res.status).toBe(200);
    expect(res.body.data.username).toBe("rome-host");
  });
});

describe("rate limits", () => {
  it("sends -Default headers counting down per key", async () => {
    // cal.com apps/api/v2/src/lib/throttler-guard.ts@42e7dc494dfba03e5ca5224a418c57c012bdac3e (incrementRateLimit headers)
    const w = await world({ rateLimitPerMinute: 3 });
    const first = await w.call("GET", "/v2/me", { key: w.apiKey });
    expect(first.headers.get("x-ratelimit-limit-default")).toBe("3");
    expect(first.headers.get("x-ratelimit-remaining-default")).toBe("2");
    expect(first.headers.get("x-ratelimit-reset-default")).toBe("60");
  });

  it("limits unauthenticated requests per IP and sends the headers on them too", async () => {
    // cal.com apps/api/v2/src/lib/throttler-guard.ts@42e7dc494dfba03e5ca5224a418c57c012bdac3e (handleNonApiKeyRequest: tracker ip_…, RATE_LIMIT_DEFAULT_LIMIT 120)
    const w = await world({ anonymousRateLimitPerMinute: 2 } as never);
    const query = { eventTypeId: w.eventType.id, start: "2050-09-05", end: "2050-09-05" };
    const first = await w.call("GET", "/v2/slots", { query });
    expect(first.headers.get("x-ratelimit-limit-default")).toBe("2");
    expect(first.headers.get("x-ratelimit-remaining-default")).toBe("1");
    await w.call("GET", "/v2/slots", { query });
    const third = await w.call("GET", "/v2/slots", { query });
    expect(third.status).toBe(429);
    expect(third.body.error.message).toBe("CustomThrottlerGuard - Too many requests. Please try again later.");
  });

  it("answers 429 with remaining 0 and the block's reset, then keeps the key blocked", async () => {
    // cal.com apps/api/v2/src/lib/throttler-guard.ts@42e7dc494dfba03e5ca5224a418c57c012bdac3e (Remaining = timeToBlockExpire ? 0 : …; Reset = timeToBlockExpire || timeToExpire)
    const w = await world({ rateLimitPerMinute: 1 });
    await w.call("GET", "/v2/me", { key: w.apiKey });
    const limited = await w.call("GET", "/v2/me", { key: w.apiKey });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe("ThrottlerException");
    expect(limited.headers.get("x-ratelimit-remaining-default")).toBe("0");
    expect(limited.headers.get("x-ratelimit-reset-default")).toBe("60");
    w.clock.now += 30_000;
    const still = await w.call("GET", "/v2/me", { key: w.apiKey });
    expect(still.status).toBe(429);
    expect(still.headers.get("x-ratelimit-reset-default")).toBe("30");
  });

  it("answers an unknown route with Nest's 404, before any guard", async () => {
    // cal.com apps/api/v2/src/lib/throttler-guard.ts@42e7dc494dfba03e5ca5224a418c57c012bdac3e (a guard runs only for a matched route)
    const w = await world();
    const res = await w.call("GET", "/v2/nothing-here", { key: "cal_test_unknown0000000000000000" });
    expect(res.status).toBe(404);
    expect(res.body.error.message).toBe("Cannot GET /v2/nothing-here");
    expect(res.headers.get("x-ratelimit-limit-default")).toBeNull();
  });
});

describe("event types", () => {
  it("answers 404 for an event type id the caller cannot see, in the controller's words", async () => {
    // cal.com apps/api/v2/src/ee/event-types/event-types_2024_06_14/controllers/event-types.controller.ts@f65f2d3982d212be831540e427d209a5f8daa707 (`Event type with id ${eventTypeId} not found`)
    const w = await world();
    const res = await w.call("GET", "/v2/event-types/9999", { key: w.apiKey });
    expect(res.status).toBe(404);
    expect(res.body.error.message).toBe("Event type with id 9999 not found");
  });

  it("needs credentials to read one event type", async () => {
    // cal.com apps/api/v2/src/ee/event-types/event-types_2024_06_14/controllers/event-types.controller.ts@f65f2d3982d212be831540e427d209a5f8daa707 (@UseGuards(ApiAuthGuard) on GET /:eventTypeId)
    const w = await world();
    const res = await w.call("GET", `/v2/event-types/${w.eventType.id}`);
    expect(res.status).toBe(401);
    expect(res.body.error.message).toBe(NO_AUTH);
  });

  it("lists the authenticated user's event types when no username is given", async () => {
    // cal.com apps/api/v2/src/ee/event-types/event-types_2024_06_14/controllers/event-types.controller.ts@f65f2d3982d212be831540e427d209a5f8daa707 (getEventTypes(queryParams, authUser))
    const w = await world();
    const res = await w.call("GET", "/v2/event-types", { key: w.apiKey });
    expect(res.body.data.map((e: { slug: string }) => e.slug)).toEqual(["frisbee-match"]);
  });

  it("shows hidden event types only to their owner", async () => {
    // cal.com apps/api/v2/src/ee/event-types/event-types_2024_06_14/controllers/event-types.controller.ts@f65f2d3982d212be831540e427d209a5f8daa707 ("Hidden event types are returned only if authentication is provided and it belongs to the event type owner")
    const w = await world();
    w.sandbox.addEventType(w.host.id, { title: "Secret", slug: "secret", lengthInMinutes: 30, hidden: true });
    const anonymous = await w.call("GET", "/v2/event-types", { query: { username: "rome-host" } });
    expect(anonymous.body.data.map((e: { slug: string }) => e.slug)).toEqual(["frisbee-match"]);
    const owner = await w.call("GET", "/v2/event-types", { key: w.apiKey, query: { username: "rome-host" } });
    expect(owner.body.data.map((e: { slug: string }) => e.slug)).toEqual(["frisbee-match", "secret"]);
  });

  it("answers [] for a username and slug that match nothing", async () => {
    // cal.com apps/api/v2/src/ee/event-types/event-types_2024_06_14/controllers/event-types.controller.ts@f65f2d3982d212be831540e427d209a5f8daa707 (getEventTypes)
    const w = await world();
    const res = await w.call("GET", "/v2/event-types", { query: { username: "rome-host", eventSlug: "nope" } });
    expect(res.body).toEqual({ status: "success", data: [] });
  });
});
