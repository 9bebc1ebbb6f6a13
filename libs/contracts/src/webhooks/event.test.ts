import { describe, expect, it } from "vitest";
import { AgniEventSchema } from "./webhooks.schemas.js";

// The delivery body's type narrows on `type`: a receiver reading an appointment event always has `data.appointment`,
// and the waitlist's offer always has `data.waitlist`.
const envelope = { id: "evt_1", api_version: "2026-12-01", created_at: "2030-01-07T10:00:00.000Z", organization_id: "acme" };
const offer = {
  entry_id: "w1",
  agent_id: "a1",
  event_type_id: 1,
  attendee_name: "Ada",
  attendee_email: "ada@example.com",
  attendee_phone: null,
  attendee_timezone: "Europe/London",
  slot_start: "2030-01-07T10:00:00.000Z",
  slot_end: "2030-01-07T10:30:00.000Z",
  local_slot_start: "2030-01-07T10:00:00",
  offer_expires_at: "2030-01-06T10:10:00.000Z",
  held_in_calcom: false,
  message: "A time opened up.",
};

describe("AgniEventSchema", () => {
  it("takes a waitlist offer with its data.waitlist", () => {
    const parsed = AgniEventSchema.parse({ ...envelope, type: "waitlist.slot_opened", data: { waitlist: offer } });
    expect(parsed.type === "waitlist.slot_opened" && parsed.data.waitlist.entry_id).toBe("w1");
  });

  it("refuses an appointment event without its appointment, and a waitlist event without its offer", () => {
    expect(AgniEventSchema.safeParse({ ...envelope, type: "appointment.booked", data: { waitlist: offer } }).success).toBe(false);
    expect(AgniEventSchema.safeParse({ ...envelope, type: "waitlist.slot_opened", data: {} }).success).toBe(false);
  });
});
