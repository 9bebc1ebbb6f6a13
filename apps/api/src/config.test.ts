import { existsSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config";

const tmp = () => mkdtempSync(path.join(tmpdir(), "agni-config-"));

describe("loadConfig", () => {
  it("generates development secrets once into the data directory and reuses them", () => {
    const dir = tmp();
    const first = loadConfig({ AGNI_DATA_DIR: "data" }, dir);
    expect(first.devSecretsGenerated).toBe(true);
    const file = path.join(dir, "data", "secrets.json");
    expect(existsSync(file)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const second = loadConfig({ AGNI_DATA_DIR: "data" }, dir);
    expect(second.devSecretsGenerated).toBe(false);
    expect(second.auth.jwtSecret).toBe(first.auth.jwtSecret);
    expect(second.encryptionKey.equals(first.encryptionKey)).toBe(true);
    expect(JSON.parse(readFileSync(file, "utf8")).jwtSecret).toBe(first.auth.jwtSecret);
    expect(first).toMatchObject({ port: 3000, env: "development", dataDir: path.join(dir, "data") });
  });

  it("refuses to start in production without secrets, listing every problem", () => {
    try {
      loadConfig({ NODE_ENV: "production" }, tmp());
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems).toEqual([
        expect.stringMatching(/AGNI_JWT_SECRET/),
        expect.stringMatching(/AGNI_ENCRYPTION_KEY/),
      ]);
    }
  });

  it("lists every malformed variable at once", () => {
    expect(() => loadConfig({ PORT: "http", AGNI_ENCRYPTION_KEY: "short", AGNI_JWT_SECRET: "tiny" }, tmp())).toThrow(
      /PORT[\s\S]*AGNI_JWT_SECRET[\s\S]*AGNI_ENCRYPTION_KEY|PORT[\s\S]*AGNI_ENCRYPTION_KEY[\s\S]*AGNI_JWT_SECRET/,
    );
  });

  it("uses the given production secrets and writes nothing", () => {
    const dir = tmp();
    const key = Buffer.alloc(32, 7).toString("base64");
    const config = loadConfig({ NODE_ENV: "production", AGNI_JWT_SECRET: "s".repeat(40), AGNI_ENCRYPTION_KEY: key, PORT: "8080" }, dir);
    expect(config.port).toBe(8080);
    expect(config).toMatchObject({ calcomTimeoutMs: 8_000, calcomDeadlineMs: 10_000 });
    expect(config.encryptionKey.toString("base64")).toBe(key);
    expect(existsSync(path.join(dir, ".agni"))).toBe(false);
  });

  it("reads earlier encryption keys for rotation and names a malformed one", () => {
    const env = { NODE_ENV: "production", AGNI_JWT_SECRET: "s".repeat(40), AGNI_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString("base64") };
    const [a, b] = [Buffer.alloc(32, 2), Buffer.alloc(32, 3)];
    const config = loadConfig({ ...env, AGNI_ENCRYPTION_KEY_PREVIOUS: ` ${a.toString("base64")}, ${b.toString("base64")}` }, tmp());
    expect(config.previousEncryptionKeys).toEqual([a, b]);
    expect(loadConfig(env, tmp()).previousEncryptionKeys).toEqual([]);
    expect(() => loadConfig({ ...env, AGNI_ENCRYPTION_KEY_PREVIOUS: `${a.toString("base64")},short` }, tmp())).toThrow(/AGNI_ENCRYPTION_KEY_PREVIOUS/);
  });

  it("reads the fan-out cap and an agent's share of a Cal.com key's budget, with defaults and bounds", () => {
    const env = { NODE_ENV: "production", AGNI_JWT_SECRET: "s".repeat(40), AGNI_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString("base64") };
    expect(loadConfig(env, tmp())).toMatchObject({ maxCallsPerRequest: 10, calcomAgentShare: 50 });
    expect(loadConfig({ ...env, AGNI_MAX_CALLS_PER_REQUEST: "3", AGNI_CALCOM_AGENT_SHARE: "100" }, tmp())).toMatchObject({ maxCallsPerRequest: 3, calcomAgentShare: 100 });
    const bad = () => loadConfig({ ...env, AGNI_MAX_CALLS_PER_REQUEST: "0", AGNI_CALCOM_AGENT_SHARE: "150" }, tmp());
    expect(bad).toThrow(/AGNI_MAX_CALLS_PER_REQUEST/);
    expect(bad).toThrow(/AGNI_CALCOM_AGENT_SHARE/);
  });

  it("reads the allowed Cal.com origins as origins, treats empty as unset and names a malformed entry", () => {
    const env = { NODE_ENV: "production", AGNI_JWT_SECRET: "s".repeat(40), AGNI_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString("base64") };
    expect(loadConfig({ ...env, AGNI_CALCOM_ALLOWED_ORIGINS: " https://api.cal.com/v2 ,http://127.0.0.1:5555" }, tmp()).calcomAllowedOrigins).toEqual([
      "https://api.cal.com",
      "http://127.0.0.1:5555",
    ]);
    expect(loadConfig(env, tmp()).calcomAllowedOrigins).toBeUndefined();
    expect(loadConfig({ ...env, AGNI_CALCOM_ALLOWED_ORIGINS: "" }, tmp()).calcomAllowedOrigins).toBeUndefined();
    expect(() => loadConfig({ ...env, AGNI_CALCOM_ALLOWED_ORIGINS: "https://api.cal.com,api.cal.eu" }, tmp())).toThrow(/AGNI_CALCOM_ALLOWED_ORIGINS/);
    expect(() => loadConfig({ ...env, AGNI_CALCOM_ALLOWED_ORIGINS: "ftp://cal.example" }, tmp())).toThrow(/http or https/);
    expect(() => loadConfig({ ...env, AGNI_CALCOM_ALLOWED_ORIGINS: " , " }, tmp())).toThrow(/at least one origin/);
  });
});
