import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import path from "node:path";
import { DEFAULT_CALCOM_API_BASE_URL } from "@agni/contracts";
import { z } from "zod";
import { DEFAULT_JSON_MAX_DEPTH } from "./http/json-body";
import { DEFAULT_SERVER_LIMITS, type ServerLimits } from "./http/server";
import { DEFAULT_JOB_SETTINGS, type JobSettings } from "./jobs/engine";
import { DEFAULT_DELIVERY_SETTINGS, type DeliverySettings } from "./modules/webhooks/dispatcher";
import { DEFAULT_OFFER_MINUTES } from "./modules/waitlist/waitlist-offers";

const base64Key = z
  .string()
  .refine((v) => Buffer.from(v, "base64").length === 32, "must be 32 random bytes in base64 (openssl rand -base64 32)");

const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  DATABASE_URL: z.string().url().optional(),
  AGNI_DATA_DIR: z.string().default(".agni"),
  AGNI_JWT_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  AGNI_JWKS_URL: z.string().url().optional(),
  AGNI_JWT_ISSUER: z.string().optional(),
  AGNI_JWT_AUDIENCE: z.string().optional(),
  AGNI_ENCRYPTION_KEY: base64Key.optional(),
  /** Keys being rotated out: comma-separated, still used to decrypt until `npm run keys:rotate` has re-encrypted. */
  AGNI_ENCRYPTION_KEY_PREVIOUS: z
    .string()
    .optional()
    .transform((v) => (v ?? "").split(",").map((k) => k.trim()).filter(Boolean))
    .pipe(z.array(base64Key)),
  AGNI_BODY_LIMIT: z.string().default("1mb"),
  AGNI_JSON_MAX_DEPTH: z.coerce.number().int().min(2).max(1_000).default(DEFAULT_JSON_MAX_DEPTH),
  AGNI_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(DEFAULT_SERVER_LIMITS.headersTimeoutMs),
  AGNI_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(DEFAULT_SERVER_LIMITS.requestTimeoutMs),
  AGNI_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(DEFAULT_SERVER_LIMITS.keepAliveTimeoutMs),
  AGNI_MAX_CONNECTIONS: z.coerce.number().int().min(0).max(1_000_000).default(DEFAULT_SERVER_LIMITS.maxConnections),
  AGNI_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  AGNI_CALCOM_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(8_000),
  AGNI_CALCOM_DEADLINE_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  AGNI_CALCOM_RATE_LIMIT: z.coerce.number().int().min(1).max(100_000).default(120),
  AGNI_CALCOM_AGENT_SHARE: z.coerce.number().int().min(1).max(100).default(50),
  AGNI_MAX_CALLS_PER_REQUEST: z.coerce.number().int().min(1).max(100).default(10),
  AGNI_SLOT_CACHE_TTL_MS: z.coerce.number().int().min(0).max(3_600_000).default(60_000),
  /**
   * Origins (scheme://host[:port]) that accounts' api_base_url may point at, comma-separated; `*` for any. Unset: any
   * in development, only Cal.com's own API in production.
   */
  AGNI_CALCOM_ALLOWED_ORIGINS: z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.split(",").map((o) => o.trim()).filter(Boolean)))
    .pipe(
      z
        .array(
          z
            .string()
            .refine((o) => o === "*" || z.string().url().safeParse(o).success, "each entry must be an origin such as https://api.cal.com")
            .refine((o) => o === "*" || /^https?:\/\//i.test(o), "each entry must use http or https"),
        )
        .min(1, "list at least one origin, or * to allow any")
        .refine((list) => !list.includes("*") || list.length === 1, "* (any origin) cannot be combined with origins")
        .optional(),
    ),
  AGNI_RATE_LIMIT: z.coerce.number().int().min(0).max(1_000_000).default(600),
  AGNI_AUTH_FAILURE_LIMIT: z.coerce.number().int().min(0).max(1_000_000).default(30),
  /** Proxies whose X-Forwarded-For/-Proto/-Host are believed: how many hops, or their addresses and subnets. */
  AGNI_TRUST_PROXY: z
    .string()
    .optional()
    .transform((v, ctx): false | number | string[] => {
      const value = (v ?? "").trim();
      if (value === "" || value === "false" || value === "0") return false;
      if (/^\d+$/.test(value)) return Number(value);
      const entries = value.split(",").map((p) => p.trim()).filter(Boolean);
      const bad = entries.filter((p) => !trustedProxyEntry(p));
      if (value === "true" || bad.length > 0) {
        ctx.addIssue({
          code: "custom",
          message: `give the number of proxies in front of the API (e.g. 1) or their addresses (loopback, linklocal, uniquelocal, an IP or a subnet such as 10.0.0.0/8)${value === "true" ? "; true would believe any client's X-Forwarded-* headers" : `; not understood: ${bad.join(", ")}`}`,
        });
        return z.NEVER;
      }
      return entries;
    }),
  REDIS_URL: z.string().url("REDIS_URL must be a URL such as redis://127.0.0.1:6379").optional(),
  AGNI_PUBLIC_URL: z
    .string()
    .url("AGNI_PUBLIC_URL must be a URL such as https://agni.example.com")
    .refine((u) => /^https?:\/\//i.test(u), "AGNI_PUBLIC_URL must use http or https")
    .refine((u) => !URL.canParse(u) || !/[@?#]/.test(u.replace(/^https?:\/\//i, "")), "AGNI_PUBLIC_URL must not carry credentials, a query or a fragment")
    .optional(),
  /** Run the job workers (webhook deliveries, housekeeping…) in this API process; `off` when `npm run worker` does. */
  AGNI_WORKERS: z.enum(["on", "off"], { errorMap: () => ({ message: "AGNI_WORKERS must be on or off" }) }).default("on"),
  AGNI_JOB_LOCK_DURATION_MS: z.coerce.number().int().min(500).max(600_000).default(DEFAULT_JOB_SETTINGS.lockDurationMs),
  AGNI_JOB_STALLED_INTERVAL_MS: z.coerce.number().int().min(500).max(600_000).default(DEFAULT_JOB_SETTINGS.stalledIntervalMs),
  AGNI_JOB_MAX_STALLED_COUNT: z.coerce.number().int().min(1).max(1_000).default(DEFAULT_JOB_SETTINGS.maxStalledCount),
  AGNI_HOUSEKEEPING_INTERVAL_MS: z.coerce.number().int().min(500).max(86_400_000).default(10 * 60_000),
  /** How often each connected account's Cal.com mirror is reconciled (bookings changed since the last run). */
  AGNI_RECONCILE_INTERVAL_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(5 * 60_000),
  /** The percentage of a Cal.com key's budget the mirror's background work (reconciliation, webhook registration) may spend. */
  AGNI_RECONCILE_SHARE: z.coerce.number().int().min(1).max(100).default(10),
  /** How long a freed time offered to a waitlisted caller is kept for them unless held in Cal.com (then: the hold). */
  AGNI_WAITLIST_OFFER_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(DEFAULT_OFFER_MINUTES * 60_000),
  AGNI_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(DEFAULT_DELIVERY_SETTINGS.timeoutMs),
  AGNI_WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(DEFAULT_DELIVERY_SETTINGS.retryBaseMs),
  AGNI_WEBHOOK_RETRY_MAX_DELAY_MS: z.coerce.number().int().min(10).max(86_400_000).default(DEFAULT_DELIVERY_SETTINGS.retryMaxDelayMs),
  AGNI_WEBHOOK_RETRY_WINDOW_MS: z.coerce.number().int().min(0).max(7 * 86_400_000).default(DEFAULT_DELIVERY_SETTINGS.retryWindowMs),
  AGNI_WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(200).default(DEFAULT_DELIVERY_SETTINGS.concurrency),
  AGNI_WEBHOOK_ALLOW_PRIVATE: z.enum(["true", "false"], { errorMap: () => ({ message: "AGNI_WEBHOOK_ALLOW_PRIVATE must be true or false" }) }).optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

function trustedProxyEntry(entry: string): boolean {
  if (["loopback", "linklocal", "uniquelocal"].includes(entry)) return true;
  const [address, prefix, ...rest] = entry.split("/");
  const family = isIP(address ?? "");
  if (family === 0 || rest.length > 0) return false;
  return prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
}

/** Everything the API needs, parsed once at start-up. */
export interface AppConfig {
  env: "development" | "production" | "test";
  port: number;
  host: string;
  databaseUrl?: string;
  dataDir: string;
  auth: { jwtSecret?: string; jwksUrl?: string; issuer?: string; audience?: string };
  encryptionKey: Buffer;
  /** Earlier encryption keys, accepted for decryption only (key rotation). */
  previousEncryptionKeys?: Buffer[];
  bodyLimit: string;
  /** On SIGTERM/SIGINT, how long requests in flight may take before the process exits anyway. */
  shutdownTimeoutMs: number;
  /** Header, request and keep-alive timeouts and the connection cap of the HTTP server. */
  server: ServerLimits;
  /** Deepest nesting of objects and arrays accepted in a request body. */
  jsonMaxDepth: number;
  calcomTimeoutMs: number;
  /** Bound on all Cal.com work of one request (retries, backoff and budget waits included). */
  calcomDeadlineMs?: number;
  /** Requests per minute this API sends per Cal.com key (Cal.com's default budget is 120). */
  calcomRateLimit?: number;
  /** The percentage of a Cal.com key's budget one agent may spend, so that one agent cannot starve the others. */
  calcomAgentShare?: number;
  /** Function calls one request may carry (a Vapi toolCallList, an MCP batch); each counts against the rate limit. */
  maxCallsPerRequest?: number;
  /** How long free slots read from Cal.com are served from memory (unless the account's calendar changes); 0: off. */
  slotCacheTtlMs?: number;
  /** Origins that accounts' api_base_url may point at; any when absent. */
  calcomAllowedOrigins?: string[];
  /** Failed authentications per minute from one client address before it is refused for the rest of the minute; 0: off. */
  authFailureLimit: number;
  /** Express's `trust proxy`: hops or addresses whose forwarded headers are believed; false for none. */
  trustProxy: false | number | string[];
  /** Requests per minute one credential may make to this API; 0 turns the limit off. */
  rateLimit: number;
  /** When set, rate budgets (ours and Cal.com's per key) live in Redis and are shared by every replica. */
  redisUrl?: string;
  /** Where agent platforms reach this API (exported webhook tools point here); required in production. */
  publicUrl?: string;
  logLevel: string;
  /** Whether this process runs the job workers (else only enqueues; `npm run worker` processes run them). */
  workers: boolean;
  /** How workers hold jobs and how soon a dead worker's job is taken over. */
  jobs: JobSettings;
  housekeepingIntervalMs: number;
  /**
   * The Cal.com mirror: how often each account is reconciled, the share (%) of a key's budget it may spend, and how
   * long an unheld waitlist offer is kept for its caller before it goes to the next one.
   */
  mirror: { reconcileIntervalMs: number; sharePercent: number; waitlistOfferMs: number };
  /** Events out: timeout, retries and where subscription URLs may point. */
  webhooks: DeliverySettings;
  /** Set when development secrets were generated or read from the data directory. */
  devSecretsFile?: string;
  devSecretsGenerated?: boolean;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

interface DevSecrets {
  jwtSecret: string;
  encryptionKey: string;
}

/** Reads `<dataDir>/secrets.json`, creating it (mode 0600) with fresh random secrets when absent. */
function loadDevSecrets(dataDir: string): { secrets: DevSecrets; file: string; generated: boolean } {
  const file = path.join(dataDir, "secrets.json");
  if (existsSync(file)) {
    return { secrets: JSON.parse(readFileSync(file, "utf8")) as DevSecrets, file, generated: false };
  }
  mkdirSync(dataDir, { recursive: true });
  const secrets: DevSecrets = {
    jwtSecret: randomBytes(32).toString("base64url"),
    encryptionKey: randomBytes(32).toString("base64"),
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2) + "\n", { mode: 0o600 });
  chmodSync(file, 0o600);
  return { secrets, file, generated: true };
}

/**
 * Parses the environment into an AppConfig. Lists every problem at once (ConfigError). Outside production,
 * missing secrets are generated once into the data directory; production refuses to start without them.
 */
export function loadConfig(env: NodeJS.ProcessEnv, cwd = process.cwd()): AppConfig {
  const parsed = EnvSchema.safeParse(env);
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
  if (parsed.success && parsed.data.AGNI_HEADERS_TIMEOUT_MS > parsed.data.AGNI_REQUEST_TIMEOUT_MS) {
    problems.push("AGNI_HEADERS_TIMEOUT_MS must not exceed AGNI_REQUEST_TIMEOUT_MS (the headers are part of the request)");
  }
  if (parsed.success && parsed.data.AGNI_WORKERS === "off" && !parsed.data.DATABASE_URL) {
    problems.push("AGNI_WORKERS=off needs DATABASE_URL: the embedded database serves one process, which must run the workers itself");
  }
  if (env.NODE_ENV === "production") {
    if (!env.AGNI_JWT_SECRET && !env.AGNI_JWKS_URL) problems.push("AGNI_JWT_SECRET or AGNI_JWKS_URL is required in production");
    if (!env.AGNI_ENCRYPTION_KEY) problems.push("AGNI_ENCRYPTION_KEY is required in production (openssl rand -base64 32)");
    if (!env.AGNI_PUBLIC_URL) {
      problems.push("AGNI_PUBLIC_URL is required in production: the URL agent platforms reach this API at (exported webhook tools point there), e.g. https://agni.example.com");
    }
  }
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  const dataDir = path.resolve(cwd, e.AGNI_DATA_DIR);
  let jwtSecret = e.AGNI_JWT_SECRET;
  let encryptionKey = e.AGNI_ENCRYPTION_KEY;
  let devSecretsFile: string | undefined;
  let devSecretsGenerated: boolean | undefined;

  if (e.NODE_ENV !== "production" && ((!jwtSecret && !e.AGNI_JWKS_URL) || !encryptionKey)) {
    const dev = loadDevSecrets(dataDir);
    jwtSecret ??= e.AGNI_JWKS_URL ? undefined : dev.secrets.jwtSecret;
    encryptionKey ??= dev.secrets.encryptionKey;
    devSecretsFile = dev.file;
    devSecretsGenerated = dev.generated;
  }
  const origins = e.AGNI_CALCOM_ALLOWED_ORIGINS;
  // Production requires the key (checked above); elsewhere the dev secrets supply one.
  if (!encryptionKey) throw new ConfigError(["AGNI_ENCRYPTION_KEY is required"]);

  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir,
    auth: { jwtSecret, jwksUrl: e.AGNI_JWKS_URL, issuer: e.AGNI_JWT_ISSUER, audience: e.AGNI_JWT_AUDIENCE },
    encryptionKey: Buffer.from(encryptionKey, "base64"),
    previousEncryptionKeys: e.AGNI_ENCRYPTION_KEY_PREVIOUS.map((k) => Buffer.from(k, "base64")),
    bodyLimit: e.AGNI_BODY_LIMIT,
    shutdownTimeoutMs: e.AGNI_SHUTDOWN_TIMEOUT_MS,
    server: {
      headersTimeoutMs: e.AGNI_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: e.AGNI_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: e.AGNI_KEEP_ALIVE_TIMEOUT_MS,
      maxConnections: e.AGNI_MAX_CONNECTIONS,
    },
    jsonMaxDepth: e.AGNI_JSON_MAX_DEPTH,
    calcomTimeoutMs: e.AGNI_CALCOM_TIMEOUT_MS,
    calcomDeadlineMs: e.AGNI_CALCOM_DEADLINE_MS,
    calcomRateLimit: e.AGNI_CALCOM_RATE_LIMIT,
    calcomAgentShare: e.AGNI_CALCOM_AGENT_SHARE,
    maxCallsPerRequest: e.AGNI_MAX_CALLS_PER_REQUEST,
    slotCacheTtlMs: e.AGNI_SLOT_CACHE_TTL_MS,
    calcomAllowedOrigins:
      origins?.[0] === "*" ? undefined : (origins?.map((o) => new URL(o).origin) ?? (e.NODE_ENV === "production" ? [DEFAULT_CALCOM_API_BASE_URL] : undefined)),
    authFailureLimit: e.AGNI_AUTH_FAILURE_LIMIT,
    trustProxy: e.AGNI_TRUST_PROXY,
    rateLimit: e.AGNI_RATE_LIMIT,
    redisUrl: e.REDIS_URL,
    publicUrl: e.AGNI_PUBLIC_URL?.replace(/\/+$/, ""),
    logLevel: e.LOG_LEVEL,
    workers: e.AGNI_WORKERS === "on",
    jobs: { lockDurationMs: e.AGNI_JOB_LOCK_DURATION_MS, stalledIntervalMs: e.AGNI_JOB_STALLED_INTERVAL_MS, maxStalledCount: e.AGNI_JOB_MAX_STALLED_COUNT },
    housekeepingIntervalMs: e.AGNI_HOUSEKEEPING_INTERVAL_MS,
    mirror: { reconcileIntervalMs: e.AGNI_RECONCILE_INTERVAL_MS, sharePercent: e.AGNI_RECONCILE_SHARE, waitlistOfferMs: e.AGNI_WAITLIST_OFFER_MS },
    webhooks: {
      timeoutMs: e.AGNI_WEBHOOK_TIMEOUT_MS,
      retryBaseMs: e.AGNI_WEBHOOK_RETRY_BASE_MS,
      retryMaxDelayMs: e.AGNI_WEBHOOK_RETRY_MAX_DELAY_MS,
      retryWindowMs: e.AGNI_WEBHOOK_RETRY_WINDOW_MS,
      concurrency: e.AGNI_WEBHOOK_CONCURRENCY,
      // Production endpoints must be public https; development (and tests) may use anything, e.g. a local receiver.
      allowPrivate: e.AGNI_WEBHOOK_ALLOW_PRIVATE ? e.AGNI_WEBHOOK_ALLOW_PRIVATE === "true" : e.NODE_ENV !== "production",
    },
    devSecretsFile,
    devSecretsGenerated,
  };
}
