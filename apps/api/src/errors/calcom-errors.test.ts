import { CalcomApiError, CalcomAuthError, CalcomConnectionError, CalcomNotFoundError, CalcomRateLimitError, CalcomValidationError } from "@agni/calcom";
import { describe, expect, it } from "vitest";
import { calcomError, speakableCalcomError } from "./calcom-errors";

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

describe("calcomError for an admin", () => {
  const init = (status: number, message: string) => ({ status, code: "X", message, requestId: "req-1", body: {} });
  const admin = { admin: { apiBaseUrl: "https://cal.internal.example:8443/some/path?token=secret" } };

  it("names only the origin and never repeats what the target said", () => {
    const raw = "internal host db-7 said no";
    for (const err of [new CalcomAuthError(init(401, raw)), new CalcomNotFoundError(init(404, raw)), new CalcomApiError(init(418, raw)), new Error(raw)]) {
      const e = calcomError(err, admin);
      expect(e.message).toContain("https://cal.internal.example:8443");
      expect(JSON.stringify([e.message, e.details])).not.toMatch(/db-7|some\/path|secret|req-1/);
    }
  });

  it("words the same failure for the agent and for the admin, with the same code where both can act on it", () => {
    const limited = new CalcomRateLimitError(init(429, "slow down"), 2_500);
    const [agent, operator] = [calcomError(limited, { agent: true }), calcomError(limited, admin)];
    expect([agent.code, operator.code]).toEqual(["RATE_LIMITED", "RATE_LIMITED"]);
    expect([agent.retryAfterSeconds, operator.retryAfterSeconds]).toEqual([3, 3]);
    expect(agent.details).toEqual({ retry_after_seconds: 3 });
    expect(agent.message).toBe("The calendar is busy right now; please try again in a moment.");
    expect(operator.message).toBe("Cal.com is rate-limiting this API key; try again in 3 seconds");
    expect(calcomError(new CalcomConnectionError("refused"), { agent: true }).code).toBe("BAD_GATEWAY");
    expect(() => calcomError(new TypeError("a bug"), { agent: true })).toThrow(TypeError);
    expect(calcomError(new TypeError("a bug"), admin).code).toBe("BAD_GATEWAY");
  });
});
