import { describe, expect, it } from "vitest";
import { localDayRange, resolveAppointmentTime, TimeInputError } from "./time";
import { dateLabel, groupSlots, nearestAlternatives, speakDateTime, speakTime, suggestSlots } from "./speech";

describe("resolveAppointmentTime", () => {
  it("takes an explicit offset as that instant, whatever the zone", () => {
    expect(resolveAppointmentTime("2026-12-01T10:00:00+05:30", "America/New_York")).toEqual({ instant: new Date("2026-12-01T04:30:00Z"), ambiguous: false, hadOffset: true });
    expect(resolveAppointmentTime("2026-12-01T10:00Z", "Asia/Kolkata").instant.toISOString()).toBe("2026-12-01T10:00:00.000Z");
  });

  it("reads an offset-less time as wall-clock time in the caller's zone (half-hour zones included)", () => {
    expect(resolveAppointmentTime("2026-12-01T10:00", "Asia/Kolkata").instant.toISOString()).toBe("2026-12-01T04:30:00.000Z");
    expect(resolveAppointmentTime("2026-07-01 09:15", "America/New_York").instant.toISOString()).toBe("2026-07-01T13:15:00.000Z");
  });

  it("refuses a wall-clock time the clocks skip, in words", () => {
    expect(() => resolveAppointmentTime("2027-03-28T02:30", "Europe/Berlin")).toThrow(
      new TimeInputError("2:30 AM on Sunday, March 28 does not exist in Europe/Berlin because the clocks change that night; please pick another time"),
    );
    expect(() => resolveAppointmentTime("2026-03-08T02:30", "America/New_York")).toThrow(/does not exist in America\/New_York/);
  });

  it("takes the earlier of a wall-clock time the clocks pass twice, and says so", () => {
    expect(resolveAppointmentTime("2026-10-25T02:30", "Europe/Berlin")).toMatchObject({ instant: new Date("2026-10-25T00:30:00Z"), ambiguous: true });
    expect(resolveAppointmentTime("2026-11-01T01:30", "America/New_York")).toMatchObject({ instant: new Date("2026-11-01T05:30:00Z"), ambiguous: true });
    expect(resolveAppointmentTime("2026-11-01T03:30", "America/New_York").ambiguous).toBe(false);
  });

  it("rejects unknown zones and unreadable times", () => {
    expect(() => resolveAppointmentTime("2026-12-01T10:00", "Mars/Olympus")).toThrow("Unknown time zone 'Mars/Olympus'");
    for (const bad of ["tomorrow at 3", "2026-12-01", "2026-13-01T10:00", ""]) expect(() => resolveAppointmentTime(bad, "UTC")).toThrow(TimeInputError);
  });

  it("refuses offsets past ±14:00, seconds and fractions, and dates more than five years ahead; accepts :00 and .000", () => {
    const now = new Date("2026-06-01T00:00:00Z");
    for (const bad of ["2026-12-01T10:00+25:00", "2026-12-01T10:00-14:30", "2026-12-01T10:00+05:60", "2026-12-01T10:00+1430"]) {
      expect(() => resolveAppointmentTime(bad, "UTC", now)).toThrow(/offset beyond ±14:00/);
    }
    for (const bad of ["2026-12-01T11:00:30", "2026-12-01T11:00:30+01:00", "2026-12-01T11:00:00.5Z", "2026-12-01 11:00:00.001"]) {
      expect(() => resolveAppointmentTime(bad, "Europe/Berlin", now)).toThrow("Appointments start on the minute; please give the time without seconds, like 2026-12-01");
    }
    for (const bad of ["2031-06-01T00:01Z", "9999-03-04T10:00Z", "+010000-03-04T10:00:00Z"]) expect(() => resolveAppointmentTime(bad, "UTC", now)).toThrow(TimeInputError);
    expect(() => resolveAppointmentTime("2031-06-01T00:01Z", "UTC", now)).toThrow("That date is more than 5 years away; please check the year");
    expect(resolveAppointmentTime("2031-06-01T00:00Z", "UTC", now).instant.toISOString()).toBe("2031-06-01T00:00:00.000Z");
    expect(resolveAppointmentTime("2026-12-01T10:00:00.000Z", "UTC", now).instant.toISOString()).toBe("2026-12-01T10:00:00.000Z");
    expect(resolveAppointmentTime("2026-12-01T10:00+14:00", "UTC", now).instant.toISOString()).toBe("2026-11-30T20:00:00.000Z");
    expect(resolveAppointmentTime("2026-12-01T10:00-1200", "UTC", now).instant.toISOString()).toBe("2026-12-01T22:00:00.000Z");
    expect(resolveAppointmentTime("2026-12-01 10:00:00.000", "Asia/Kolkata", now).instant.toISOString()).toBe("2026-12-01T04:30:00.000Z");
  });

  it("turns 'the next N days' into a UTC range ending at the caller's local midnight", () => {
    const now = new Date("2026-01-05T23:30:00Z");
    expect(localDayRange("Europe/Berlin", now, 2)).toEqual({ start: now, end: new Date("2026-01-07T22:59:59.999Z") });
  });
});

