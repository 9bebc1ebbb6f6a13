import { readFileSync } from "node:fs";
import semver from "semver";
import { describe, expect, it } from "vitest";

interface LockEntry {
  version?: string;
  engines?: { node?: string } | string[];
  optional?: boolean;
  os?: string[];
  cpu?: string[];
}

const lock = JSON.parse(readFileSync(new URL("../../package-lock.json", import.meta.url), "utf8")) as { packages: Record<string, LockEntry> };

/** Lockfile entries (path → declared `engines.node`) that the given Node version does not satisfy. */
function excluding(nodeVersion: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [path, entry] of Object.entries(lock.packages)) {
    const range = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
    if (range === undefined || path === "") continue;
    // Platform-bound optional packages are never installed elsewhere, so their engines do not matter here.
    if (entry.optional && (entry.os || entry.cpu)) continue;
    if (!semver.satisfies(nodeVersion, range, { includePrerelease: true })) out[path] = range;
  }
  return out;
}

// `npm install` warns (EBADENGINE) for every installed package whose engines exclude the running Node; the root
// package.json promises Node >= 20.19, so nothing in the lockfile may ask for more.
describe("package-lock.json", () => {
  it("holds no package whose engines.node excludes the running Node version", () => {
    expect(excluding(process.version)).toEqual({});
  });

  it("holds no package whose engines.node excludes the oldest Node the project supports", () => {
    const supported = (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { engines: { node: string } }).engines.node;
    const oldest = semver.minVersion(supported);
    expect(oldest?.version).toBe("20.19.0");
    expect(excluding(oldest?.version ?? "")).toEqual({});
  });

  it("notices a package that asks for a newer Node (the check itself works)", () => {
    expect(Object.keys(excluding("0.10.0")).length).toBeGreaterThan(0);
  });
});
