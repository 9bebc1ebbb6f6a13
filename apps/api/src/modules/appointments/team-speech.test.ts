import { describe, expect, it } from "vitest";
import { movedHost, withHosts } from "./team-speech";

describe("how a team booking's host is said", () => {
  it("names the round-robin host, every collective host, and no one for one's own event type", () => {
    expect(withHosts({ teamId: 7, schedulingType: "roundRobin", hosts: [{ userId: 1, name: "Dana" }, { userId: 2, name: "Sam" }] }, "Sam")).toBe(" with Sam");
    expect(withHosts({ teamId: 7, schedulingType: "collective", hosts: [{ userId: 1, name: "Dana" }, { userId: 2, name: "Sam" }] }, "Dana")).toBe(" with Dana and Sam");
    expect(withHosts({ teamId: null }, "Demo Host")).toBe("");
    expect(withHosts({ teamId: 7, schedulingType: "roundRobin" }, null)).toBe("");
  });

  it("a moved team appointment keeps its host, or says who has it now", () => {
    expect(movedHost(7, "Dana", "Dana")).toEqual({ withHost: " with Dana", handedOver: "" });
    expect(movedHost(7, "Dana", "Sam")).toEqual({ withHost: "", handedOver: ", now with Sam" });
    expect(movedHost(null, "Demo Host", "Demo Host")).toEqual({ withHost: "", handedOver: "" });
  });
});