describe("speech", () => {
  const now = new Date("2026-01-05T23:30:00Z"); // already Tuesday Jan 6 in Kolkata, still Monday Jan 5 in New York

  it("labels days from the caller's today, not the server's", () => {
    expect(dateLabel("2026-01-06", "Asia/Kolkata", now)).toBe("Today");
    expect(dateLabel("2026-01-06", "America/New_York", now)).toBe("Tomorrow");
    expect(dateLabel("2026-01-09", "Asia/Kolkata", now)).toBe("Friday");
    expect(dateLabel("2026-01-20", "Asia/Kolkata", now)).toBe("Tuesday, January 20");
  });

  it("speaks times in 12-hour style around noon and midnight", () => {
    expect(speakTime(new Date("2026-01-06T00:00:00Z"), "UTC")).toBe("12:00 AM");
    expect(speakTime(new Date("2026-01-06T12:30:00Z"), "UTC")).toBe("12:30 PM");
    expect(speakDateTime(new Date("2026-01-07T04:00:00Z"), "Asia/Kolkata", now)).toBe("Tomorrow at 9:30 AM");
  });

  it("groups slots by the caller's local day across UTC midnight", () => {
    const starts = ["2026-01-07T18:00:00Z", "2026-01-07T19:00:00Z", "2026-01-07T17:30:00Z"].map((s) => new Date(s));
    expect(groupSlots(starts, "Asia/Kolkata", now)).toEqual([
      { date: "2026-01-07", date_label: "Tomorrow", slots: ["11:00 PM", "11:30 PM"] },
      { date: "2026-01-08", date_label: "Thursday", slots: ["12:30 AM"] },
    ]);
  });

  it("suggests a few spread-out options, earliest days first, deterministically", () => {
    const day = (d: number) => Array.from({ length: 16 }, (_, i) => new Date(Date.UTC(2026, 0, d, 9 + Math.floor(i / 2), (i % 2) * 30)));
    const starts = [...day(7), ...day(8), ...day(9), ...day(12)];
    const picked = suggestSlots(starts, "UTC", now);
    expect(picked.map((d) => d.toISOString())).toEqual([
      "2026-01-07T09:00:00.000Z",
      "2026-01-07T13:00:00.000Z",
      "2026-01-08T09:00:00.000Z",
      "2026-01-08T13:00:00.000Z",
      "2026-01-09T09:00:00.000Z",
    ]);
    expect(suggestSlots([...starts].reverse(), "UTC", now)).toEqual(picked);
    expect(suggestSlots(starts, "UTC", now, { max: 3, perDay: 1 }).map((d) => d.getUTCDate())).toEqual([7, 8, 9]);
  });

  it("finds the nearest alternatives to a taken time, in order, without the taken time", () => {
    const starts = ["09:00", "09:30", "10:30", "11:00", "15:00"].map((t) => new Date(`2026-01-07T${t}:00Z`));
    const taken = new Date("2026-01-07T10:00:00Z");
    expect(nearestAlternatives(starts, taken, 3).map((d) => d.toISOString().slice(11, 16))).toEqual(["09:00", "09:30", "10:30"]); // 09:00 and 11:00 tie at an hour away: the earlier wins
    expect(nearestAlternatives(starts, new Date("2026-01-07T09:00:00Z"), 2).map((d) => d.toISOString().slice(11, 16))).toEqual(["09:30", "10:30"]);
  });
});
