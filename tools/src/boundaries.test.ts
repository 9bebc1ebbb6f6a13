// The dependency rules of eslint.config.js hold: lint fails on an import across a boundary and passes on the ones the
// architecture allows. Each probe is linted as if it were a file at that path (ESLint's lintText), so no file is
// written into a project while other targets (typecheck, tests) may be reading it.
import path from "node:path";
import { createProjectGraphAsync } from "@nx/devkit";
import { ESLint } from "eslint";
import { beforeAll, describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
let eslint: ESLint;

beforeAll(async () => {
  // @nx/enforce-module-boundaries reads the cached project graph and silently does nothing without one.
  await createProjectGraphAsync({ exitOnError: false });
  eslint = new ESLint({ cwd: root });
}, 120_000);

/** The rules that reported errors for `code` placed at `file` (relative to the workspace root). */
async function errors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nexport const probe = 1;\n`, { filePath: path.join(root, file) });
  return (result?.messages ?? []).filter((m) => m.severity === 2).map((m) => `${m.ruleId}: ${m.message}`);
}

const REFUSED: [string, string, string, RegExp][] = [
  ["a CLI test reaching into the API's source", "apps/cli/test/probe.int.test.ts", 'export { createApp } from "../../api/src/app";', /relative or absolute path/],
  ["contracts borrowing the API's error type", "libs/contracts/src/probe.ts", 'export { AppError } from "../../../apps/api/src/errors/app-error";', /relative or absolute path/],
  ["contracts using the client", "libs/contracts/src/probe.ts", 'export { createAgniClient } from "@agni/client";', /scope:shared|Circular dependency/],
  ["the client using libs/calcom", "libs/client/src/probe.ts", 'export { createCalcomClient } from "@agni/calcom";', /scope:client/],
  ["libs/calcom using the contracts", "libs/calcom/src/probe.ts", 'export { ERROR_CODES } from "@agni/contracts";', /scope:calcom/],
  ["the CLI using libs/calcom", "apps/cli/src/probe.ts", 'export { createCalcomClient } from "@agni/calcom";', /scope:cli/],
  ["the API calling itself through the client", "apps/api/src/probe.ts", 'export { createAgniClient } from "@agni/client";', /scope:api/],
  ["the API's source using the sandbox", "apps/api/src/probe.ts", 'export { createSandbox } from "@agni/calcom-sandbox";', /scope:api/],
  ["the sandbox using libs/calcom", "apps/calcom-sandbox/src/probe.ts", 'export { createCalcomClient } from "@agni/calcom";', /scope:sandbox/],
  ["a script reaching into the API's source by path", "tools/src/probe.ts", 'export { openDatabase } from "../../apps/api/src/db/database";', /relative or absolute path/],
  ["a script reaching into the API's source by package", "tools/src/probe.ts", 'export { createApp } from "@agni/api/src/app";', /@agni\/api\/ops/],
  ["a script using the CLI", "tools/src/probe.ts", 'export { runCli } from "@agni/cli/src/cli";', /scope:tools/],
  ["a library using Express", "libs/client/src/probe.ts", 'export { default } from "express";', /Only apps\/api uses Express/],
  ["a library reading the environment", "libs/calcom/src/probe.ts", "export const key = process.env.CALCOM_API_KEY;", /Libraries take options/],
];

const ALLOWED: [string, string, string][] = [
  ["the CLI using the client and the contracts", "apps/cli/src/probe.ts", 'export { createAgniClient } from "@agni/client";\nexport { ERROR_CODES } from "@agni/contracts";'],
  ["the client using the contracts", "libs/client/src/probe.ts", 'export { ERROR_CODES } from "@agni/contracts";'],
  ["the API using the contracts and libs/calcom", "apps/api/src/probe.ts", 'export { ERROR_CODES } from "@agni/contracts";\nexport { createCalcomClient } from "@agni/calcom";'],
  ["the API's tests using the sandbox", "apps/api/test/probe.int.test.ts", 'export { createSandbox } from "@agni/calcom-sandbox";'],
  ["the sandbox's tests using libs/calcom", "apps/calcom-sandbox/test/probe.test.ts", 'export { createCalcomClient } from "@agni/calcom";'],
  ["a script using the API's operations entry point and the libraries", "tools/src/probe.ts", 'export { migrateDatabase } from "@agni/api/ops";\nexport { createCalcomClient } from "@agni/calcom";'],
];

describe("module boundaries", () => {
  it.each(REFUSED)("lint fails on %s", async (_name, file, code, expected) => {
    const found = await errors(file, code);
    expect(found.some((e) => expected.test(e)), found.join("\n") || "no error at all").toBe(true);
  });

  it.each(ALLOWED)("lint passes %s", async (_name, file, code) => {
    expect(await errors(file, code)).toEqual([]);
  });
});
