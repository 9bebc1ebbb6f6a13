// Child processes for the benchmarks: start one and wait for the URL it prints, stop it, and what to clean up at the end.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "../../..");

export const children: ChildProcess[] = [];
export const cleanups: (() => Promise<void> | void)[] = [];

/** Starts a child process and resolves with the URL it prints once listening. */
export function start(label: string, args: string[], env: Record<string, string | undefined>, pattern: RegExp): Promise<{ url: string; child: ChildProcess }> {
  const merged = Object.fromEntries(Object.entries({ ...process.env, ...env }).filter(([, v]) => v !== undefined));
  const child = spawn(process.execPath, args, { cwd: ROOT, env: merged, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let output = "";
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = pattern.exec(output);
      if (match) resolve({ url: match[1], child });
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", (code) => reject(new Error(`${label} exited (${code}) before listening:\n${output}`)));
  });
}

export async function stop(child: ChildProcess) {
  if (child.exitCode !== null) return;
  child.kill("SIGTERM");
  await new Promise((resolve) => child.once("exit", resolve));
}


/** The environment of an API process for a benchmark: production mode, no rate limits of ours, the sandbox allowed. */
export const apiEnv = (o: { secret: string; sandboxUrl: string; dataDir: string; databaseUrl?: string }): Record<string, string | undefined> => ({
  PORT: "0",
  HOST: "127.0.0.1",
  NODE_ENV: "production",
  LOG_LEVEL: "warn",
  AGNI_JWT_SECRET: o.secret,
  AGNI_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
  AGNI_DATA_DIR: o.dataDir,
  AGNI_RATE_LIMIT: "0",
  AGNI_CALCOM_RATE_LIMIT: "100000",
  AGNI_PUBLIC_URL: "https://agni.test",
  AGNI_CALCOM_ALLOWED_ORIGINS: o.sandboxUrl,
  DATABASE_URL: o.databaseUrl,
  REDIS_URL: undefined,
});
