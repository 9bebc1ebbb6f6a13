import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const TSC = createRequire(import.meta.url).resolve("typescript/bin/tsc");

/** Under apps/api, so that the SDKs resolve from the workspace's node_modules and the file is an ES module. */
const ROOT = fileURLToPath(new URL("../.type-check/", import.meta.url));

const TSCONFIG = {
  compilerOptions: {
    strict: true,
    noEmit: true,
    target: "ES2022",
    module: "NodeNext",
    moduleResolution: "NodeNext",
    // The SDKs' own declarations are not what is checked; the literals assigned to their types are.
    skipLibCheck: true,
    types: [],
  },
  files: ["fixture.ts"],
};

/**
 * Runs `tsc --noEmit` (a consumer's compile, under `nodenext`) on `source` in a scratch folder and returns its errors,
 * one per line of output; an empty list means the source type-checks. A separate process, so that the API under test
 * keeps serving meanwhile.
 */
export async function typeErrors(source: string): Promise<string[]> {
  const dir = `${ROOT}${randomUUID()}`;
  await mkdir(dir, { recursive: true });
  try {
    await writeFile(`${dir}/fixture.ts`, source);
    await writeFile(`${dir}/tsconfig.json`, JSON.stringify(TSCONFIG));
    try {
      await run(process.execPath, [TSC, "-p", dir, "--pretty", "false"], { maxBuffer: 16 * 1024 * 1024 });
      return [];
    } catch (err) {
      const { stdout, stderr } = err as { stdout?: string; stderr?: string };
      const lines = `${stdout ?? ""}${stderr ?? ""}`.split("\n").filter((l) => l.trim() !== "");
      return lines.length > 0 ? lines : [String(err)];
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
