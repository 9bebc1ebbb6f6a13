import { describe, expect, it } from "vitest";
import { inCliTerms } from "./flags";

describe("inCliTerms", () => {
  it.each([
    ["calendarTimezone: must be an IANA time zone such as Europe/Berlin; calcomEventTypeId must be positive", "--timezone: must be an IANA time zone such as Europe/Berlin; --event-type-id must be positive"],
    ["calcom_account_id must be a UUID or null", "--account must be a UUID or none"],
    ["name may contain only lowercase letters, digits and underscores", "--name may contain only lowercase letters, digits and underscores"],
    ["definition.holding_messages.book.start: must not be empty", "--definition holding_messages.book.start: must not be empty"],
    ["enabledFunctions.values for a calcom tool may only contain book (got fly)", "--enabled-functions for a calcom tool may only contain book (got fly)"],
    ["Could not reach Cal.com at http://127.0.0.1:1; check api_base_url and try again", "Could not reach Cal.com at http://127.0.0.1:1; check --api-base-url and try again"],
  ])("names flags, not API fields: %s", (api, cli) => {
    expect(inCliTerms(api)).toBe(cli);
  });

  it("leaves sentences, URL paths and unknown names alone", () => {
    for (const text of [
      "Agent not found",
      "Tomorrow at 4:00 AM is not available. I can offer tomorrow at 5:00 AM.",
      "unassign it (PUT /api/v1/calcom/agents/{agent_id}/account with calcom_account_id null) before connecting",
      "Email is required",
      "someOther_field is odd or null",
    ]) {
      const out = inCliTerms(text);
      expect(out.includes("{agent_id}") || !text.includes("{agent_id}")).toBe(true);
      if (!text.includes("calcom_account_id")) expect(out).toBe(text);
    }
  });
});
