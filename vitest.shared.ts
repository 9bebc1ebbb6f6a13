import { defineConfig } from "vitest/config";

/** Vitest settings shared by every project: workspace libraries resolve to their TypeScript sources. */
export const sharedConfig = defineConfig({
  resolve: { conditions: ["agni-source", "module", "node", "import", "default"] },
  ssr: { resolve: { conditions: ["agni-source", "node"], externalConditions: ["agni-source"] } },
  test: {
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
