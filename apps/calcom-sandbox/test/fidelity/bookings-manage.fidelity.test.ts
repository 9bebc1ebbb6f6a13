import { afterEach, describe, expect, it } from "vitest";
import { closeAll, world } from "./harness";

// GET /v2/bookings[/:uid], reschedule and cancel (2024-08-13), and what a request without cal-api-version reaches.
afterEach(closeAll);

const day = (d: number, hhmm: string) => `2049-09-${String(d).padStart(2, "0")}T${hhmm}:00.000Z`; // Rome is UTC+2: 07:00Z = 09:00

describe("bookings get and list", () => {
  it("answers 404 for an unknown uid", async () => {
    // cal.com apps/api/v2/src/ee/bookings/2024-08-13/services/bookings.service.ts@cd764fd827c001adedda807a326af9ca0f924beb (getBooking: `Booking with uid=${uid} was not found in the database`)
    const w = await world();
    const res = await w.call("GET", "/v2/bookings/nope");
    expect(res.status).toBe(404);
    expect(res.body.error.message).toBe("Booking with uid=nope was not found in the database");
  });

  it("lists cancelled bookings newest first", async () => {
    // cal.com packages/features/bookings/lib/getAllUserBookings.ts@0f7e22ccd762f77236e850dc1e43c55c60c085b1 → get.handler getOrderBy (cancelled: startTime desc when one status and no sort)
    const w = await world();
    for (const d of [6, 7, 8]) {
      const uid = (await w.book(day(d, "07:00"))).body.data.uid;
      await w.call("POST", `/v2/bookings/${uid}/cancel`, { key: w.apiKey, body: { cancellationReason: "x" } });
    }
    const res = await w.call("GET", "/v2/bookings", { key: w.apiKey, query: { status: "cancelled" } });
    expect(res.body.data.map((b: { start: string }) => b.start)).toEqual([day(8, "07:00"), day(7, "07:00"), day(6, "07:00")]);
  });

  it("lists past bookings newest first", async () => {
    // cal.com packages/features/bookings/lib/getAllUserBookings.ts@0f7e22ccd762f77236e850dc1e43c55c60c085b1 → get.handler getOrderBy (past: startTime desc)
    const w = await world();
    for (const d of [6, 7]) await w.book(day(d, "07:00"));
    w.clock.now = Date.parse("2049-09-20T00:00:00Z");
    const res = await w.call("GET", "/v2/bookings", { key: w.apiKey, query: { status: "past" } });
    expect(res.body.data.map((b: { start: string }) => b.start)).toEqual([day(7, "07:00"), day(6, "07:00")]);
  });

  it("lists upcoming bookings oldest first, and ascending when several statuses are asked", async () => {
    // cal.com packages/features/bookings/lib/getAllUserBookings.ts@0f7e22ccd762f77236e850dc1e43c55c60c085b1 → get.handler getOrderBy (upcoming asc; default { startTime: asc })
    const w = await world();
    for (const d of [8, 6]) await w.book(day(d, "07:00"));
    const upcoming = await w.call("GET", "/v2/bookings", { key: w.apiKey, query: { status: "upcoming" } });
    expect(upcoming.body.data.map((b: { start: string }) => b.start)).toEqual([day(6, "07:00"), day(8, "07:00")]);
    const both = await w.call("GET", "/v2/bookings", { key: w.apiKey, query: { status: "upcoming,cancelled" } });
    expect(both.body.data.map((b: { start: string }) => b.start)).toEqual([day(6, "07:00"), day(8, "07:00")]);
  });

  it("pages with Cal.com's pagination object", async () => {
    // cal.com apps/api/v2/src/ee/bookings/2024-08-13/services/bookings.service.ts@cd764fd827c001adedda807a326af9ca0f924beb (getPagination({ skip, take, totalCount }))
    const w = await world();
    for (const d of [6, 7, 8]) await w.book(day(d, "07:00"));
    const res = await w.call("GET", "/v2/bookings", { key: w.apiKey, query: { take: 2, skip: 0 } });
    expect(res.body.pagination).toEqual({ totalItems: 3, remainingItems: 1, returnedItems: 2, itemsPerPage: 2, currentPage: 1, totalPages: 2, hasNextPage: true, hasPreviousPage: false });
  });

  it("sends bookings requests without cal-api-version to the legacy controller", async () => {
    // cal.com apps/api/v2/src/ee/bookings/2024-04-15/controllers/bookings.controller.ts@d33679261d4c3aa05def2148ec3af498847870b8 (versions 2024-04-15, 06-11, 06-14; data: { bookings, …, nextCursor })
    const w = await world();
    await w.book(day(6, "07:00"));
    const res = await w.call("GET", "/v2/bookings", { key: w.apiKey, version: null });
    expect(res.status).toBe(200);
    expect(res.body.data.bookings).toHaveLength(1);
    expect(res.body.data).toHaveProperty("nextCursor", null);
  });

  it("answers the legacy 404 text for an unknown uid without cal-api-version", async () => {
    // cal.com apps/api/v2/src/ee/bookings/2024-04-15/controllers/bookings.controller.ts@d33679261d4c3aa05def2148ec3af498847870b8 (`Booking with UID=${bookingUid} does not exist.`)
    const w = await world();
    const res = await w.call("GET", "/v2/bookings/nope", { version: null });
    expect(res.status).toBe(404);
    expect(res.body.error.message).toBe("Booking with UID=nope does not exist.");
  });

  it("answers 404 for bookings under the slots version", async () => {
    // cal.com apps/api/v2/src/ee/bookings/2024-08-13/controllers/bookings.controller.ts@cf5215774e07efb16d8f1d4fd9e59b9764f248ad (version 2024-08-13 only) and the legacy controller (04-15, 06-11, 06-14)
    const w = await world();
    const res = await w.call("GET", "/v2/bookings", { key: w.apiKey, version: "2024-09-04" });
    expect(res.status).toBe(404);
    expect(res.body.error.message).toBe("Cannot GET /v2/bookings");
  });
});

