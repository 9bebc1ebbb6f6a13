import { describe, expect, it } from "vitest";
import { availableSlots, dateKey, renderInstant, type Schedule, type SlotRules } from "./slots";

const weekdays = (timeZone: string, startTime = "09:00", endTime = "17:00"): Schedule => ({
  timeZone,
  availability: [{ days: ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"], startTime, endTime }],
  overrides: [],
});
const rules: SlotRules = { lengthInMinutes: 60 };
const iso = (ms: number[]) => ms.map((t) => new Date(t).toISOString());
const at = (s: string) => Date.parse(s);
const PAST = at("2020-01-01T00:00:00Z");

describe("availableSlots", () => {
  it("follows the host's wall clock across the spring-forward day in Europe/Berlin (UTC+1 → UTC+2)", () => {
    const slots = availableSlots({ reserved: [], schedule: weekdays("Europe/Berlin", "09:00", "12:00"), rules, busy: [], from: at("2026-03-28T00:00:00Z"), to: at("2026-03-29T23:59:59Z"), now: PAST });
    expect(iso(slots)).toEqual([
      "2026-03-28T08:00:00.000Z", "2026-03-28T09:00:00.000Z", "2026-03-28T10:00:00.000Z",
      "2026-03-29T07:00:00.000Z", "2026-03-29T08:00:00.000Z", "2026-03-29T09:00:00.000Z",
    ]);
  });

  it("follows the fall-back day in America/New_York (UTC-4 → UTC-5)", () => {
    const slots = availableSlots({ reserved: [], schedule: weekdays("America/New_York", "09:00", "10:00"), rules, busy: [], from: at("2026-10-31T00:00:00Z"), to: at("2026-11-02T00:00:00Z"), now: PAST });
    expect(iso(slots)).toEqual(["2026-10-31T13:00:00.000Z", "2026-11-01T14:00:00.000Z"]);
  });

  it("handles a half-hour zone (Asia/Kolkata) and renders times with its offset", () => {
    const slots = availableSlots({ reserved: [], schedule: weekdays("Asia/Kolkata", "09:00", "11:00"), rules, busy: [], from: at("2026-06-01T00:00:00Z"), to: at("2026-06-01T23:59:59Z"), now: PAST, timeZone: "Asia/Kolkata" });
    expect(iso(slots)).toEqual(["2026-06-01T03:30:00.000Z", "2026-06-01T04:30:00.000Z"]);
    // Starts align in the invitee's zone (Cal.com's slots.ts): asked in UTC, 03:30Z moves to 04:00Z.
    const utc = availableSlots({ reserved: [], schedule: weekdays("Asia/Kolkata", "09:00", "11:00"), rules, busy: [], from: at("2026-06-01T00:00:00Z"), to: at("2026-06-01T23:59:59Z"), now: PAST });
    expect(iso(utc)).toEqual(["2026-06-01T04:00:00.000Z"]);
    expect(renderInstant(slots[0]!, "Asia/Kolkata")).toBe("2026-06-01T09:00:00.000+05:30");
    expect(renderInstant(slots[0]!)).toBe("2026-06-01T03:30:00.000Z");
  });

  it("keys days in the requested zone, so an evening in New York is the next day in UTC", () => {
    const slots = availableSlots({ reserved: [], schedule: weekdays("America/New_York", "19:00", "21:00"), rules, busy: [], from: at("2026-06-01T00:00:00Z"), to: at("2026-06-02T23:59:59Z"), now: PAST });
    // 20:00 on May 31 in New York is already June 1 in UTC, so a UTC range starting June 1 includes it.
    expect(iso(slots).slice(0, 3)).toEqual(["2026-06-01T00:00:00.000Z", "2026-06-01T23:00:00.000Z", "2026-06-02T00:00:00.000Z"]);
    expect(dateKey(slots[0]!, "America/New_York")).toBe("2026-05-31");
    expect(dateKey(slots[0]!)).toBe("2026-06-01");
  });

  it("applies minimum notice exactly at its edge", () => {
    const now = at("2026-06-01T07:00:00Z"); // 09:00 in Berlin
    const schedule = weekdays("Europe/Berlin", "09:00", "13:00");
    const slots = availableSlots({ reserved: [], schedule, rules: { lengthInMinutes: 60, minimumBookingNotice: 120 }, busy: [], from: now, to: at("2026-06-01T21:59:59Z"), now });
    expect(iso(slots)).toEqual(["2026-06-01T09:00:00.000Z", "2026-06-01T10:00:00.000Z"]); // 11:00 is exactly 120 min away
  });

  it("removes busy times (widened by the caller, as src/busy.ts does), and honours date overrides and the booking window", () => {
    const schedule: Schedule = { ...weekdays("UTC", "09:00", "13:00"), overrides: [{ date: "2026-06-02", startTime: "14:00", endTime: "15:00" }] };
    // A 10:00–11:00 booking seen by an event type with a 30-minute after-buffer is busy from 09:30.
    const busy = [{ start: at("2026-06-01T09:30:00Z"), end: at("2026-06-01T11:00:00Z") }];
    const slots = availableSlots({ reserved: [], schedule, rules: { lengthInMinutes: 60, slotInterval: 30, afterEventBuffer: 30 }, busy, from: at("2026-06-01T00:00:00Z"), to: at("2026-06-02T23:59:59Z"), now: PAST });
    expect(iso(slots)).toEqual(["2026-06-01T11:00:00.000Z", "2026-06-01T11:30:00.000Z", "2026-06-01T12:00:00.000Z", "2026-06-02T14:00:00.000Z"]);
    const windowed = availableSlots({ reserved: [], schedule, rules: { lengthInMinutes: 60, bookingWindow: { type: "calendarDays", value: 1 } }, busy: [], from: at("2026-06-01T00:00:00Z"), to: at("2026-06-05T00:00:00Z"), now: at("2026-06-01T00:00:00Z") });
    expect(new Set(windowed.map((t) => dateKey(t)))).toEqual(new Set(["2026-06-01", "2026-06-02"]));
  });
});
