import { describe, expect, it } from "vitest";
import { calcomWebOrigin } from "./booking-link";

describe("calcomWebOrigin", () => {
  it("serves Cal.com cloud's pages from the domain its API is a subdomain of", () => {
    expect(calcomWebOrigin("https://api.cal.com")).toBe("https://cal.com");
    expect(calcomWebOrigin("https://api.cal.eu/")).toBe("https://cal.eu");
  });

  it("keeps the origin of an API served by the web app itself (self-hosted, the sandbox)", () => {
    expect(calcomWebOrigin("https://cal.example.org/api")).toBe("https://cal.example.org");
    expect(calcomWebOrigin("http://127.0.0.1:4010")).toBe("http://127.0.0.1:4010");
  });
});
