// Lint rules for every project, plus the module boundaries that keep dependencies pointing one way:
// contracts ← client ← cli; contracts + calcom ← api; the sandbox stands alone; tools/ may use the libraries, the
// sandbox and the API's operations entry point (@agni/api/ops). Projects import each other only by package name,
// never by relative path. Libraries never read process.env, and only apps/api touches Express or Prisma.
// tools/src/boundaries.test.ts proves that lint fails on imports across these lines.
import js from "@eslint/js";
import nx from "@nx/eslint-plugin";
import globals from "globals";
import tseslint from "typescript-eslint";

const restrict = (patterns) => ({ "no-restricted-imports": ["error", { patterns }] });
const noEnvInLibs = {
  "no-restricted-properties": ["error", { object: "process", property: "env", message: "Libraries take options; only apps read the environment." }],
};
const serverOnly = [
  { group: ["express", "express/*", "@prisma/*", "**/generated/prisma", "**/generated/prisma/*", "pg", "@electric-sql/*"], message: "Only apps/api uses Express and Prisma." },
];

// Which projects each project may import, by the nx tags in its package.json (`extra` widens it for test files).
const LAYERS = {
  "scope:shared": [],
  "scope:client": ["scope:shared"],
  "scope:cli": ["scope:client", "scope:shared"],
  "scope:calcom": [],
  "scope:api": ["scope:shared", "scope:calcom"],
  "scope:sandbox": [],
  "scope:tools": ["type:lib", "scope:api", "scope:sandbox"],
};
const boundaries = (extra = {}) => ({
  "@nx/enforce-module-boundaries": [
    "error",
    {
      depConstraints: Object.entries(LAYERS).map(([sourceTag, tags]) => ({ sourceTag, onlyDependOnLibsWithTags: [...tags, ...(extra[sourceTag] ?? [])] })),
    },
  ],
});

export default tseslint.config(
  { ignores: ["**/dist/**", "**/node_modules/**", "**/generated/**", "**/.nx/**", "**/coverage/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { "@nx": nx },
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      ...boundaries(),
    },
  },
  // Tests drive the API against the Cal.com sandbox, and the sandbox's tests drive libs/calcom against it.
  {
    files: ["**/*.test.ts", "**/test/**/*.ts"],
    rules: boundaries({ "scope:api": ["scope:sandbox"], "scope:sandbox": ["scope:calcom"] }),
  },
  // Types tell the truth in source: no `any`, no non-null assertion (tests may use both to poke at answers).
  {
    files: ["**/*.ts"],
    ignores: ["**/*.test.ts", "**/test/**"],
    rules: { "@typescript-eslint/no-explicit-any": "error", "@typescript-eslint/no-non-null-assertion": "error" },
  },
  { files: ["libs/**/src/**/*.ts"], rules: { ...noEnvInLibs, ...restrict(serverOnly) } },
  { files: ["libs/**/*.test.ts", "libs/**/test/**/*.ts"], rules: { "no-restricted-properties": "off" } },
  { files: ["apps/cli/**/*.ts", "apps/calcom-sandbox/**/*.ts"], rules: restrict(serverOnly) },
  {
    files: ["tools/**/*.ts"],
    ignores: ["tools/test/**"],
    rules: restrict([{ regex: "^@agni/api(?!/ops$)(/|$)", message: "Scripts use the API through its operations entry point, @agni/api/ops." }]),
  },
  // Workspace-level tests (the packed client against the built API) start the API through its test support.
  {
    files: ["tools/test/**/*.ts"],
    rules: restrict([{ regex: "^@agni/api(?!/(ops|testing)$)(/|$)", message: "Tests use the API through @agni/api/ops or @agni/api/testing." }]),
  },
);
