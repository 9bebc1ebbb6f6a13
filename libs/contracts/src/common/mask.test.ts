import { describe, expect, it } from "vitest";
import { maskSecret } from "./mask.js";

describe("maskSecret", () => {
  it("keeps the recognisable prefix and the last four characters", () => {
    expect(maskSecret("cal_live_0123456789abcdef1234")).toBe("cal_live_…1234");
    expect(maskSecret("cal_test_0123456789abcdefWXYZ")).toBe("cal_test_…WXYZ");
    expect(maskSecret("cal_0123456789abcdef9876")).toBe("cal_…9876");
  });

  it("hides short secrets entirely", () => {
    expect(maskSecret("cal_short")).toBe("cal_…");
    expect(maskSecret("abc")).toBe("…");
  });
});
