import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../", import.meta.url));
const readme = readFileSync(path.join(root, "README.md"), "utf8");

/** Files the README names: relative link targets, and code spans that look like a path to a file. */
function namedFiles(text: string): string[] {
  const links = [...text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)].map((m) => m[1]!).filter((target) => !/^[a-z]+:/i.test(target));
  const spans = [...text.matchAll(/`([^`\s]+)`/g)].map((m) => m[1]!).filter((span) => /^[\w.-]+(\/[\w.{},-]+)+\.[a-z]+$/.test(span));
  return [...new Set([...links, ...spans])];
}

/** `a/{b,c}.ts` → `a/b.ts`, `a/c.ts`. */
const expand = (file: string): string[] => {
  const match = /\{([^}]+)\}/.exec(file);
  return match ? match[1]!.split(",").flatMap((part) => expand(file.replace(match[0], part))) : [file];
};

describe("README.md", () => {
  it("names only files that exist in the repository", () => {
    const files = namedFiles(readme);
    expect(files.length).toBeGreaterThan(5);
    for (const file of files.flatMap(expand)) {
      const resolved = path.resolve(root, file);
      expect(resolved.startsWith(root), `${file} is outside the repository`).toBe(true);
      // What builds and the first start write (dist/, the development data directory) is not in a fresh clone.
      if (/(^|\/)dist\/|^\.agni\//.test(file)) continue;
      expect(existsSync(resolved), `${file} does not exist`).toBe(true);
    }
    expect(readme).not.toMatch(/shared\/spec/);
  });

  it("tells a user on another PORT to set AGNI_API_URL for the CLI", () => {
    expect(readme).toMatch(/another `PORT`[^]*export AGNI_API_URL=/);
  });

  it("walks through assigning an org-level Cal.com account to an agent", () => {
    expect(readme).toMatch(/calcom connect [^\n]+\n[^]*agent-calcom assign <agent id> --account <account id>/);
  });
});
