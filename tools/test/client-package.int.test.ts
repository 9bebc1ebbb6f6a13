import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, deploymentSecrets, startApiProcess, type ApiProcess } from "@agni/api/testing";

// @agni/client as an integrator gets it: both packages packed from their builds (nx builds them before this test),
// installed from the tarballs into a project outside the workspace, type-checked by tsc under the two module
// resolutions TypeScript users have, and run against the built API started as its own process.
const ROOT = path.resolve(import.meta.dirname, "../..");
const TSC = path.join(ROOT, "node_modules/typescript/bin/tsc");
const run = promisify(execFile);

/** The environment without npm's own variables (this test runs under `npm run`, whose settings must not leak). */
const cleanEnv = () => Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith("npm_")));

async function exec(cmd: string, args: string[], cwd: string, env: Record<string, string | undefined> = {}) {
  try {
    const { stdout, stderr } = await run(cmd, args, { cwd, env: { ...cleanEnv(), ...env }, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : 1, stdout: e.stdout ?? "", stderr: e.stderr ?? String(err) };
  }
}

const CONSUMER = `import { AgniApiError, createAgniClient, unwrap, type AgniClient } from "@agni/client";
import type { Agent } from "@agni/contracts";

declare const process: { env: Record<string, string | undefined> };

const agni: AgniClient = createAgniClient({ baseUrl: process.env.AGNI_API_URL!, token: process.env.AGNI_TOKEN });
const created = await unwrap(agni.agents.createAgent({ body: { agentName: "Packaged client", calendarTimezone: "Europe/Berlin" } }));
const agent: Agent = created.data;
const fetched = await agni.agents.getAgent({ params: { id: agent.id } });
if (fetched.status !== 200) throw new Error("getAgent answered " + fetched.status);
const name: string = fetched.body.data.agentName;
let missing = "";
try {
  await unwrap(agni.agents.getAgent({ params: { id: "0192f5d4-7a10-7c3b-9d2a-5b6c7d8e9f01" } }));
} catch (err) {
  if (err instanceof AgniApiError) missing = err.status + " " + err.code;
}
console.log(JSON.stringify({ id: agent.id, name, timezone: agent.calendarTimezone, missing }));
`;

// A name is a string: a consumer that sees the client's real types cannot assign it to a number.
const WRONG = `import { createAgniClient, unwrap } from "@agni/client";

const agni = createAgniClient({ baseUrl: "http://127.0.0.1:3000" });
const { data } = await unwrap(agni.agents.getAgent({ params: { id: "0192f5d4-7a10-7c3b-9d2a-5b6c7d8e9f01" } }));
export const wrong: number = data.agentName;
`;

const RESOLUTIONS = {
  nodenext: { module: "NodeNext", moduleResolution: "NodeNext" },
  bundler: { module: "ESNext", moduleResolution: "Bundler" },
} as const;

// skipLibCheck as most projects set it: it also hides a declaration file's unresolvable import (every type from it
// silently becomes any), which is what wrong.ts is there to catch.
function tsconfig(resolution: keyof typeof RESOLUTIONS) {
  return JSON.stringify({
    compilerOptions: { ...RESOLUTIONS[resolution], target: "ES2022", lib: ["ES2022", "DOM"], types: [], strict: true, skipLibCheck: true, outDir: `out-${resolution}` },
    files: ["consumer.ts", "wrong.ts"],
  });
}

let scratch: string;
let api: ApiProcess | undefined;
let apiData: string;
beforeAll(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), "agni-client-package-"));
  const tarballs = path.join(scratch, "tarballs");
  mkdirSync(tarballs);
  const packed = await exec("npm", ["pack", "-w", "@agni/contracts", "-w", "@agni/client", "--pack-destination", tarballs, "--json"], ROOT);
  expect(packed.code, packed.stderr).toBe(0);
  const files = JSON.parse(packed.stdout) as { name: string; filename: string; files: { path: string }[] }[];
  for (const pkg of files) {
    const paths = pkg.files.map((f) => f.path);
    expect(paths, pkg.name).toEqual(expect.arrayContaining(["package.json", "dist/index.js", "dist/index.d.ts"]));
    expect(paths.filter((p) => !p.startsWith("dist/") && p !== "package.json" && p !== "README.md"), pkg.name).toEqual([]);
  }
  const project = path.join(scratch, "consumer");
  mkdirSync(project);
  const tarball = (name: string) => `file:${path.join(tarballs, files.find((f) => f.name === name)!.filename)}`;
  writeFileSync(
    path.join(project, "package.json"),
    JSON.stringify({ name: "consumer", private: true, type: "module", dependencies: { "@agni/client": tarball("@agni/client"), "@agni/contracts": tarball("@agni/contracts") } }),
  );
  const installed = await exec("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"], project);
  expect(installed.code, installed.stderr).toBe(0);
  writeFileSync(path.join(project, "consumer.ts"), CONSUMER);
  writeFileSync(path.join(project, "wrong.ts"), WRONG);
  for (const resolution of Object.keys(RESOLUTIONS) as (keyof typeof RESOLUTIONS)[]) {
    writeFileSync(path.join(project, `tsconfig.${resolution}.json`), tsconfig(resolution));
  }
}, 180_000);
afterAll(async () => {
  api?.child.kill("SIGTERM");
  await api?.exited;
  if (apiData) rmSync(apiData, { recursive: true, force: true });
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe("@agni/client and @agni/contracts as npm packages, outside the workspace", () => {
  const project = () => path.join(scratch, "consumer");

  it("install with only what the client needs at run time (no OpenAPI generator)", () => {
    const modules = path.join(project(), "node_modules");
    expect(readdirSync(path.join(modules, "@agni")).sort()).toEqual(["client", "contracts"]);
    expect(existsSync(path.join(modules, "@ts-rest/core"))).toBe(true);
    expect(existsSync(path.join(modules, "zod"))).toBe(true);
    expect(existsSync(path.join(modules, "@ts-rest/open-api"))).toBe(false);
    expect(existsSync(path.join(modules, "@anatine/zod-openapi"))).toBe(false);
    expect(existsSync(path.join(modules, "openapi3-ts"))).toBe(false);
  });

  for (const resolution of Object.keys(RESOLUTIONS) as (keyof typeof RESOLUTIONS)[]) {
    it(`type-check a consumer under moduleResolution ${resolution}: the right one compiles, a wrong type fails`, async () => {
      const tsc = await exec(process.execPath, [TSC, "-p", `tsconfig.${resolution}.json`], project());
      // tsc exits 2 when it reports errors (and still emits); the one error is wrong.ts's.
      expect(tsc.code, tsc.stderr).toBe(2);
      expect(tsc.stdout.trim().split("\n")).toEqual(["wrong.ts(5,14): error TS2322: Type 'string' is not assignable to type 'number'."]);
    }, 120_000);
  }

  it("run the compiled consumer against the built API", async () => {
    const secrets = deploymentSecrets();
    apiData = mkdtempSync(path.join(tmpdir(), "agni-client-package-api-"));
    api = await startApiProcess({ ...secrets, AGNI_DATA_DIR: apiData, DATABASE_URL: undefined });
    const token = (await bearer(secrets.AGNI_JWT_SECRET, "org_packaged_client")).authorization!.slice("Bearer ".length);
    // The nodenext check above emitted it (tsc emits despite wrong.ts's error); compile it here when run alone.
    if (!existsSync(path.join(project(), "out-nodenext/consumer.js"))) await exec(process.execPath, [TSC, "-p", "tsconfig.nodenext.json"], project());
    const ran = await exec(process.execPath, ["out-nodenext/consumer.js"], project(), { AGNI_API_URL: api.url, AGNI_TOKEN: token });
    expect(ran.code, ran.stderr).toBe(0);
    expect(JSON.parse(ran.stdout)).toEqual({ id: expect.any(String), name: "Packaged client", timezone: "Europe/Berlin", missing: "404 NOT_FOUND" });
  }, 120_000);
});