describe("bookings list: changed-since filters for reconciliation", () => {
  const uids = (res: { body: { data: { uid: string }[] } }) => res.body.data.map((b) => b.uid);

  it("afterUpdatedAt keeps bookings updated at or after the instant, cancellations included", async () => {
    // cal.com packages/platform/types/bookings/2024-08-13/inputs/get-bookings.input.ts@1b6cab4fde117ed1dd1e58506d6988464d3ddc98 (afterUpdatedAt) + packages/trpc/server/routers/viewer/bookings/get.handler.ts@f091f1c3c80285233555f441be604fa5d9faaa07 (updatedAt gte, on every status)
    const w = await world();
    const a = (await w.book(day(6, "07:00"))).body.data;
    const b = (await w.book(day(7, "07:00"))).body.data;
    w.clock.now += 60_000;
    const since = new Date(w.clock.now).toISOString();
    await w.call("POST", `/v2/bookings/${a.uid}/cancel`, { key: w.apiKey, body: { cancellationReason: "x" } });
    const c = (await w.book(day(8, "07:00"))).body.data;
    const res = await w.call("GET", "/v2/bookings", { key: w.apiKey, query: { afterUpdatedAt: since, sortUpdatedAt: "asc" } });
    expect(res.status).toBe(200);
    expect(uids(res)).toEqual([a.uid, c.uid]);
    expect(uids(res)).not.toContain(b.uid);
  });

  it("beforeUpdatedAt, afterCreatedAt and beforeCreatedAt bound both ends, inclusively", async () => {
    // cal.com packages/platform/types/bookings/2024-08-13/inputs/get-bookings.input.ts@1b6cab4fde117ed1dd1e58506d6988464d3ddc98 (beforeUpdatedAt, afterCreatedAt, beforeCreatedAt) + get.handler.ts@f091f1c3c80285233555f441be604fa5d9faaa07 (gte / lte)
    const w = await world();
    const first = new Date(w.clock.now).toISOString();
    const a = (await w.book(day(6, "07:00"))).body.data;
    w.clock.now += 60_000;
    const second = new Date(w.clock.now).toISOString();
    const b = (await w.book(day(7, "07:00"))).body.data;
    const q = (query: Record<string, string>) => w.call("GET", "/v2/bookings", { key: w.apiKey, query: { ...query, sortCreated: "asc" } });
    expect(uids(await q({ afterCreatedAt: second }))).toEqual([b.uid]);
    expect(uids(await q({ beforeCreatedAt: first }))).toEqual([a.uid]);
    expect(uids(await q({ beforeUpdatedAt: first }))).toEqual([a.uid]);
    expect(uids(await q({ afterCreatedAt: first, beforeCreatedAt: second }))).toEqual([a.uid, b.uid]);
  });

  it("orders by updatedAt when sortUpdatedAt is given", async () => {
    // cal.com packages/platform/types/bookings/2024-08-13/inputs/get-bookings.input.ts@1b6cab4fde117ed1dd1e58506d6988464d3ddc98 (sortUpdatedAt) + packages/features/bookings/lib/getAllUserBookings.ts@0f7e22ccd762f77236e850dc1e43c55c60c085b1 → get.handler getOrderBy
    const w = await world();
    const a = (await w.book(day(6, "07:00"))).body.data;
    w.clock.now += 60_000;
    const b = (await w.book(day(7, "07:00"))).body.data;
    w.clock.now += 60_000;
    await w.call("POST", `/v2/bookings/${a.uid}/cancel`, { key: w.apiKey, body: { cancellationReason: "x" } });
    const res = await w.call("GET", "/v2/bookings", { key: w.apiKey, query: { sortUpdatedAt: "desc" } });
    expect(uids(res)).toEqual([a.uid, b.uid]);
  });

  it("refuses a date that is not ISO 8601 with the global ValidationPipe's errors", async () => {
    // cal.com packages/platform/types/bookings/2024-08-13/inputs/get-bookings.input.ts@1b6cab4fde117ed1dd1e58506d6988464d3ddc98 (@IsISO8601 strict, "fromDate must be a valid ISO 8601 date.") + apps/api/v2/src/app.ts@44f93d29bbeb386e8f9b1acba6ade00e27397776 (ValidationPipe exceptionFactory: new BadRequestException({ errors }))
    const w = await world();
    const res = await w.call("GET", "/v2/bookings", { key: w.apiKey, query: { afterUpdatedAt: "yesterday" } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("BadRequestException");
    expect(res.body.error.message).toBe("Bad Request Exception");
    expect(res.body.error.details.errors).toEqual([
      expect.objectContaining({ property: "afterUpdatedAt", value: "yesterday", constraints: { isIso8601: "fromDate must be a valid ISO 8601 date." } }),
    ]);
    const before = await w.call("GET", "/v2/bookings", { key: w.apiKey, query: { beforeUpdatedAt: "2049-13-01" } });
    expect(before.body.error.details.errors[0].constraints).toEqual({ isIso8601: "toDate must be a valid ISO 8601 date." });
  });

  it("refuses take outside 1–250 instead of clamping it", async () => {
    // cal.com packages/platform/types/bookings/2024-08-13/inputs/get-bookings.input.ts@1b6cab4fde117ed1dd1e58506d6988464d3ddc98 (take: @Min(1) @Max(250); skip: @Min(0)) + app.ts@44f93d29bbeb386e8f9b1acba6ade00e27397776
    const w = await world();
    const big = await w.call("GET", "/v2/bookings", { key: w.apiKey, query: { take: 251 } });
    expect(big.status).toBe(400);
    expect(big.body.error.details.errors[0]).toMatchObject({ property: "take", constraints: { max: "take must not be greater than 250" } });
    const zero = await w.call("GET", "/v2/bookings", { key: w.apiKey, query: { take: 0 } });
    expect(zero.body.error.details.errors[0].constraints).toEqual({ min: "take must not be less than 1" });
    const skip = await w.call("GET", "/v2/bookings", { key: w.apiKey, query: { skip: -1 } });
    expect(skip.body.error.details.errors[0].constraints).toEqual({ min: "skip must not be less than 0" });
  });

  it("refuses an unknown sort order", async () => {
    // cal.com packages/platform/types/bookings/2024-08-13/inputs/get-bookings.input.ts@1b6cab4fde117ed1dd1e58506d6988464d3ddc98 (@IsEnum(SortOrder) on sortUpdatedAt: 'SortCreated must be either "asc" or "desc".')
    const w = await world();
    const res = await w.call("GET", "/v2/bookings", { key: w.apiKey, query: { sortUpdatedAt: "newest" } });
    expect(res.status).toBe(400);
    expect(res.body.error.details.errors[0].constraints).toEqual({ isEnum: 'SortCreated must be either "asc" or "desc".' });
  });
});

describe("bookings reschedule", () => {
  it("answers 404 for an unknown uid", async () => {
    // cal.com apps/api/v2/src/ee/bookings/2024-08-13/services/bookings.service.ts@cd764fd827c001adedda807a326af9ca0f924beb (shouldRescheduleIndividualSeat: NotFoundException)
    const w = await world();
    const res = await w.call("POST", "/v2/bookings/nope/reschedule", { body: { start: day(6, "08:00") } });
    expect(res.status).toBe(404);
    expect(res.body.error.message).toBe("Booking with uid=nope was not found in the database");
  });

  it("moves a booking: new uid, rescheduledFromUid, the old one cancelled and pointing to it", async () => {
    // cal.com apps/api/v2/src/ee/bookings/2024-08-13/services/bookings.service.ts@cd764fd827c001adedda807a326af9ca0f924beb (rescheduleBooking) + services/input.service.ts@3d4e8782eb22f7e512a77fa043ecc7eafafed01c (rescheduledReason in responses)
    const w = await world();
    const old = (await w.book(day(6, "07:00"))).body.data;
    const res = await w.call("POST", `/v2/bookings/${old.uid}/reschedule`, { body: { start: day(6, "09:00"), reschedulingReason: "clash" } });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ start: day(6, "09:00"), rescheduledFromUid: old.uid, reschedulingReason: "clash", status: "accepted" });
    expect((await w.call("GET", `/v2/bookings/${old.uid}`)).body.data).toMatchObject({ status: "cancelled", rescheduledToUid: res.body.data.uid });
  });

  it("gives the rescheduled booking the event type's length, not the old booking's", async () => {
    // cal.com apps/api/v2/src/ee/bookings/2024-08-13/services/input.service.ts@3d4e8782eb22f7e512a77fa043ecc7eafafed01c (transformInputRescheduleBooking: end = start + eventType.length)
    const w = await world();
    const variable = w.sandbox.addEventType(w.host.id, { title: "Variable", slug: "variable", lengthInMinutes: 60, lengthInMinutesOptions: [30, 60] });
    const old = (await w.book(day(6, "07:00"), { eventTypeId: variable.id, lengthInMinutes: 30 })).body.data;
    const res = await w.call("POST", `/v2/bookings/${old.uid}/reschedule`, { body: { start: day(6, "09:00") } });
    expect(res.body.data.duration).toBe(60);
  });

  it("refuses to reschedule a cancelled booking", async () => {
    // cal.com apps/api/v2/src/ee/bookings/2024-08-13/services/bookings.service.ts@cd764fd827c001adedda807a326af9ca0f924beb (canRescheduleBooking)
    const w = await world();
    const b = (await w.book(day(6, "07:00"))).body.data;
    await w.call("POST", `/v2/bookings/${b.uid}/cancel`, { body: {} });
    const res = await w.call("POST", `/v2/bookings/${b.uid}/reschedule`, { body: { start: day(6, "09:00") } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(`Can't reschedule booking with uid=${b.uid} because it has been cancelled. Please provide uid of a booking that is not cancelled.`);
  });

  it("refuses to reschedule a booking that was already rescheduled, naming its successor", async () => {
    // cal.com apps/api/v2/src/ee/bookings/2024-08-13/services/bookings.service.ts@cd764fd827c001adedda807a326af9ca0f924beb (canRescheduleBooking: cancelled and rescheduled)
    const w = await world();
    const b = (await w.book(day(6, "07:00"))).body.data;
    const moved = (await w.call("POST", `/v2/bookings/${b.uid}/reschedule`, { body: { start: day(6, "09:00") } })).body.data;
    const res = await w.call("POST", `/v2/bookings/${b.uid}/reschedule`, { body: { start: day(6, "11:00") } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(
      `Can't reschedule booking with uid=${b.uid} because it has been cancelled and rescheduled already to booking with uid=${moved.uid}. You probably want to reschedule ${moved.uid} instead by passing it within the request URL.`,
    );
  });

  it("refuses a taken time with the create errors", async () => {
    // cal.com apps/api/v2/src/ee/bookings/2024-08-13/services/bookings.service.ts@cd764fd827c001adedda807a326af9ca0f924beb (rescheduleBooking → handleBookingError)
    const w = await world();
    const a = (await w.book(day(6, "07:00"))).body.data;
    await w.book(day(6, "09:00"), { attendee: { ...w.attendee, email: "bo@example.com" } });
    const res = await w.call("POST", `/v2/bookings/${a.uid}/reschedule`, { body: { start: day(6, "09:00") } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe("User either already has booking at this time or is not available");
  });
});

describe("bookings cancel", () => {
  it("refuses the host's cancel without a reason (a bare 400)", async () => {
    // cal.com packages/features/bookings/lib/handleCancelBooking/test/handleCancelBooking.test.ts@ce18be5f3d4eaa1cecb7d7d28949e6f63114ee01 ("Cancellation reason is required when you are the host"); packages/features/bookings/lib/cancellationReason.ts@71bc4fbd0dea7c29eafbd05be61839514ec5136f (MANDATORY_HOST_ONLY default)
    const w = await world();
    const b = (await w.book(day(6, "07:00"))).body.data;
    const res = await w.call("POST", `/v2/bookings/${b.uid}/cancel`, { key: w.apiKey, body: {} });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ statusCode: 400, message: "Cancellation reason is required when you are the host" });
  });

  it("counts a blank reason as none", async () => {
    // cal.com packages/features/bookings/lib/handleCancelBooking/test/handleCancelBooking.test.ts@ce18be5f3d4eaa1cecb7d7d28949e6f63114ee01 (handler checks !cancellationReason?.trim())
    const w = await world();
    const b = (await w.book(day(6, "07:00"))).body.data;
    const res = await w.call("POST", `/v2/bookings/${b.uid}/cancel`, { key: w.apiKey, body: { cancellationReason: "   " } });
    expect(res.status).toBe(400);
  });

  it("lets an unauthenticated caller (the attendee) cancel without a reason", async () => {
    // cal.com packages/features/bookings/lib/cancellationReason.ts@71bc4fbd0dea7c29eafbd05be61839514ec5136f (reason mandatory for the host only by default)
    const w = await world();
    const b = (await w.book(day(6, "07:00"))).body.data;
    const res = await w.call("POST", `/v2/bookings/${b.uid}/cancel`, { body: {} });
    expect(res.status).toBe(200);
    expect(res.body.data.status).toBe("cancelled");
  });

  it("cancels with a reason and answers 200 with the cancelled booking", async () => {
    // cal.com apps/api/v2/src/ee/bookings/2024-08-13/controllers/bookings.controller.ts@cf5215774e07efb16d8f1d4fd9e59b9764f248ad (@HttpCode(HttpStatus.OK)) + services/bookings.service.ts@cd764fd827c001adedda807a326af9ca0f924beb (returns getBooking)
    const w = await world();
    const b = (await w.book(day(6, "07:00"))).body.data;
    const res = await w.call("POST", `/v2/bookings/${b.uid}/cancel`, { key: w.apiKey, body: { cancellationReason: "Travelling" } });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ uid: b.uid, status: "cancelled", cancellationReason: "Travelling" });
  });

  it("answers a second cancel with the input service's envelope", async () => {
    // cal.com apps/api/v2/src/ee/bookings/2024-08-13/services/input.service.ts@3d4e8782eb22f7e512a77fa043ecc7eafafed01c (createCancelBookingRequest: BadRequestException)
    const w = await world();
    const b = (await w.book(day(6, "07:00"))).body.data;
    await w.call("POST", `/v2/bookings/${b.uid}/cancel`, { key: w.apiKey, body: { cancellationReason: "x" } });
    const res = await w.call("POST", `/v2/bookings/${b.uid}/cancel`, { key: w.apiKey, body: { cancellationReason: "x" } });
    expect(res.status).toBe(400);
    expect(res.body.status).toBe("error");
    expect(res.body.error).toMatchObject({
      code: "BadRequestException",
      message: `Can't cancel booking with uid=${b.uid} because it has been cancelled already. Please provide uid of a booking that is not cancelled.`,
    });
  });

  it("answers 404 for an unknown uid", async () => {
    // cal.com apps/api/v2/src/ee/bookings/2024-08-13/services/input.service.ts@3d4e8782eb22f7e512a77fa043ecc7eafafed01c (`Booking with uid=${bookingUid} not found`)
    const w = await world();
    const res = await w.call("POST", "/v2/bookings/nope/cancel", { body: { cancellationReason: "x" } });
    expect(res.status).toBe(404);
    expect(res.body.error.message).toBe("Booking with uid=nope not found");
  });

  it("refuses unknown body properties", async () => {
    // cal.com packages/platform/types/bookings/2024-08-13/inputs/cancel-booking-input.pipe.ts@5b6d63e6300b8d930530b1b876d556a12fcfbd96 (forbidNonWhitelisted)
    const w = await world();
    const b = (await w.book(day(6, "07:00"))).body.data;
    const res = await w.call("POST", `/v2/bookings/${b.uid}/cancel`, { key: w.apiKey, body: { reason: "x" } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe("reason property is wrong,property reason should not exist ");
  });

  it("refuses to cancel a booking that has already ended", async () => {
    // cal.com packages/features/bookings/lib/handleCancelBooking/test/handleCancelBooking.test.ts@ce18be5f3d4eaa1cecb7d7d28949e6f63114ee01 ("Should block cancelling past bookings": "Cannot cancel a booking that has already ended")
    const w = await world();
    const b = (await w.book(day(6, "07:00"))).body.data;
    w.clock.now = Date.parse("2049-09-07T00:00:00Z");
    const res = await w.call("POST", `/v2/bookings/${b.uid}/cancel`, { key: w.apiKey, body: { cancellationReason: "late" } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ statusCode: 400, message: "Cannot cancel a booking that has already ended" });
  });
});
