import { describe, expect, it } from "vitest";
import { comparableName, storedEmail, storedPhone, toE164 } from "./contact";

describe("contact normalisation", () => {
  it("reads a phone in international or national format (national in the given region) as E.164", () => {
    expect(toE164("+1 415 555 0100")).toBe("+14155550100");
    expect(toE164("(415) 555-0100", "US")).toBe("+14155550100");
    expect(toE164("07700 900123", "GB")).toBe("+447700900123");
    expect(toE164("(415) 555-0100")).toBeNull(); // no country code and no region
    expect(toE164("12", "US")).toBeNull();
  });

  it("stores international phones as E.164 and keeps what it cannot read; emails lower-case", () => {
    expect(storedPhone("+1 (415) 555-0100")).toBe("+14155550100");
    expect(storedPhone("555-0100")).toBe("555-0100");
    expect(storedPhone(null)).toBeNull();
    expect(storedEmail(" Ada@Example.COM ")).toBe("ada@example.com");
  });

  it("compares names ignoring case and spacing", () => {
    expect(comparableName("  ada   LOVELACE ")).toBe(comparableName("Ada Lovelace"));
  });
});
