import type { ManageResult } from "@agni/contracts";
import { describe, expect, it } from "vitest";
import { INSTANT_RING_SECONDS, instantStillRinging } from "./instant";

const said = (date_time: string | null): ManageResult => ({
  success: true,
  message: "",
  summary: "Instant meeting started",
  action: "instant",
  appointment_id: null,
  date_time,
  local_date_time: null,
  timezone: "UTC",
  agent_name: "Desk",
  available_slots: [],
});

describe("instantStillRinging", () => {
  it("replays an instant meeting only while Cal.com's team is still being rung (90 s by default), then rings again", () => {
    const start = "2030-01-07T10:00:00.000Z";
    const at = (seconds: number) => new Date(Date.parse(start) + seconds * 1000);
    expect(INSTANT_RING_SECONDS).toBe(90);
    expect(instantStillRinging(said(start), at(0))).toBe(true);
    expect(instantStillRinging(said(start), at(89))).toBe(true);
    expect(instantStillRinging(said(start), at(90))).toBe(false);
    expect(instantStillRinging(said(null), at(0))).toBe(false);
  });
});
