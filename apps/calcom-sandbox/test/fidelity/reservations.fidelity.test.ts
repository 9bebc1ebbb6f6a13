import { afterEach, describe, expect, it } from "vitest";
import { closeAll, NOW, world } from "./harness";

// POST/GET/DELETE /v2/slots/reservations (2024-09-04) as Cal.com's slots service, repository and e2e spec define them.
afterEach(closeAll);

const SLOT = "2050-09-05T10:00:00.000Z";
const reserve = (w: Awaited<ReturnType<typeof world>>, body: Record<string, unknown>, key?: string) =>
  w.call("POST", "/v2/slots/reservations", { key, body: { eventTypeId: w.eventType.id, slotStart: SLOT, ...body } });

describe("reservations", () => {
  it("reserves for 5 minutes by default, answering 201 with the reservation", async () => {
    // cal.com apps/api/v2/src/modules/slots/slots-2024-09-04/controllers/e2e/user-event-type-slots.controller.e2e-spec.ts@30f11f51f04983191e1299b9001063944e5f8ecd ("should reserve a slot …"); services/slots.service.ts@f0ac6126fbf673cb8202562293bf12d976ccaa49 (DEFAULT_RESERVATION_DURATION = 5)
    const w = await world();
    const res = await reserve(w, {});
    expect(res.status).toBe(201);
    expect(res.body.data).toEqual({
      eventTypeId: w.eventType.id,
      slotStart: SLOT,
      slotEnd: "2050-09-05T11:00:00.000Z",
      slotDuration: 60,
      reservationUid: expect.any(String),
      reservationDuration: 5,
      reservationUntil: new Date(NOW.getTime() + 5 * 60_000).toISOString(),
    });
  });

  it("reads a reservation back without reservationDuration", async () => {
    // cal.com apps/api/v2/src/modules/slots/slots-2024-09-04/controllers/e2e/user-event-type-slots.controller.e2e-spec.ts@30f11f51f04983191e1299b9001063944e5f8ecd ("should get reserved slot": data equals the reservation minus reservationDuration); services/slots-output.service.ts@741e51d2e35607058bbcab7e46e67c7a842cdb00 (getReservationSlot)
    const w = await world();
    const { reservationDuration: _omitted, ...rest } = (await reserve(w, {})).body.data;
    const res = await w.call("GET", `/v2/slots/reservations/${rest.reservationUid}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "success", data: rest });
  });

  it("answers an unknown reservation with 200 and data null", async () => {
    // cal.com apps/api/v2/src/modules/slots/slots-2024-09-04/services/slots.service.ts@f0ac6126fbf673cb8202562293bf12d976ccaa49 (getReservedSlot returns null) + controllers/slots.controller.ts@694613ff82bd64befca2989e44fb5b642b3a24f4
    const w = await world();
    const res = await w.call("GET", "/v2/slots/reservations/no-such-uid");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "success", data: null });
  });

  it("deletes with 200 and a bare success status, also for an unknown uid", async () => {
    // cal.com apps/api/v2/src/modules/slots/slots-2024-09-04/controllers/slots.controller.ts@694613ff82bd64befca2989e44fb5b642b3a24f4 ({ status: SUCCESS_STATUS }); slots.repository.ts@43bc00472d50e597c946bbea59df56b90f335926 (deleteMany)
    const w = await world();
    const uid = (await reserve(w, {})).body.data.reservationUid;
    expect(await w.call("DELETE", `/v2/slots/reservations/${uid}`)).toMatchObject({ status: 200, body: { status: "success" } });
    const again = await w.call("DELETE", `/v2/slots/reservations/${uid}`);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ status: "success" });
  });

  it("answers 404 naming the unknown event type", async () => {
    // cal.com apps/api/v2/src/modules/slots/slots-2024-09-04/services/slots.service.ts@f0ac6126fbf673cb8202562293bf12d976ccaa49 (`Event Type with ID=${id} not found`)
    const w = await world();
    const res = await reserve(w, { eventTypeId: 9999 });
    expect(res.status).toBe(404);
    expect(res.body.error.message).toBe("Event Type with ID=9999 not found");
  });

  it("refuses reservationDuration without credentials (401)", async () => {
    // cal.com apps/api/v2/src/modules/slots/slots-2024-09-04/services/slots.service.ts@f0ac6126fbf673cb8202562293bf12d976ccaa49 (UnauthorizedException)
    const w = await world();
    const res = await reserve(w, { reservationDuration: 10 });
    expect(res.status).toBe(401);
    expect(res.body.error.message).toBe("reservationDuration can only be used for authenticated requests - use access token, api key or OAuth credentials");
  });

  it("refuses reservationDuration from a user unrelated to the event type owner (403)", async () => {
    // cal.com apps/api/v2/src/modules/slots/slots-2024-09-04/controllers/e2e/user-event-type-slots.controller.e2e-spec.ts@30f11f51f04983191e1299b9001063944e5f8ecd (unrelated user → 403); services/slots.service.ts@f0ac6126fbf673cb8202562293bf12d976ccaa49
    const w = await world();
    const stranger = w.sandbox.addUser({ username: "stranger" });
    const res = await reserve(w, { reservationDuration: 10 }, stranger.apiKey);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("ForbiddenException");
  });

  it("lets the owner choose reservationDuration", async () => {
    // cal.com apps/api/v2/src/modules/slots/slots-2024-09-04/controllers/e2e/user-event-type-slots.controller.e2e-spec.ts@30f11f51f04983191e1299b9001063944e5f8ecd ("as event type owner with custom duration": releaseAt = now + 10 min)
    const w = await world();
    const res = await reserve(w, { reservationDuration: 10 }, w.apiKey);
    expect(res.status).toBe(201);
    expect(res.body.data.reservationUntil).toBe(new Date(NOW.getTime() + 10 * 60_000).toISOString());
  });

  it("refuses slotDuration on a fixed-length event type", async () => {
    // cal.com apps/api/v2/src/modules/slots/slots-2024-09-04/services/slots.service.ts@f0ac6126fbf673cb8202562293bf12d976ccaa49 (validateSlotDuration)
    const w = await world();
    const res = await reserve(w, { slotDuration: 30 });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe("You passed 'slotDuration' but this event type is not a variable length event type.");
  });

  it("refuses a slotDuration that is not one of the event type's lengths", async () => {
    // cal.com apps/api/v2/src/modules/slots/slots-2024-09-04/services/slots.service.ts@f0ac6126fbf673cb8202562293bf12d976ccaa49 (validateSlotDuration)
    const w = await world();
    const variable = w.sandbox.addEventType(w.host.id, { title: "Variable", slug: "variable", lengthInMinutes: 60, lengthInMinutesOptions: [30, 60] });
    const res = await reserve(w, { eventTypeId: variable.id, slotDuration: 45 });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe("Provided 'slotDuration' is not one of the possible lengths for the event type. The possible lengths for this variable length event type are: 30, 60");
    expect((await reserve(w, { eventTypeId: variable.id, slotDuration: 30 })).body.data).toMatchObject({ slotDuration: 30, slotEnd: "2050-09-05T10:30:00.000Z" });
  });

  it("refuses a reservation overlapping an unexpired one (422)", async () => {
    // cal.com apps/api/v2/src/modules/slots/slots-2024-09-04/controllers/e2e/user-event-type-slots.controller.e2e-spec.ts@30f11f51f04983191e1299b9001063944e5f8ecd ("overlapping slot reservations")
    const w = await world();
    await reserve(w, {});
    const res = await reserve(w, { slotStart: "2050-09-05T10:15:00.000Z" });
    expect(res.status).toBe(422);
    expect(res.body.error.message).toBe("This time slot is already reserved by another user. Please choose a different time.");
  });

  it("refuses a reservation over a booking of the event type (422) but allows one right after it", async () => {
    // cal.com apps/api/v2/src/modules/slots/slots-2024-09-04/controllers/e2e/user-event-type-slots.controller.e2e-spec.ts@30f11f51f04983191e1299b9001063944e5f8ecd ("booking overlap"); slots.repository.ts@43bc00472d50e597c946bbea59df56b90f335926 (findActiveOverlappingBooking)
    const w = await world();
    expect((await w.book(SLOT)).status).toBe(201);
    const overlapping = await reserve(w, { slotStart: "2050-09-05T09:30:00.000Z" });
    expect(overlapping.status).toBe(422);
    expect(overlapping.body.error.message).toBe("Can't reserve a slot if the event is already booked.");
    expect((await reserve(w, { slotStart: "2050-09-05T11:00:00.000Z" })).status).toBe(201);
  });

  it("checks overlaps per event type: another event type's booking does not block it", async () => {
    // cal.com apps/api/v2/src/modules/slots/slots-2024-09-04/slots.repository.ts@43bc00472d50e597c946bbea59df56b90f335926 (both overlap queries filter by eventTypeId)
    const w = await world();
    const other = w.sandbox.addEventType(w.host.id, { title: "Other", slug: "other", lengthInMinutes: 60 });
    expect((await w.book(SLOT, { eventTypeId: other.id })).status).toBe(201);
    expect((await reserve(w, {})).status).toBe(201);
  });

  it("does not check the host's availability (a Saturday can be reserved)", async () => {
    // cal.com apps/api/v2/src/modules/slots/slots-2024-09-04/services/slots.service.ts@f0ac6126fbf673cb8202562293bf12d976ccaa49 (reserveSlot checks bookings and reservations only)
    const w = await world();
    const res = await reserve(w, { slotStart: "2050-09-10T10:00:00.000Z" });
    expect(res.status).toBe(201);
  });

  it("lets a cancelled booking's time be reserved", async () => {
    // cal.com apps/api/v2/src/modules/slots/slots-2024-09-04/controllers/e2e/user-event-type-slots.controller.e2e-spec.ts@30f11f51f04983191e1299b9001063944e5f8ecd ("should be able to reserve a slot if booking is cancelled during that time")
    const w = await world();
    const booking = (await w.book(SLOT)).body.data;
    expect((await w.call("POST", `/v2/bookings/${booking.uid}/cancel`, { key: w.apiKey, body: { cancellationReason: "gone" } })).status).toBe(200);
    expect((await reserve(w, {})).status).toBe(201);
  });
});
