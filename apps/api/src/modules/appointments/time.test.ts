import { describe, expect, it } from "vitest";
import { localDayRange, resolveAppointmentTime, TimeInputError } from "./time";
import { scheduleCovers } from "./schedule";
import { dateLabel, groupSlots, nearestAlternatives, sentenceStart, speakDateTime, speakDays, speakSlots, speakTime, suggestSlots } from "./speech";

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

  it("turns 'that day and the next N - 1' into a UTC range from the wanted time's local day, never before now", () => {
    const now = new Date("2026-01-05T10:00:00Z");
    expect(localDayRange("Europe/Berlin", now, 7, new Date("2026-02-10T15:00:00Z"))).toEqual({ start: new Date("2026-02-09T23:00:00Z"), end: new Date("2026-02-16T22:59:59.999Z") });
    expect(localDayRange("Europe/Berlin", now, 1, new Date("2026-01-05T16:00:00Z"))).toEqual({ start: now, end: new Date("2026-01-05T22:59:59.999Z") });
  });
});

describe("scheduleCovers", () => {
  const schedule = {
    timeZone: "America/New_York",
    availability: [{ days: ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"], startTime: "09:00", endTime: "17:00" }],
    overrides: [{ date: "2026-07-03", startTime: "10:00", endTime: "12:00" }],
  };

  it("tells a time within the schedule's hours, in its own zone, from one outside them", () => {
    expect(scheduleCovers(schedule, new Date("2026-07-01T13:00:00Z"), 30)).toBe(true); // Wednesday 9:00 in New York
    expect(scheduleCovers(schedule, new Date("2026-07-01T20:30:00Z"), 30)).toBe(true); // 16:30–17:00
    expect(scheduleCovers(schedule, new Date("2026-07-01T20:45:00Z"), 30)).toBe(false); // runs past 17:00
    expect(scheduleCovers(schedule, new Date("2026-07-01T07:00:00Z"), 30)).toBe(false); // 3 AM
    expect(scheduleCovers(schedule, new Date("2026-07-04T14:00:00Z"), 30)).toBe(false); // Saturday
    expect(scheduleCovers(schedule, new Date("2026-01-07T14:00:00Z"), 30)).toBe(true); // 9:00 EST in winter
  });

  it("uses a date's override instead of its weekly hours, and reads an end of 00:00 as midnight", () => {
    expect(scheduleCovers(schedule, new Date("2026-07-03T13:00:00Z"), 30)).toBe(false); // Friday 9:00, but the override opens at 10
    expect(scheduleCovers(schedule, new Date("2026-07-03T15:00:00Z"), 30)).toBe(true);
    const late = { timeZone: "UTC", availability: [{ days: ["Monday"], startTime: "20:00", endTime: "00:00" }], overrides: [] };
    expect(scheduleCovers(late, new Date("2026-07-06T23:30:00Z"), 30)).toBe(true);
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

  it("offers times a day at a time, each day named once", () => {
    const at = (s: string) => new Date(s);
    expect(speakSlots([at("2026-01-07T09:00:00Z")], "UTC", now)).toBe("Wednesday at 9:00 AM");
    expect(speakSlots([at("2026-01-07T09:00:00Z"), at("2026-01-07T13:00:00Z"), at("2026-01-20T09:00:00Z")], "UTC", now)).toBe(
      "Wednesday at 9:00 AM or 1:00 PM, or Tuesday, January 20 at 9:00 AM",
    );
    expect(speakSlots([at("2026-01-20T09:00:00Z"), at("2026-01-20T09:30:00Z"), at("2026-01-20T10:30:00Z")], "UTC", now)).toBe("Tuesday, January 20 at 9:00 AM, 9:30 AM or 10:30 AM");
  });

  it("speaks times in 12-hour style around noon and midnight", () => {
    expect(speakTime(new Date("2026-01-06T00:00:00Z"), "UTC")).toBe("12:00 AM");
    expect(speakTime(new Date("2026-01-06T12:30:00Z"), "UTC")).toBe("12:30 PM");
    expect(speakDateTime(new Date("2026-01-07T04:00:00Z"), "Asia/Kolkata", now)).toBe("tomorrow at 9:30 AM");
  });

  it("says today and tomorrow in lower case inside a sentence, capitalised only at its start", () => {
    const at = (s: string) => new Date(s);
    expect(speakSlots([at("2026-01-06T09:00:00Z"), at("2026-01-07T09:00:00Z"), at("2026-01-09T09:00:00Z")], "Asia/Kolkata", now)).toBe(
      "today at 2:30 PM, tomorrow at 2:30 PM, or Friday at 2:30 PM",
    );
    expect(`You're booked for ${speakDateTime(at("2026-01-06T09:00:00Z"), "Asia/Kolkata", now)}.`).toBe("You're booked for today at 2:30 PM.");
    expect(sentenceStart(speakDateTime(at("2026-01-07T04:00:00Z"), "Asia/Kolkata", now))).toBe("Tomorrow at 9:30 AM");
    expect(`I have openings ${speakDays(["Tomorrow", "Friday", "Monday"])}.`).toBe("I have openings tomorrow, Friday or Monday.");
    expect(`I have openings ${speakDays(["Friday", "Monday, January 12"])}.`).toBe("I have openings on Friday or Monday, January 12.");
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
    const picked = suggestSlots(starts, "UTC");
    expect(picked.map((d) => d.toISOString())).toEqual([
      "2026-01-07T09:00:00.000Z",
      "2026-01-07T13:00:00.000Z",
      "2026-01-08T09:00:00.000Z",
      "2026-01-08T13:00:00.000Z",
      "2026-01-09T09:00:00.000Z",
    ]);
    expect(suggestSlots([...starts].reverse(), "UTC")).toEqual(picked);
    expect(suggestSlots(starts, "UTC", { max: 3, perDay: 1 }).map((d) => d.getUTCDate())).toEqual([7, 8, 9]);
  });

  it("finds the nearest alternatives to a taken time, in order, without the taken time", () => {
    const starts = ["09:00", "09:30", "10:30", "11:00", "15:00"].map((t) => new Date(`2026-01-07T${t}:00Z`));
    const taken = new Date("2026-01-07T10:00:00Z");
    expect(nearestAlternatives(starts, taken, 3).map((d) => d.toISOString().slice(11, 16))).toEqual(["09:00", "09:30", "10:30"]); // 09:00 and 11:00 tie at an hour away: the earlier wins
    expect(nearestAlternatives(starts, new Date("2026-01-07T09:00:00Z"), 2).map((d) => d.toISOString().slice(11, 16))).toEqual(["09:30", "10:30"]);
  });
});
