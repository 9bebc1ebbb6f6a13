import { afterEach, describe, expect, it } from "vitest";
import { expectedSlotsRome, expectedSlotsRomeRange, expectedSlotsUTC, expectedSlotsUTCRange } from "./fixtures/expected-slots";
import { closeAll, world } from "./harness";

// GET /v2/slots (cal-api-version 2024-09-04) against Cal.com's own e2e expectations and source. Each case names the
// calcom/cal.com file and commit it follows.
afterEach(closeAll);

const week = { start: "2050-09-05", end: "2050-09-09" };
const slotsOf = (w: Awaited<ReturnType<typeof world>>, query: Record<string, string | number | undefined>) =>
  w.call("GET", "/v2/slots", { query: { eventTypeId: w.eventType.id, ...query } });

describe("slots: Cal.com's expected-slot fixtures", () => {
  it("lists the week in UTC by event type id", async () => {
    // cal.com apps/api/v2/src/modules/slots/slots-2024-09-04/controllers/e2e/user-event-type-slots.controller.e2e-spec.ts@30f11f51f04983191e1299b9001063944e5f8ecd ("should get slots in UTC by event type id") + e2e/expected-slots.ts@0c03d483f531350cf4598d82ab13cedfd527d092
    const w = await world();
    const res = await slotsOf(w, week);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "success", data: expectedSlotsUTC });
  });

  it("lists the week in the requested time zone", async () => {
    // cal.com apps/api/v2/src/modules/slots/slots-2024-09-04/controllers/e2e/user-event-type-slots.controller.e2e-spec.ts@30f11f51f04983191e1299b9001063944e5f8ecd ("in specified time zone") + e2e/expected-slots.ts@0c03d483f531350cf4598d82ab13cedfd527d092
    const w = await world();
    expect((await slotsOf(w, { ...week, timeZone: "Europe/Rome" })).body.data).toEqual(expectedSlotsRome);
  });

  it("finds the event type by username and slug", async () => {
    // cal.com apps/api/v2/src/modules/slots/slots-2024-09-04/controllers/e2e/user-event-type-slots.controller.e2e-spec.ts@30f11f51f04983191e1299b9001063944e5f8ecd ("by event type slug")
    const w = await world();
    const res = await w.call("GET", "/v2/slots", { query: { eventTypeSlug: "frisbee-match", username: "rome-host", ...week } });
    expect(res.body.data).toEqual(expectedSlotsUTC);
  });

  it("starts at the given start hour", async () => {
    // cal.com apps/api/v2/src/modules/slots/slots-2024-09-04/controllers/e2e/user-event-type-slots.controller.e2e-spec.ts@30f11f51f04983191e1299b9001063944e5f8ecd ("with start hours specified": first day slice(2))
    const w = await world();
    const res = await slotsOf(w, { start: "2050-09-05T09:00:00.000Z", end: "2050-09-09" });
    expect(res.body.data).toEqual({ ...expectedSlotsUTC, "2050-09-05": expectedSlotsUTC["2050-09-05"]!.slice(2) });
  });

  it("ends slots by an end inside the day (a slot must end by it)", async () => {
    // cal.com apps/api/v2/src/modules/slots/slots-2024-09-04/controllers/e2e/user-event-type-slots.controller.e2e-spec.ts@30f11f51f04983191e1299b9001063944e5f8ecd ("with end hours specified": last day slice(0, 5)); packages/features/schedules/lib/date-ranges.ts@5f5010ca19a27ca197381008b0d24cd42eff7ab0 (working hours clipped to dateTo)
    const w = await world();
    const res = await slotsOf(w, { start: "2050-09-05", end: "2050-09-09T12:00:00.000Z" });
    expect(res.body.data).toEqual({ ...expectedSlotsUTC, "2050-09-09": expectedSlotsUTC["2050-09-09"]!.slice(0, 5) });
  });

  it("ends slots by an inner end in the requested time zone too", async () => {
    // cal.com apps/api/v2/src/modules/slots/slots-2024-09-04/controllers/e2e/user-event-type-slots.controller.e2e-spec.ts@30f11f51f04983191e1299b9001063944e5f8ecd ("in specified time zone … with end hours specified")
    const w = await world();
    const res = await slotsOf(w, { start: "2050-09-05", end: "2050-09-09T12:00:00.000Z", timeZone: "Europe/Rome" });
    expect(res.body.data).toEqual({ ...expectedSlotsRome, "2050-09-09": expectedSlotsRome["2050-09-09"]!.slice(0, 5) });
  });

  it("answers format=range with start and end in UTC", async () => {
    // cal.com apps/api/v2/src/modules/slots/slots-2024-09-04/controllers/e2e/user-event-type-slots.controller.e2e-spec.ts@30f11f51f04983191e1299b9001063944e5f8ecd ("in range format") + expected-slots.ts@0c03d483f531350cf4598d82ab13cedfd527d092
    const w = await world();
    const res = await slotsOf(w, { start: "2050-09-05", end: "2050-09-10", format: "range" });
    expect(res.body).toEqual({ status: "success", data: expectedSlotsUTCRange });
  });

  it("answers format=range in the requested time zone", async () => {
    // cal.com apps/api/v2/src/modules/slots/slots-2024-09-04/controllers/e2e/user-event-type-slots.controller.e2e-spec.ts@30f11f51f04983191e1299b9001063944e5f8ecd ("in specified time zone … in range format")
    const w = await world();
    const res = await slotsOf(w, { start: "2050-09-05", end: "2050-09-10", timeZone: "Europe/Rome", format: "range" });
    expect(res.body.data).toEqual(expectedSlotsRomeRange);
  });

  it("removes the time of an existing booking", async () => {
    // cal.com apps/api/v2/src/modules/slots/slots-2024-09-04/controllers/e2e/user-event-type-slots.controller.e2e-spec.ts@30f11f51f04983191e1299b9001063944e5f8ecd ("should do a booking and slot should not be available at that time")
    const w = await world();
    w.clock.now = Date.parse("2050-09-01T00:00:00Z");
    expect((await w.book("2050-09-05T11:00:00.000Z")).status).toBe(201);
    const res = await slotsOf(w, week);
    expect(res.body.data).toEqual({ ...expectedSlotsUTC, "2050-09-05": expectedSlotsUTC["2050-09-05"]!.filter((s) => s.start !== "2050-09-05T11:00:00.000Z") });
  });

  it("removes a reserved slot", async () => {
    // cal.com apps/api/v2/src/modules/slots/slots-2024-09-04/controllers/e2e/user-event-type-slots.controller.e2e-spec.ts@30f11f51f04983191e1299b9001063944e5f8ecd ("should reserve a slot and it should not appear in available slots")
    const w = await world();
    expect((await w.call("POST", "/v2/slots/reservations", { body: { eventTypeId: w.eventType.id, slotStart: "2050-09-05T10:00:00.000Z" } })).status).toBe(201);
    const res = await slotsOf(w, week);
    expect(res.body.data["2050-09-05"].map((s: { start: string }) => s.start)).not.toContain("2050-09-05T10:00:00.000Z");
    expect(res.body.data["2050-09-05"]).toHaveLength(7);
  });
});

