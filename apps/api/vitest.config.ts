import { mergeConfig } from "vitest/config";
import { sharedConfig } from "../../vitest.shared.ts";

// Unit tests, then the HTTP integration suite on embedded PGlite always and on PostgreSQL when DATABASE_URL is set.
const integration = (database: "pglite" | "postgres") => ({
  extends: true as const,
  test: { name: `int:${database}`, include: ["test/**/*.int.test.ts"], env: { AGNI_TEST_DATABASE: database } },
});

export default mergeConfig(sharedConfig, {
  test: {
    projects: [
      { extends: true, test: { name: "unit", include: ["src/**/*.test.ts"] } },
      integration("pglite"),
      ...(process.env.DATABASE_URL ? [integration("postgres")] : []),
    ],
  },
});
