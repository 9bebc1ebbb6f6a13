import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import path from "node:path";
import type { Sandbox } from "@agni/calcom-sandbox";
import { SignJWT } from "jose";
import { expect } from "vitest";

const API_MAIN = path.resolve(import.meta.dirname, "../../dist/main.js");
const WORKER_MAIN = path.resolve(import.meta.dirname, "../../dist/worker.js");

export interface ApiProcess {
  url: string;
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or signal) once the process has gone. */
  exited: Promise<number | string | null>;
}

/** Secrets that every replica of one deployment shares. */
export function deploymentSecrets() {
  return { AGNI_JWT_SECRET: randomBytes(32).toString("hex"), AGNI_ENCRYPTION_KEY: randomBytes(32).toString("base64") };
}

/**
 * Starts the built API (`apps/api/dist/main.js`, as `npm start` runs it) as its own production process on a free port.
 * Accounts may point anywhere (the sandbox listens on a random port); pass `AGNI_CALCOM_ALLOWED_ORIGINS: undefined` for
 * the production default (Cal.com's own API only).
 */
export function startApiProcess(env: Record<string, string | undefined>): Promise<ApiProcess> {
  return startBuilt(API_MAIN, env, /Agni API listening on (http:\/\/\S+)/);
}

/** Starts the built job worker (`npm run worker`) the same way; `url` is empty (it serves no HTTP). */
export function startWorkerProcess(env: Record<string, string | undefined>): Promise<ApiProcess> {
  return startBuilt(WORKER_MAIN, env, /Agni worker running()/);
}

async function startBuilt(main: string, env: Record<string, string | undefined>, ready: RegExp): Promise<ApiProcess> {
  const merged = Object.fromEntries(
    Object.entries({
      ...process.env,
      PORT: "0",
      HOST: "127.0.0.1",
      NODE_ENV: "production",
      AGNI_PUBLIC_URL: "https://agni.test",
      AGNI_CALCOM_ALLOWED_ORIGINS: "*",
      LOG_LEVEL: "warn",
      AGNI_RATE_LIMIT: "0",
      REDIS_URL: undefined,
      ...env,
    }).filter(
      ([, v]) => v !== undefined,
    ),
  ) as NodeJS.ProcessEnv;
  const child = spawn(process.execPath, [main], { env: merged, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
  const exited = once(child, "exit").then(([code, signal]) => (code ?? signal) as number | string | null);
  const url = await new Promise<string>((resolve, reject) => {
    const check = () => {
      const match = ready.exec(output);
      if (match) resolve(match[1]!);
    };
    child.stdout!.on("data", check);
    void exited.then((code) => reject(new Error(`${main === API_MAIN ? "API" : "Worker"} exited (${code}) before listening:\n${output}`)));
  });
  return { url, child, output: () => output, exited };
}

/** One JSON request to a running API; the answer's status, parsed body and headers. */
export async function callApi(url: string, auth: Record<string, string>, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url + path, { method, headers: { ...auth, "content-type": "application/json", ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as any, headers: res.headers };
}

/** The Authorization header of an organisation's caller, signed with the deployment's JWT secret. */
export async function bearer(jwtSecret: string, orgId: string): Promise<Record<string, string>> {
  const token = await new SignJWT({ org_id: orgId }).setProtectedHeader({ alg: "HS256" }).setExpirationTime("30m").sign(new TextEncoder().encode(jwtSecret));
  return { authorization: `Bearer ${token}` };
}

/**
 * Through a running API: an agent named `agentName` with its own sandbox Cal.com user (own key, own budget) and a
 * 30-minute event type, connected, with an active calendar tool enabling `functions`.
 */
export async function setUpCalendarAgent(
  url: string,
  auth: Record<string, string>,
  sandbox: { it: Sandbox; url: string },
  agentName: string,
  functions = ["suggest", "book"],
) {
  const { user, apiKey } = sandbox.it.addUser({ username: `agent-${randomBytes(5).toString("hex")}`, timeZone: "UTC" });
  const eventType = sandbox.it.addEventType(user.id, { title: "Call", slug: `call-${user.id}`, lengthInMinutes: 30 }) as { id: number };
  const agent = (await callApi(url, auth, "POST", "/api/v1/agents/", { agentName, calcomEventTypeId: eventType.id })).body.data as { id: string };
  expect((await callApi(url, auth, "POST", `/api/v1/calcom/agents/${agent.id}/connect`, { api_key: apiKey, api_base_url: sandbox.url })).status).toBe(201);
  const tool = { name: "calendar", type: "calcom", agentId: agent.id, enabledFunctions: { values: functions } };
  const created = await callApi(url, auth, "POST", "/api/v1/tools/", tool);
  expect(created.status).toBe(201);
  expect((await callApi(url, auth, "PATCH", `/api/v1/tools/${created.body.data.id}/`, { isActive: true })).status).toBe(200);
  return { agent, eventType, user, apiKey };
}

/**
 * Through a running API: one sandbox Cal.com user connected as the organisation's account and assigned to an agent
 * per name (two agents of one organisation on one calendar), each with an active calendar tool enabling `functions`.
 */
export async function setUpSharedCalendar(url: string, auth: Record<string, string>, sandbox: { it: Sandbox; url: string }, agentNames: string[], functions = ["suggest", "book", "reschedule", "cancel"]) {
  const { user, apiKey } = sandbox.it.addUser({ username: `org-${randomBytes(5).toString("hex")}`, timeZone: "UTC" });
  const eventType = sandbox.it.addEventType(user.id, { title: "Call", slug: `call-${user.id}`, lengthInMinutes: 30 }) as { id: number };
  const account = await callApi(url, auth, "POST", "/api/v1/calcom/connect", { api_key: apiKey, api_base_url: sandbox.url });
  expect(account.status).toBe(201);
  const agents: { agent: { id: string }; tool: { id: string } }[] = [];
  for (const agentName of agentNames) {
    const agent = (await callApi(url, auth, "POST", "/api/v1/agents/", { agentName, calcomEventTypeId: eventType.id })).body.data as { id: string };
    expect((await callApi(url, auth, "PUT", `/api/v1/calcom/agents/${agent.id}/account`, { calcom_account_id: account.body.data.provider_id })).status).toBe(200);
    const tool = await callApi(url, auth, "POST", "/api/v1/tools/", { name: "calendar", type: "calcom", agentId: agent.id, enabledFunctions: { values: functions } });
    expect(tool.status).toBe(201);
    expect((await callApi(url, auth, "PATCH", `/api/v1/tools/${tool.body.data.id}/`, { isActive: true })).status).toBe(200);
    agents.push({ agent, tool: tool.body.data as { id: string } });
  }
  return { agents, eventType, user };
}
