import { describe, expect, it } from "vitest";
import { formatValue, keyValues, listOutput, objectOutput, table } from "./output";

describe("formatValue", () => {
  it("renders nothing, lists, objects and multi-line text on one line", () => {
    expect(formatValue(null)).toBe("-");
    expect(formatValue(undefined)).toBe("-");
    expect(formatValue("")).toBe('""');
    expect(formatValue([])).toBe("-");
    expect(formatValue(["book", "reschedule"])).toBe("book,reschedule");
    expect(formatValue({ values: ["book"] })).toBe('{"values":["book"]}');
    expect(formatValue([{ a: 1 }])).toBe('[{"a":1}]');
    expect(formatValue(false)).toBe("false");
    expect(formatValue(42)).toBe("42");
    expect(formatValue("line one\n  line two")).toBe("line one line two");
  });
});

describe("table", () => {
  it("aligns columns under their headers without trailing spaces", () => {
    const rows = [
      { id: "a1", name: "Front desk", tools: 2 },
      { id: "b22", name: "Night", tools: 0 },
    ];
    expect(
      table(rows, [
        ["ID", (r) => r.id],
        ["NAME", (r) => r.name],
        ["TOOLS", (r) => r.tools],
      ]),
    ).toBe(["ID   NAME        TOOLS", "a1   Front desk  2", "b22  Night       0"].join("\n"));
  });
});

describe("keyValues and objectOutput", () => {
  it("aligns values after the longest key", () => {
    expect(keyValues([["id", "x"], ["agentName", "Front desk"], ["prompt", null]])).toBe(
      ["id:        x", "agentName: Front desk", "prompt:    -"].join("\n"),
    );
  });

  it("puts the API's message first only when asked", () => {
    const body = { success: true, message: "Tool created successfully", data: { id: "t1", isActive: false } };
    expect(objectOutput(body).human()).toBe("id:       t1\nisActive: false");
    expect(objectOutput(body, { withMessage: true }).human()).toBe("Tool created successfully\nid:       t1\nisActive: false");
    expect(objectOutput(body).body).toBe(body);
  });
});

describe("listOutput", () => {
  const columns = [["ID", (r: { id: string }) => r.id]] as const;

  it("says so when there is nothing", () => {
    expect(listOutput({ data: [], meta: { total: "0", limit: 50, offset: 0 } }, columns, "agents").human()).toBe("No agents.");
    expect(listOutput({ data: [], meta: { total: "3", limit: 50, offset: 50 } }, columns, "agents").human()).toBe("No more agents (total 3).");
  });

  it("points at the next page when more items follow", () => {
    const page = listOutput({ data: [{ id: "a" }, { id: "b" }], meta: { total: "5", limit: 2, offset: 2 } }, columns, "agents");
    expect(page.human()).toBe("ID\na\nb\nagents 3-4 of 5; next page: --offset 4");
    const last = listOutput({ data: [{ id: "e" }], meta: { total: "5", limit: 2, offset: 4 } }, columns, "agents");
    expect(last.human()).toBe("ID\ne");
  });
});
