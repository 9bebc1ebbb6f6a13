import { existsSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config";

const tmp = () => mkdtempSync(path.join(tmpdir(), "agni-config-"));
const production = {
  NODE_ENV: "production",
  AGNI_JWT_SECRET: "s".repeat(40),
  AGNI_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString("base64"),
  AGNI_PUBLIC_URL: "https://agni.example.com",
};

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

  it("refuses to start in production without secrets and a public URL, listing every problem", () => {
    try {
      loadConfig({ NODE_ENV: "production", PORT: "http" }, tmp());
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems).toEqual([
        expect.stringMatching(/PORT/),
        expect.stringMatching(/AGNI_JWT_SECRET/),
        expect.stringMatching(/AGNI_ENCRYPTION_KEY/),
        expect.stringMatching(/AGNI_PUBLIC_URL is required in production/),
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
    const config = loadConfig({ NODE_ENV: "production", AGNI_JWT_SECRET: "s".repeat(40), AGNI_ENCRYPTION_KEY: key, AGNI_PUBLIC_URL: "https://agni.example.com/", PORT: "8080" }, dir);
    expect(config.publicUrl).toBe("https://agni.example.com");
    expect(config.port).toBe(8080);
    expect(config).toMatchObject({ calcomTimeoutMs: 8_000, calcomDeadlineMs: 10_000 });
    expect(config.encryptionKey.toString("base64")).toBe(key);
    expect(existsSync(path.join(dir, ".agni"))).toBe(false);
  });

  it("reads earlier encryption keys for rotation and names a malformed one", () => {
    const env = production;
    const [a, b] = [Buffer.alloc(32, 2), Buffer.alloc(32, 3)];
    const config = loadConfig({ ...env, AGNI_ENCRYPTION_KEY_PREVIOUS: ` ${a.toString("base64")}, ${b.toString("base64")}` }, tmp());
    expect(config.previousEncryptionKeys).toEqual([a, b]);
    expect(loadConfig(env, tmp()).previousEncryptionKeys).toEqual([]);
    expect(() => loadConfig({ ...env, AGNI_ENCRYPTION_KEY_PREVIOUS: `${a.toString("base64")},short` }, tmp())).toThrow(/AGNI_ENCRYPTION_KEY_PREVIOUS/);
  });

  it("reads the fan-out cap and an agent's share of a Cal.com key's budget, with defaults and bounds", () => {
    const env = production;
    expect(loadConfig(env, tmp())).toMatchObject({ maxCallsPerRequest: 10, calcomAgentShare: 50 });
    expect(loadConfig({ ...env, AGNI_MAX_CALLS_PER_REQUEST: "3", AGNI_CALCOM_AGENT_SHARE: "100" }, tmp())).toMatchObject({ maxCallsPerRequest: 3, calcomAgentShare: 100 });
    const bad = () => loadConfig({ ...env, AGNI_MAX_CALLS_PER_REQUEST: "0", AGNI_CALCOM_AGENT_SHARE: "150" }, tmp());
    expect(bad).toThrow(/AGNI_MAX_CALLS_PER_REQUEST/);
    expect(bad).toThrow(/AGNI_CALCOM_AGENT_SHARE/);
  });

  it("reads the slot cache's TTL: 60 s by default, 0 turns it off, negative or past an hour refused", () => {
    expect(loadConfig(production, tmp())).toMatchObject({ slotCacheTtlMs: 60_000 });
    expect(loadConfig({ ...production, AGNI_SLOT_CACHE_TTL_MS: "0" }, tmp())).toMatchObject({ slotCacheTtlMs: 0 });
    for (const value of ["-1", "3600001", "soon"]) expect(() => loadConfig({ ...production, AGNI_SLOT_CACHE_TTL_MS: value }, tmp())).toThrow(/AGNI_SLOT_CACHE_TTL_MS/);
  });

  it("reads how long an unheld waitlist offer is kept: 10 minutes by default, between a second and a day", () => {
    expect(loadConfig(production, tmp()).mirror.waitlistOfferMs).toBe(600_000);
    expect(loadConfig({ ...production, AGNI_WAITLIST_OFFER_MS: "2000" }, tmp()).mirror.waitlistOfferMs).toBe(2_000);
    for (const value of ["999", "86400001", "soon"]) expect(() => loadConfig({ ...production, AGNI_WAITLIST_OFFER_MS: value }, tmp())).toThrow(/AGNI_WAITLIST_OFFER_MS/);
  });

  it("reads the allowed Cal.com origins as origins (Cal.com's alone by default in production, * for any) and names a malformed entry", () => {
    const env = production;
    expect(loadConfig({ ...env, AGNI_CALCOM_ALLOWED_ORIGINS: " https://api.cal.com/v2 ,http://127.0.0.1:5555" }, tmp()).calcomAllowedOrigins).toEqual([
      "https://api.cal.com",
      "http://127.0.0.1:5555",
    ]);
    expect(loadConfig(env, tmp()).calcomAllowedOrigins).toEqual(["https://api.cal.com"]);
    expect(loadConfig({ ...env, AGNI_CALCOM_ALLOWED_ORIGINS: "" }, tmp()).calcomAllowedOrigins).toEqual(["https://api.cal.com"]);
    expect(loadConfig({ ...env, AGNI_CALCOM_ALLOWED_ORIGINS: "*" }, tmp()).calcomAllowedOrigins).toBeUndefined();
    expect(loadConfig({ AGNI_DATA_DIR: tmp() }, tmp()).calcomAllowedOrigins).toBeUndefined(); // development: any
    expect(() => loadConfig({ ...env, AGNI_CALCOM_ALLOWED_ORIGINS: "*,https://api.cal.com" }, tmp())).toThrow(/cannot be combined/);
    expect(() => loadConfig({ ...env, AGNI_CALCOM_ALLOWED_ORIGINS: "https://api.cal.com,api.cal.eu" }, tmp())).toThrow(/AGNI_CALCOM_ALLOWED_ORIGINS/);
    expect(() => loadConfig({ ...env, AGNI_CALCOM_ALLOWED_ORIGINS: "ftp://cal.example" }, tmp())).toThrow(/http or https/);
    expect(() => loadConfig({ ...env, AGNI_CALCOM_ALLOWED_ORIGINS: " , " }, tmp())).toThrow(/at least one origin/);
  });

  it("reads the trusted proxies as hops or addresses, and refuses true and anything it cannot read", () => {
    const env = production;
    expect(loadConfig(env, tmp()).trustProxy).toBe(false);
    expect(loadConfig({ ...env, AGNI_TRUST_PROXY: "1" }, tmp()).trustProxy).toBe(1);
    expect(loadConfig({ ...env, AGNI_TRUST_PROXY: "loopback, 10.0.0.0/8,fd00::1" }, tmp()).trustProxy).toEqual(["loopback", "10.0.0.0/8", "fd00::1"]);
    expect(() => loadConfig({ ...env, AGNI_TRUST_PROXY: "true" }, tmp())).toThrow(/AGNI_TRUST_PROXY[\s\S]*any client's X-Forwarded/);
    expect(() => loadConfig({ ...env, AGNI_TRUST_PROXY: "10.0.0.0/33,proxy.internal" }, tmp())).toThrow(/not understood: 10\.0\.0\.0\/33, proxy\.internal/);
  });

  it("refuses a public URL with credentials or a query, and a header timeout longer than the request timeout", () => {
    expect(() => loadConfig({ ...production, AGNI_PUBLIC_URL: "https://user:pw@agni.example.com" }, tmp())).toThrow(/AGNI_PUBLIC_URL must not carry credentials/);
    expect(() => loadConfig({ ...production, AGNI_PUBLIC_URL: "https://agni.example.com/?x=1" }, tmp())).toThrow(/AGNI_PUBLIC_URL/);
    expect(() => loadConfig({ ...production, AGNI_HEADERS_TIMEOUT_MS: "5000", AGNI_REQUEST_TIMEOUT_MS: "1000" }, tmp())).toThrow(/AGNI_HEADERS_TIMEOUT_MS must not exceed/);
  });

  it("reads the job engine and events-out settings, with production defaults, and refuses workers off on the embedded database", () => {
    const defaults = loadConfig(production);
    expect(defaults).toMatchObject({
      workers: true,
      jobs: { lockDurationMs: 30_000, stalledIntervalMs: 30_000, maxStalledCount: 10 },
      housekeepingIntervalMs: 600_000,
      webhooks: { timeoutMs: 10_000, retryBaseMs: 10_000, retryMaxDelayMs: 3_600_000, retryWindowMs: 86_400_000, concurrency: 10, allowPrivate: false },
    });
    expect(loadConfig({ AGNI_DATA_DIR: tmp() }).webhooks.allowPrivate).toBe(true); // development: local receivers
    const tuned = loadConfig({
      ...production,
      DATABASE_URL: "postgresql://db.example.com/agni",
      AGNI_WORKERS: "off",
      AGNI_JOB_LOCK_DURATION_MS: "2000",
      AGNI_JOB_STALLED_INTERVAL_MS: "1000",
      AGNI_JOB_MAX_STALLED_COUNT: "3",
      AGNI_WEBHOOK_ALLOW_PRIVATE: "true",
      AGNI_WEBHOOK_RETRY_WINDOW_MS: "60000",
    });
    expect(tuned).toMatchObject({ workers: false, jobs: { lockDurationMs: 2_000, stalledIntervalMs: 1_000, maxStalledCount: 3 }, webhooks: { allowPrivate: true, retryWindowMs: 60_000 } });
    expect(() => loadConfig({ ...production, AGNI_WORKERS: "off" })).toThrow(/AGNI_WORKERS=off needs DATABASE_URL/);
    expect(() => loadConfig({ ...production, AGNI_WORKERS: "maybe", AGNI_WEBHOOK_TIMEOUT_MS: "5", AGNI_WEBHOOK_ALLOW_PRIVATE: "yes" })).toThrow(
      /AGNI_WORKERS must be on or off[\s\S]*AGNI_WEBHOOK_TIMEOUT_MS[\s\S]*AGNI_WEBHOOK_ALLOW_PRIVATE must be true or false/,
    );
  });
});