describe("slots: how Cal.com computes them", () => {
  it("aligns starts to the slot interval when an opening starts at :30", async () => {
    // cal.com packages/features/schedules/lib/slots.ts@5b6d63e6300b8d930530b1b876d556a12fcfbd96 (getCorrectedSlotStartTime: start of hour + ceil(minute / interval) * interval)
    const w = await world();
    const s = w.sandbox.addSchedule(w.host.id, { name: "Late start", timeZone: "Europe/Rome", availability: [{ days: ["Monday"], startTime: "09:30", endTime: "17:00" }], overrides: [], isDefault: false });
    const et = w.sandbox.addEventType(w.host.id, { title: "Late", slug: "late", lengthInMinutes: 60, scheduleId: s.id });
    const res = await w.call("GET", "/v2/slots", { query: { eventTypeId: et.id, start: "2050-09-05", end: "2050-09-05", timeZone: "Europe/Rome" } });
    expect(res.body.data["2050-09-05"].map((x: { start: string }) => x.start.slice(11, 16))).toEqual(["10:00", "11:00", "12:00", "13:00", "14:00", "15:00", "16:00"]);
  });

  it("realigns after a busy time: the next start after a booking is on the interval", async () => {
    // cal.com packages/features/schedules/lib/slots.ts@5b6d63e6300b8d930530b1b876d556a12fcfbd96 (slots are built per free date range); packages/features/schedules/lib/date-ranges.ts@5f5010ca19a27ca197381008b0d24cd42eff7ab0 (subtract)
    const w = await world();
    w.clock.now = Date.parse("2050-09-01T00:00:00Z");
    const short = w.sandbox.addEventType(w.host.id, { title: "Quick", slug: "quick", lengthInMinutes: 30 });
    expect((await w.book("2050-09-05T07:00:00.000Z", { eventTypeId: short.id })).status).toBe(201); // 09:00–09:30 Rome
    const res = await slotsOf(w, { start: "2050-09-05", end: "2050-09-05", timeZone: "Europe/Rome" });
    expect(res.body.data["2050-09-05"][0].start).toBe("2050-09-05T10:00:00.000+02:00");
  });

  it("blocks an existing booking's own buffers as well as the new event type's", async () => {
    // cal.com packages/lib/getBusyTimes.ts@3a0dbfa4fc6bfcad91aaa66f88c4cd76f0321a1f (minutesToBlockAfterEvent = booking's eventType.afterEventBuffer + new beforeEventBuffer)
    const w = await world();
    w.clock.now = Date.parse("2050-09-01T00:00:00Z");
    const buffered = w.sandbox.addEventType(w.host.id, { title: "Buffered", slug: "buffered", lengthInMinutes: 60, afterEventBuffer: 30 });
    expect((await w.book("2050-09-05T08:00:00.000Z", { eventTypeId: buffered.id })).status).toBe(201); // 10:00–11:00 Rome, busy to 11:30
    const res = await slotsOf(w, { start: "2050-09-05", end: "2050-09-05", timeZone: "Europe/Rome" });
    expect(res.body.data["2050-09-05"].map((x: { start: string }) => x.start.slice(11, 16))).toEqual(["09:00", "12:00", "13:00", "14:00", "15:00", "16:00"]);
  });

  it("steps by the requested duration on a variable-length event type", async () => {
    // cal.com packages/trpc/server/routers/viewer/slots/util.ts@1041a576d68ad2ae5ebb9f707320118b0425b923 (frequency: slotInterval || input.duration || length)
    const w = await world();
    const variable = w.sandbox.addEventType(w.host.id, { title: "Variable", slug: "variable", lengthInMinutes: 60, lengthInMinutesOptions: [30, 60] });
    const res = await w.call("GET", "/v2/slots", { query: { eventTypeId: variable.id, start: "2050-09-05", end: "2050-09-05", timeZone: "Europe/Rome", duration: 30 } });
    const starts = res.body.data["2050-09-05"].map((x: { start: string }) => x.start.slice(11, 16));
    expect(starts).toHaveLength(16);
    expect(starts.slice(0, 3)).toEqual(["09:00", "09:30", "10:00"]);
  });

  it("gives range ends from the requested duration", async () => {
    // cal.com apps/api/v2/src/modules/slots/slots-2024-09-04/services/slots-output.service.ts@741e51d2e35607058bbcab7e46e67c7a842cdb00 (slotDuration = duration ?? eventType.length)
    const w = await world();
    const variable = w.sandbox.addEventType(w.host.id, { title: "Variable", slug: "variable", lengthInMinutes: 60, lengthInMinutesOptions: [30, 60] });
    const res = await w.call("GET", "/v2/slots", { query: { eventTypeId: variable.id, start: "2050-09-05", end: "2050-09-05", duration: 30, format: "range" } });
    expect(res.body.data["2050-09-05"][0]).toEqual({ start: "2050-09-05T07:00:00.000Z", end: "2050-09-05T07:30:00.000Z" });
  });

  it("reads an end at midnight as 23:59:59 that day", async () => {
    // cal.com apps/api/v2/src/modules/slots/slots-2024-09-04/services/slots-input.service.ts@5b6d63e6300b8d930530b1b876d556a12fcfbd96 (adjustEndTime)
    const w = await world();
    const res = await slotsOf(w, { start: "2050-09-05T00:00:00Z", end: "2050-09-05T00:00:00Z" });
    expect(res.body.data).toEqual({ "2050-09-05": expectedSlotsUTC["2050-09-05"] });
  });

  it("honours minimum notice counted from now", async () => {
    // cal.com packages/features/schedules/lib/slots.ts@5b6d63e6300b8d930530b1b876d556a12fcfbd96 (startTimeWithMinNotice)
    const w = await world();
    w.clock.now = Date.parse("2050-09-05T07:10:00Z"); // 09:10 Rome
    const noticed = w.sandbox.addEventType(w.host.id, { title: "Noticed", slug: "noticed", lengthInMinutes: 60, minimumBookingNotice: 120 });
    const res = await w.call("GET", "/v2/slots", { query: { eventTypeId: noticed.id, start: "2050-09-05", end: "2050-09-05" } });
    expect(res.body.data["2050-09-05"][0].start).toBe("2050-09-05T10:00:00.000Z"); // 11:10 rounds up to 12:00 Rome
  });

  it("frees the rescheduled booking's own time with bookingUidToReschedule", async () => {
    // cal.com packages/lib/getBusyTimes.ts@3a0dbfa4fc6bfcad91aaa66f88c4cd76f0321a1f (rest.uid === rescheduleUid is not busy)
    const w = await world();
    w.clock.now = Date.parse("2050-09-01T00:00:00Z");
    const booking = (await w.book("2050-09-05T11:00:00.000Z")).body.data;
    const res = await slotsOf(w, { ...week, bookingUidToReschedule: booking.uid });
    expect(res.body.data).toEqual(expectedSlotsUTC);
  });

  it("keys days in the requested time zone", async () => {
    // cal.com packages/trpc/server/routers/viewer/slots/util.ts@1041a576d68ad2ae5ebb9f707320118b0425b923 (Intl.DateTimeFormat("fr-CA", { timeZone: input.timeZone }))
    const w = await world();
    const res = await slotsOf(w, { start: "2050-09-05", end: "2050-09-05", timeZone: "Pacific/Kiritimati" });
    expect(Object.keys(res.body.data)).toEqual(["2050-09-05", "2050-09-06"]);
    expect(res.body.data["2050-09-05"][0].start).toBe("2050-09-05T21:00:00.000+14:00");
    expect(res.body.data["2050-09-06"][0].start).toBe("2050-09-06T00:00:00.000+14:00");
  });
});

