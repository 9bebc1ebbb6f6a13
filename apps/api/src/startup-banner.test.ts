import { describe, expect, it } from "vitest";
import { startupBanner } from "./startup-banner";

describe("startupBanner", () => {
  it("tells the user to set AGNI_API_URL when the API is not where the CLI looks by default", () => {
    const banner = startupBanner("http://127.0.0.1:4000", "PostgreSQL");
    expect(banner).toContain("Agni API listening on http://127.0.0.1:4000 (database: PostgreSQL)");
    expect(banner).toContain("export AGNI_API_URL=http://127.0.0.1:4000");
  });

  it("says nothing of AGNI_API_URL on the default address", () => {
    const banner = startupBanner("http://127.0.0.1:3000", "embedded PGlite in .agni");
    expect(banner).not.toContain("AGNI_API_URL");
    expect(banner).toContain("export AGNI_TOKEN=$(npm run -s agni -- auth token --org my-org)");
  });
});
