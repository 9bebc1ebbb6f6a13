import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_API_URL, readJwtSecret, resolveConfig } from "./config";
import { CliError, UsageError } from "./context";
import { integerOrNoneArg, jsonObjectArg, noneToNull, parseDuration, parseInteger, parseList } from "./options";

describe("resolveConfig", () => {
  it("defaults the API URL and reads the environment, ignoring empty variables", () => {
    expect(resolveConfig({}, {})).toEqual({ apiUrl: DEFAULT_API_URL, org: undefined, json: false });
    expect(resolveConfig({}, { AGNI_API_URL: "", AGNI_TOKEN: "" })).toEqual({ apiUrl: DEFAULT_API_URL, org: undefined, json: false });
    expect(resolveConfig({ json: true }, { AGNI_API_URL: "http://api:1", AGNI_API_KEY: "agni_k" })).toEqual({
      apiUrl: "http://api:1",
      apiKey: "agni_k",
      org: undefined,
      json: true,
    });
  });

  it("lets flags beat the environment and never mixes credentials", () => {
    const env = { AGNI_API_URL: "http://env:1", AGNI_TOKEN: "env-jwt", AGNI_API_KEY: "env-key" };
    expect(resolveConfig({}, env)).toMatchObject({ apiUrl: "http://env:1", token: "env-jwt" });
    expect(resolveConfig({}, env).apiKey).toBeUndefined();
    const withKeyFlag = resolveConfig({ apiUrl: "http://flag:2", apiKey: "flag-key" }, env);
    expect(withKeyFlag).toMatchObject({ apiUrl: "http://flag:2", apiKey: "flag-key" });
    expect(withKeyFlag.token).toBeUndefined();
    expect(resolveConfig({ token: "flag-jwt", org: "acme" }, env)).toMatchObject({ token: "flag-jwt", org: "acme" });
  });
});

describe("readJwtSecret", () => {
  const dataDir = () => mkdtempSync(path.join(tmpdir(), "agni-cli-"));

  it("prefers AGNI_JWT_SECRET", () => {
    expect(readJwtSecret({ AGNI_JWT_SECRET: "from-env", AGNI_DATA_DIR: "/nonexistent" }, "/")).toBe("from-env");
  });

  it("reads the API's secrets.json in AGNI_DATA_DIR, relative to the working directory", () => {
    const dir = dataDir();
    writeFileSync(path.join(dir, "secrets.json"), JSON.stringify({ jwtSecret: "from-file", encryptionKey: "k" }));
    expect(readJwtSecret({ AGNI_DATA_DIR: dir }, "/")).toBe("from-file");
    expect(readJwtSecret({ AGNI_DATA_DIR: path.basename(dir) }, path.dirname(dir))).toBe("from-file");
  });

  it("defaults to .agni/ and explains what to do when there is no secret", () => {
    const cwd = dataDir();
    expect(() => readJwtSecret({}, cwd)).toThrow(CliError);
    expect(() => readJwtSecret({}, cwd)).toThrow(`start the API once (npm start) so that it writes ${path.join(cwd, ".agni", "secrets.json")}`);
  });

  it("rejects an unreadable or incomplete secrets file", () => {
    const dir = dataDir();
    writeFileSync(path.join(dir, "secrets.json"), "{oops");
    expect(() => readJwtSecret({ AGNI_DATA_DIR: dir }, "/")).toThrow(/cannot read/);
    writeFileSync(path.join(dir, "secrets.json"), "{}");
    expect(() => readJwtSecret({ AGNI_DATA_DIR: dir }, "/")).toThrow(/has no jwtSecret/);
  });
});

describe("option parsers", () => {
  it("parses durations into seconds", () => {
    expect(parseDuration("90s")).toBe(90);
    expect(parseDuration("30m")).toBe(1800);
    expect(parseDuration("12h")).toBe(43_200);
    expect(parseDuration("7d")).toBe(604_800);
    expect(parseDuration("600")).toBe(600);
    for (const bad of ["0h", "-1h", "1y", "h", "1.5h", ""]) expect(() => parseDuration(bad), bad).toThrow(/positive duration/);
  });

  it("parses integers and lists", () => {
    expect(parseInteger("20")).toBe(20);
    expect(() => parseInteger("2x")).toThrow(/Not an integer/);
    expect(parseList(" book, reschedule ,,")).toEqual(["book", "reschedule"]);
    expect(parseList("")).toEqual([]);
  });

  it("turns none into null and checks JSON and integer arguments", () => {
    expect(noneToNull("None")).toBeNull();
    expect(noneToNull("abc")).toBe("abc");
    expect(noneToNull(undefined)).toBeUndefined();
    expect(jsonObjectArg("--settings", '{"a":1}')).toEqual({ a: 1 });
    expect(jsonObjectArg("--settings", "null")).toBeNull();
    expect(jsonObjectArg("--settings", undefined)).toBeUndefined();
    expect(() => jsonObjectArg("--settings", "[1]")).toThrow(new UsageError("--settings must be a JSON object (or null)"));
    expect(() => jsonObjectArg("--settings", "{")).toThrow(/--settings is not valid JSON/);
    expect(integerOrNoneArg("--event-type-id", "42")).toBe(42);
    expect(integerOrNoneArg("--event-type-id", "none")).toBeNull();
    expect(() => integerOrNoneArg("--event-type-id", "4x")).toThrow(UsageError);
  });
});