describe("slots: errors", () => {
  it("answers 404 for an unknown event type id", async () => {
    // cal.com apps/api/v2/src/modules/slots/slots-2024-09-04/services/slots-input.service.ts@5b6d63e6300b8d930530b1b876d556a12fcfbd96 (NotFoundException "Event Type not found")
    const w = await world();
    const res = await w.call("GET", "/v2/slots", { query: { eventTypeId: 9999, ...week } });
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ code: "NotFoundException", message: "Event Type not found" });
  });

  it("answers 404 for an unknown username", async () => {
    // cal.com apps/api/v2/src/modules/slots/slots-2024-09-04/services/slots-input.service.ts@5b6d63e6300b8d930530b1b876d556a12fcfbd96 ("User with username … not found")
    const w = await world();
    const res = await w.call("GET", "/v2/slots", { query: { eventTypeSlug: "frisbee-match", username: "nobody", ...week } });
    expect(res.status).toBe(404);
    expect(res.body.error.message).toBe("User with username nobody not found");
  });

  it("refuses an invalid timeZone as the query pipe words it", async () => {
    // cal.com packages/platform/types/slots/slots-2024-09-04/inputs/get-slots-input.pipe.ts@683e0006f67ddf5c019a027eee747eeedc68c6af (formatErrors) + get-slots.input.ts@5b6d63e6300b8d930530b1b876d556a12fcfbd96 (@IsTimeZone)
    const w = await world();
    const res = await slotsOf(w, { ...week, timeZone: "Mars/Olympus" });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe("timeZone property is wrong,timeZone must be a valid IANA time zone ");
  });

  it("refuses a query without an event type identifier by validating it as a usernames query", async () => {
    // cal.com packages/platform/types/slots/slots-2024-09-04/inputs/get-slots-input.pipe.ts@683e0006f67ddf5c019a027eee747eeedc68c6af (falls through to validateByUsernames)
    const w = await world();
    const res = await w.call("GET", "/v2/slots", { query: week });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^usernames property is wrong,.*organizationSlug property is wrong,organizationSlug must be a string $/);
  });

  it("refuses an unknown query parameter", async () => {
    // cal.com packages/platform/types/slots/slots-2024-09-04/inputs/get-slots-input.pipe.ts@683e0006f67ddf5c019a027eee747eeedc68c6af (whitelist + forbidNonWhitelisted)
    const w = await world();
    const res = await slotsOf(w, { ...week, colour: "blue" });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe("colour property is wrong,property colour should not exist ");
  });

  it("refuses a start that is not an ISO date", async () => {
    // cal.com packages/platform/types/slots/slots-2024-09-04/inputs/get-slots.input.ts@5b6d63e6300b8d930530b1b876d556a12fcfbd96 (@IsDateString({ strict: true }))
    const w = await world();
    const res = await slotsOf(w, { start: "tomorrow", end: "2050-09-09" });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe("start property is wrong,start must be a valid ISO 8601 date string ");
  });
});
