import { describe, expect, it } from "vitest";
import { ManageAppointmentBodySchema } from "../appointments/appointments.schemas.js";
import { manageBodyFromToolCall } from "./calcom-functions.js";

describe("manageBodyFromToolCall", () => {
  it("passes every manage field the caller may give as itself, and anything else as a booking question's answer", () => {
    const fields = Object.keys(ManageAppointmentBodySchema.innerType().shape).filter((f) => !["action", "agent_id", "org_id", "responses"].includes(f));
    expect(fields).toContain("duration_minutes");
    const args = Object.fromEntries(fields.map((f) => [f, `value of ${f}`]));
    const body = manageBodyFromToolCall("book_appointment", { ...args, company_size: "11-50", agent_id: "someone else", org_id: "other" }, "agent-1");
    expect(body).toEqual({ action: "book", agent_id: "agent-1", ...args, responses: { company_size: "11-50", agent_id: "someone else", org_id: "other" } });
  });

  it("knows only the exported calendar functions", () => {
    expect(manageBodyFromToolCall("drop_tables", {}, "agent-1")).toBeNull();
  });
});
