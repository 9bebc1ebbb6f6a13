import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { getSlots } from "../../src/slots";

// Cal.com's own unit expectations for its slot builder, ported as data: every case below is a case of
// calcom/cal.com packages/features/schedules/lib/slots.test.ts @ f734bf01b92f192e86b5bb28d10c33c842a9a3fd
// (inputs and expected counts/times as there; the test code is ours), run against the sandbox's getSlots, which
// follows packages/features/schedules/lib/slots.ts @ 5b6d63e6300b8d930530b1b876d556a12fcfbd96.

const NOW = Date.parse("2021-06-20T11:59:59Z"); // vi.setSystemTime in Cal.com's test
const utc = (s: string) => Date.parse(s.endsWith("Z") ? s : `${s}Z`);
const local = (s: string, zone: string) => DateTime.fromISO(s, { zone }).toMillis();
const nextDay = { start: utc("2021-06-21T00:00:00.000"), end: utc("2021-06-21T23:59:59.999") };
const today = { start: utc("2021-06-20T00:00:00.000"), end: utc("2021-06-20T23:59:59.999") };
const at = (h: number, m = 0, day = "2021-06-21") => utc(`${day}T${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}:00.000`);
const base = { now: NOW, timeZone: "UTC", minimumBookingNotice: 0 };
const formatted = (times: number[], zone: string) => times.map((t) => DateTime.fromMillis(t, { zone }).toISO({ suppressMilliseconds: true }));

