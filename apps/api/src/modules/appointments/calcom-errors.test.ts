import { CalcomApiError, CalcomNotFoundError, CalcomValidationError } from "@agni/calcom";
import { describe, expect, it } from "vitest";
import { speakableCalcomError } from "./calcom-errors";

describe("speakableCalcomError", () => {
  it("never puts Cal.com's own text (or the uids in it) in the message; it stays in details", () => {
    const init = (status: number, message: string) => ({ status, code: "BadRequestException", message, requestId: "req-1", body: {} });
    const raw = "Booking with uid=q1w2e3r4t5y6 was already rescheduled to z9x8c7v6b5n4";
    for (const err of [new CalcomValidationError(init(400, raw), null), new CalcomNotFoundError(init(404, raw)), new CalcomApiError(init(409, raw))]) {
      const spoken = speakableCalcomError(err);
      expect(spoken.message).not.toMatch(/uid|q1w2e3r4t5y6|z9x8c7v6b5n4|req-1/);
      expect(spoken.details).toMatchObject({ calcom_message: raw });
    }
    expect(speakableCalcomError(new CalcomValidationError(init(400, "Missing required booking field response: company-size"), "company-size")).message).toBe(
      "The calendar needs a valid answer for company-size.",
    );
  });
});
