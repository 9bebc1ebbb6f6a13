import { describe, expect, it } from "vitest";
import { joined, slotOpened, speakWindow } from "./waitlist-wording";

const now = new Date("2026-12-01T15:00:00Z"); // Tuesday, 10:00 AM in New York
const tz = "America/New_York";

describe("waitlist wording", () => {
  it("speaks a window within one day as that day between two times, in the caller's zone", () => {
    expect(speakWindow(new Date("2026-12-02T14:00:00Z"), new Date("2026-12-02T17:00:00Z"), tz, now)).toBe("tomorrow between 9:00 AM and 12:00 PM");
    expect(speakWindow(new Date("2026-12-10T14:00:00Z"), new Date("2026-12-10T21:30:00Z"), tz, now)).toBe("Thursday, December 10 between 9:00 AM and 4:30 PM");
  });

  it("speaks a window over several days from one time to the other", () => {
    expect(speakWindow(new Date("2026-12-02T14:00:00Z"), new Date("2026-12-04T22:00:00Z"), tz, now)).toBe("from tomorrow at 9:00 AM to Friday at 5:00 PM");
  });

  it("says how the caller will hear back, and what the call back says", () => {
    expect(joined("tomorrow between 9:00 AM and 12:00 PM", { phone: false, email: true })).toBe(
      "I've put you on the waitlist for tomorrow between 9:00 AM and 12:00 PM. If a time opens up, we'll email you at the address you gave.",
    );
    const start = new Date("2026-12-02T14:30:00Z");
    expect(slotOpened("Ada", start, tz, now, { minutes: 5 })).toBe("Hi Ada, a time has opened up: tomorrow at 9:30 AM. Would you like it? We're holding it for you for 5 minutes.");
    expect(slotOpened("Ada", start, tz, now, null)).toBe("Hi Ada, a time has opened up: tomorrow at 9:30 AM. Would you like it? Let us know soon, as it's open to others too.");
  });
});