describe("getSlots: cases of Cal.com's slots.test.ts", () => {
  // cal.com packages/features/schedules/lib/slots.test.ts@f734bf01b92f192e86b5bb28d10c33c842a9a3fd — one `it` per case there
  it.each([
    ["can fit 24 hourly slots for an empty day", { frequency: 60, eventLength: 60, dateRanges: [nextDay] }, 24],
    ["can fit 24 hourly slots for an empty day with interval != eventLength", { frequency: 60, eventLength: 30, dateRanges: [nextDay] }, 24],
    ["only shows future booking slots on the same day", { frequency: 60, eventLength: 60, dateRanges: [today] }, 12],
    ["adds minimum booking notice correctly", { frequency: 60, eventLength: 60, minimumBookingNotice: 1500, dateRanges: [nextDay] }, 11],
    ["shows correct time slots for 20 minutes long events", { frequency: 20, eventLength: 20, dateRanges: [nextDay] }, 72],
    ["can create multiple time slot groups when multiple date ranges are given", { frequency: 20, eventLength: 20, dateRanges: [{ start: at(11), end: at(12) }, { start: at(14), end: at(15) }] }, 6],
    ["can merge multiple time slot groups when multiple date ranges are given that overlap", { frequency: 20, eventLength: 20, dateRanges: [{ start: at(11), end: at(12) }, { start: at(11, 20), end: at(12, 40) }] }, 5],
    ["finds correct slots when two unequal date ranges are given", { frequency: 45, eventLength: 45, dateRanges: [{ start: at(11), end: at(13) }, { start: at(11, 15), end: at(13) }] }, 2],
    ["finds correct slots when two unequal date ranges are given (inverse)", { frequency: 45, eventLength: 45, dateRanges: [{ start: at(11, 15), end: at(13) }, { start: at(11), end: at(13) }] }, 2],
    [
      "finds correct slots over the span of multiple days",
      { frequency: 60, eventLength: 60, dateRanges: [{ start: at(11, 30), end: at(14) }, { start: at(9, 15), end: at(11) }, { start: at(11, 30, "2021-06-22"), end: at(14, 0, "2021-06-22") }, { start: at(9, 15, "2021-06-22"), end: at(11, 0, "2021-06-22") }] },
      6,
    ],
    ["shows correct time slots for 20 minutes long events with working hours that do not end at a full hour", { frequency: 20, eventLength: 20, dateRanges: [{ start: utc("2021-06-21T00:00:00.000"), end: utc("2021-06-21T23:45:00.000") }] }, 71],
    ["tests slots for 5 minute events", { timeZone: "Europe/London", frequency: 5, eventLength: 5, dateRanges: [{ start: local("2023-07-13T07:00", "Europe/London"), end: local("2023-07-13T07:05", "Europe/London") }, { start: local("2023-07-13T07:10", "Europe/London"), end: local("2023-07-13T07:30", "Europe/London") }] }, 5],
    ["tests slots for events with an event length that is not divisible by 5", { frequency: 8, eventLength: 8, dateRanges: [{ start: utc("2023-07-13T07:22:00.000"), end: utc("2023-07-13T08:00:00.000") }] }, 4],
  ] as const)("%s", (_name, input, count) => {
    expect(getSlots({ ...base, ...input, dateRanges: [...input.dateRanges] })).toHaveLength(count);
  });

  it("tests the final slot of the day is included", () => {
    // cal.com packages/features/schedules/lib/slots.test.ts@f734bf01b92f192e86b5bb28d10c33c842a9a3fd ("tests the final slot of the day is included")
    const slots = getSlots({
      ...base,
      timeZone: "Europe/Brussels",
      eventLength: 15,
      frequency: 15,
      minimumBookingNotice: 120,
      dateRanges: [
        { start: utc("2023-07-13T07:00:00.000"), end: utc("2023-07-13T15:00:00.000") },
        { start: utc("2023-07-13T18:30:00.000"), end: utc("2023-07-13T20:59:59.000") },
      ],
    });
    expect(formatted([slots.at(-1)!], "Europe/Brussels")).toEqual(["2023-07-13T22:45:00+02:00"]);
  });

  it("tests slots for half hour timezones", () => {
    // cal.com packages/features/schedules/lib/slots.test.ts@f734bf01b92f192e86b5bb28d10c33c842a9a3fd ("tests slots for half hour timezones")
    const slots = getSlots({ ...base, timeZone: "Asia/Kolkata", frequency: 60, eventLength: 60, dateRanges: [{ start: local("2023-07-13T07:30", "Asia/Kolkata"), end: local("2023-07-13T09:30", "Asia/Kolkata") }] });
    expect(formatted(slots, "Asia/Kolkata")).toEqual(["2023-07-13T08:00:00+05:30"]);
  });

  const la = "America/Los_Angeles";
  // cal.com packages/features/schedules/lib/slots.test.ts@f734bf01b92f192e86b5bb28d10c33c842a9a3fd — "Tests the date-range slot logic with showOptimizedSlots"
  it.each([
    ["respects the start of the hour for 09:30-17:00 (optimized)", true, [["2024-09-12T16:30:00.000Z", "2024-09-13T00:00:00.000Z"]], ["10:00", "11:00", "12:00", "13:00", "14:00", "15:00", "16:00"]],
    ["shows 4 slots for 08:00-12:30 with 10:00-10:10 busy (optimized)", true, [["2024-09-12T15:00:00.000Z", "2024-09-12T17:00:00.000Z"], ["2024-09-12T17:10:00.000Z", "2024-09-12T19:30:00.000Z"]], ["08:00", "09:00", "10:15", "11:15"]],
    ["shows 3 slots for 08:00-12:30 with 10:00-10:10 busy (not optimized)", false, [["2024-09-12T15:00:00.000Z", "2024-09-12T17:00:00.000Z"], ["2024-09-12T17:10:00.000Z", "2024-09-12T19:30:00.000Z"]], ["08:00", "09:00", "11:00"]],
    ["shows 3 slots for 08:00-12:00 with 10:00-10:10 busy (optimized)", true, [["2024-09-12T15:00:00.000Z", "2024-09-12T17:00:00.000Z"], ["2024-09-12T17:10:00.000Z", "2024-09-12T19:00:00.000Z"]], ["08:00", "09:00", "11:00"]],
  ] as const)("%s", (_name, showOptimizedSlots, ranges, expected) => {
    const slots = getSlots({ ...base, now: 0, timeZone: la, frequency: 60, eventLength: 60, showOptimizedSlots, dateRanges: ranges.map(([s, e]) => ({ start: Date.parse(s), end: Date.parse(e) })) });
    expect(slots.map((t) => DateTime.fromMillis(t, { zone: la }).toFormat("HH:mm"))).toEqual([...expected]);
  });
});
