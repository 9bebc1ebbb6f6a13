// Lint rules for every project, plus the module boundaries that keep dependencies pointing one way:
// contracts ← client ← cli; contracts + calcom ← api. Libraries never read process.env, and only apps/api
// touches Express or Prisma.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

const restrict = (patterns) => ({ "no-restricted-imports": ["error", { patterns }] });
const noEnvInLibs = {
  "no-restricted-properties": ["error", { object: "process", property: "env", message: "Libraries take options; only apps read the environment." }],
};
const serverOnly = [
  { group: ["express", "express/*", "@prisma/*", "**/generated/prisma", "**/generated/prisma/*", "pg", "@electric-sql/*"], message: "Only apps/api uses Express and Prisma." },
];
const apps = (...names) => names.map((n) => ({ group: [`@agni/${n}`, `@agni/${n}/*`], message: `Nothing imports the ${n} app.` }));

export default tseslint.config(
  { ignores: ["**/dist/**", "**/node_modules/**", "**/generated/**", "**/.nx/**", "**/coverage/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  // Types tell the truth in source: no `any`, no non-null assertion (tests may use both to poke at answers).
  {
    files: ["**/*.ts"],
    ignores: ["**/*.test.ts", "**/test/**"],
    rules: { "@typescript-eslint/no-explicit-any": "error", "@typescript-eslint/no-non-null-assertion": "error" },
  },
  // TODO(issue 12): remove after the appointment/http refactor lands
  {
    files: [
      "apps/api/src/modules/appointments/**",
      "apps/api/src/modules/tools/**",
      "apps/api/src/modules/mcp/**",
      "apps/api/src/http/**",
      "apps/api/src/app.ts",
      "apps/api/src/main.ts",
      "apps/api/src/config.ts",
      "apps/calcom-sandbox/**",
    ],
    rules: { "@typescript-eslint/no-explicit-any": "off", "@typescript-eslint/no-non-null-assertion": "off" },
  },
  {
    files: ["libs/contracts/**/*.ts"],
    rules: { ...noEnvInLibs, ...restrict([...serverOnly, ...apps("api", "cli", "calcom-sandbox"), { group: ["@agni/client", "@agni/calcom"], message: "contracts depend on nothing of ours." }]) },
  },
  {
    files: ["libs/client/**/*.ts"],
    rules: { ...noEnvInLibs, ...restrict([...serverOnly, ...apps("api", "cli", "calcom-sandbox"), { group: ["@agni/calcom"], message: "The client speaks to Agni, not Cal.com." }]) },
  },
  {
    files: ["libs/calcom/**/*.ts"],
    rules: { ...noEnvInLibs, ...restrict([...serverOnly, ...apps("api", "cli"), { group: ["@agni/contracts", "@agni/client"], message: "libs/calcom knows only Cal.com." }]) },
  },
  { files: ["libs/calcom/**/*.test.ts", "libs/**/test/**/*.ts"], rules: { "no-restricted-properties": "off", "no-restricted-imports": "off" } },
  {
    files: ["apps/cli/**/*.ts"],
    rules: restrict([...serverOnly, ...apps("calcom-sandbox"), { group: ["@agni/calcom"], message: "The CLI talks to the API through @agni/client." }, { group: ["**/apps/api/src/**", "@agni/api"], message: "The CLI reaches the API over HTTP only." }]),
  },
  {
    files: ["apps/cli/**/*.test.ts", "apps/cli/test/**/*.ts"],
    rules: { "no-restricted-imports": "off" },
  },
  {
    files: ["apps/api/src/**/*.ts"],
    ignores: ["apps/api/src/**/*.test.ts"],
    rules: restrict([...apps("cli", "calcom-sandbox"), { group: ["@agni/client"], message: "The API implements the contract; it does not call itself." }]),
  },
);
