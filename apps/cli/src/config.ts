import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { DEFAULT_LOCAL_API_URL } from "@agni/contracts";
import { CliError, type CliContext } from "./context";

export const DEFAULT_API_URL = DEFAULT_LOCAL_API_URL;

/** The options every command accepts (declared once, on the program). */
export interface GlobalOptions {
  apiUrl?: string;
  token?: string;
  apiKey?: string;
  org?: string;
  json?: boolean;
}

export interface CliConfig {
  apiUrl: string;
  token?: string;
  apiKey?: string;
  org?: string;
  json: boolean;
}

type Env = CliContext["env"];

/** An environment variable that is set to something; an empty value counts as unset. */
export function envValue(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === "" ? undefined : value;
}

/**
 * Merges flags with the environment. A flag beats its variable; credentials are never mixed: an explicit
 * `--token`/`--api-key` beats `AGNI_TOKEN`/`AGNI_API_KEY`, and between two of the same source the JWT wins
 * (API-key management needs one).
 */
export function resolveConfig(options: GlobalOptions, env: Env): CliConfig {
  const fromFlags = options.token !== undefined || options.apiKey !== undefined;
  const token = fromFlags ? options.token : envValue(env, "AGNI_TOKEN");
  const apiKey = fromFlags ? options.apiKey : envValue(env, "AGNI_API_KEY");
  return {
    apiUrl: options.apiUrl ?? envValue(env, "AGNI_API_URL") ?? DEFAULT_API_URL,
    ...(token !== undefined ? { token } : apiKey !== undefined ? { apiKey } : {}),
    org: options.org,
    json: options.json === true,
  };
}

/**
 * The HS256 secret the API verifies development JWTs with: `AGNI_JWT_SECRET`, else the `jwtSecret` the API wrote to
 * `<AGNI_DATA_DIR or .agni>/secrets.json` on its first start (resolved against the working directory, as the API does).
 */
export function readJwtSecret(env: Env, cwd: string): string {
  const fromEnv = envValue(env, "AGNI_JWT_SECRET");
  if (fromEnv !== undefined) return fromEnv;
  const file = path.resolve(cwd, envValue(env, "AGNI_DATA_DIR") ?? ".agni", "secrets.json");
  if (!existsSync(file)) {
    throw new CliError(`no JWT secret: set AGNI_JWT_SECRET, or start the API once (npm start) so that it writes ${file}`);
  }
  let secret: unknown;
  try {
    secret = (JSON.parse(readFileSync(file, "utf8")) as { jwtSecret?: unknown }).jwtSecret;
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (typeof secret !== "string" || secret === "") throw new CliError(`${file} has no jwtSecret`);
  return secret;
}
