// Runs the built `agni` binary against the built API (both are built by the nx test target's dependencies), the way a
// developer uses them: the API on a random port with an embedded database in a temporary data directory, and the
// CLI reading the development JWT secret the API wrote there.
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { verifyAgniSignature } from "@agni/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const API_MAIN = path.join(root, "apps/api/dist/main.js");
const CLI_MAIN = path.join(root, "apps/cli/dist/main.js");
const SANDBOX_MAIN = path.join(root, "apps/calcom-sandbox/dist/main.js");
const SANDBOX_KEY = "cal_test_sandboxdemo0000000000000000000000";

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function collect(child: ChildProcess): Promise<Result> {
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk) => (stdout += chunk));
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts the built API and resolves with its URL once it prints "Agni API listening on …". */
function startApi(dataDir: string): Promise<Server> {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: "0", HOST: "127.0.0.1", AGNI_DATA_DIR: dataDir, LOG_LEVEL: "warn", NODE_ENV: "development" };
  // The embedded database and generated development secrets, whatever the surrounding shell has configured.
  for (const name of ["DATABASE_URL", "AGNI_JWT_SECRET", "AGNI_JWKS_URL", "AGNI_JWT_ISSUER", "AGNI_JWT_AUDIENCE", "AGNI_ENCRYPTION_KEY"]) delete env[name];
  return startServer(API_MAIN, dataDir, env, /Agni API listening on (http:\/\/\S+)/);
}

interface Server {
  child: ChildProcess;
  url: string;
  /** Everything the server has printed so far (stdout and stderr). */
  output(): string;
}

/** Starts a built server and resolves with the URL its start-up line names. */
function startServer(main: string, cwd: string, env: NodeJS.ProcessEnv, ready: RegExp): Promise<Server> {
  const child = spawn(process.execPath, [main], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  return new Promise((resolve, reject) => {
    let started = false;
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk;
      const match = started ? null : ready.exec(output);
      if (match) {
        started = true;
        resolve({ child, url: match[1]!, output: () => output });
      }
    });
    child.stderr!.on("data", (chunk) => (output += chunk));
    child.on("error", reject);
    child.on("exit", (code) => reject(new Error(`${path.basename(path.dirname(path.dirname(main)))} exited (code ${code}) before listening:\n${output}`)));
  });
}

describe("agni (built binary) against the built API", () => {
  let dataDir: string;
  let api: Server;
  let sandbox: Server;
  /** Every CLI run of this file, for the secrets check at the end. */
  const runs: (Result & { args: string[] })[] = [];

  /** Runs `agni` with only the variables given (plus PATH), never the surrounding shell's AGNI_* settings. */
  const agni = async (args: string[], env: Record<string, string> = {}): Promise<Result> => {
    const result = await collect(
      spawn(process.execPath, [CLI_MAIN, ...args], {
        cwd: dataDir,
        env: { PATH: process.env.PATH ?? "", AGNI_API_URL: api.url, AGNI_DATA_DIR: dataDir, ...env },
        stdio: ["ignore", "pipe", "pipe"],
      }),
    );
    runs.push({ ...result, args });
    return result;
  };

  /** A fresh organisation and the environment of a developer who has exported a token for it. */
  const freshOrg = async () => {
    const orgId = `cli-${randomUUID()}`;
    const minted = await agni(["auth", "token", "--org", orgId]);
    expect(minted).toMatchObject({ code: 0, stderr: "" });
    return { orgId, env: { AGNI_TOKEN: minted.stdout.trim() } };
  };

  const json = (result: Result) => {
    expect(result).toMatchObject({ code: 0, stderr: "" });
    return JSON.parse(result.stdout);
  };

  // These run the binary a dozen times, each a process start: on a loaded 2-core machine that alone passed 30 s.
  const PROCESS_HEAVY = 120_000;

  /** An agent booking the sandbox's "30 min intro" through its demo key, with a calendar tool (activated unless told). */
  const calendarAgent = async (env: Record<string, string>, functions: string, options: { activate?: boolean } = {}) => {
    const agentId = json(await agni(["agents", "create", "--json", "--name", "Desk", "--event-type-id", "1"], env)).data.id as string;
    json(await agni(["agent-calcom", "connect", agentId, "--json", "--calcom-api-key", SANDBOX_KEY, "--api-base-url", sandbox.url], env));
    const toolId = json(await agni(["tools", "create", "--json", "--name", "calendar", "--type", "calcom", "--agent", agentId, "--enabled-functions", functions], env)).data.id as string;
    if (options.activate !== false) json(await agni(["tools", "activate", toolId, "--json"], env));
    return { agentId, toolId };
  };

  /** `agni mcp --agent <id>` fed `lines` as JSON-RPC messages, its input then closed; what it printed and its exit code. */
  const mcpSession = (agentId: string, env: Record<string, string>, lines: object[]) => {
    const child = spawn(process.execPath, [CLI_MAIN, "mcp", "--agent", agentId], { env: { PATH: process.env.PATH ?? "", AGNI_API_URL: api.url, ...env }, stdio: ["pipe", "pipe", "pipe"] });
    const done = collect(child);
    child.stdin!.end(lines.map((l) => `${JSON.stringify(l)}\n`).join(""));
    return done;
  };

  beforeAll(async () => {
    for (const file of [API_MAIN, CLI_MAIN, SANDBOX_MAIN]) {
      if (!existsSync(file)) throw new Error(`${file} is missing: run npx nx run @agni/cli:test (it builds the API and the CLI first)`);
    }
    dataDir = mkdtempSync(path.join(tmpdir(), "agni-cli-int-"));
    api = await startApi(dataDir);
    sandbox = await startServer(SANDBOX_MAIN, dataDir, { PATH: process.env.PATH ?? "", PORT: "0" }, /Cal\.com sandbox listening on (http:\/\/\S+)/);
  });

  afterAll(async () => {
    for (const server of [api, sandbox]) {
      if (server?.child.exitCode !== null) continue;
      const exited = new Promise((resolve) => server.child.once("exit", resolve));
      server.child.kill("SIGTERM");
      await exited;
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("auth token prints only a JWT that the API accepts", async () => {
    const { env } = await freshOrg();
    expect(env.AGNI_TOKEN).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(await agni(["agents", "list"], env)).toEqual({ code: 0, stdout: "No agents.\n", stderr: "" });
  });

  it("agents create, list and get", async () => {
    const { orgId, env } = await freshOrg();
    const created = await agni(["agents", "create", "--name", "Front desk", "--timezone", "Europe/Berlin"], env);
    expect(created).toMatchObject({ code: 0, stderr: "" });
    expect(created.stdout).toMatch(/^Agent created successfully\n/);
    expect(created.stdout).toMatch(/^calendarTimezone: +Europe\/Berlin$/m);
    const id = /^id: +(\S+)$/m.exec(created.stdout)![1]!;

    const table = await agni(["agents", "list"], env);
    expect(table.code).toBe(0);
    expect(table.stdout.split("\n")[0]).toMatch(/^ID +NAME +STATUS +TIMEZONE +CALCOM +TOOLS$/);
    expect(table.stdout).toMatch(new RegExp(`^${id} +Front desk +ACTIVE +Europe/Berlin +none +0$`, "m"));

    const listed = json(await agni(["agents", "list", "--json"], env));
    expect(listed).toMatchObject({ success: true, meta: { total: "1" }, data: [{ id, organizationId: orgId, agentName: "Front desk" }] });
    expect(json(await agni(["--json", "agents", "get", id], env)).data).toMatchObject({ id, calcomConnectionType: "none" });
  });

  it("tools create, get and list for an agent", async () => {
    const { env } = await freshOrg();
    const agentId = json(await agni(["agents", "create", "--name", "Scheduler", "--json"], env)).data.id as string;
    const tool = json(
      await agni(["tools", "create", "--json", "--name", "book_appointment", "--type", "calcom", "--agent", agentId, "--enabled-functions", "book,reschedule"], env),
    ).data;
    expect(tool).toMatchObject({ name: "book_appointment", type: "calcom", agentId, isActive: false, enabledFunctions: { values: ["book", "reschedule"] } });

    const shown = await agni(["tools", "get", tool.id], env);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^type: +calcom$/m);
    expect(shown.stdout).toMatch(/^enabledFunctions: +\{"values":\["book","reschedule"\]\}$/m);

    const listed = await agni(["tools", "list", "--agent", agentId], env);
    expect(listed.stdout).toMatch(new RegExp(`^${tool.id} +book_appointment +calcom +false +${agentId} +book,reschedule$`, "m"));
  });

  it("tools activate and deactivate: an inactive calendar tool refuses calls and says how to activate it", async () => {
    const { env } = await freshOrg();
    const { agentId, toolId } = await calendarAgent(env, "suggest", { activate: false });
    const suggest = () => agni(["appointments", "suggest", "--agent", agentId, "--timezone", "UTC"], env);

    const refused = await suggest();
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: FORBIDDEN: I'm not able to use the calendar right now, so I can't check or book times\. /);
    expect(refused.stderr).toContain(`agni tools activate ${toolId}`);

    const activated = await agni(["tools", "activate", toolId], env);
    expect(activated).toMatchObject({ code: 0, stderr: "" });
    expect(activated.stdout).toMatch(/^Tool activated\n/);
    expect(activated.stdout).toMatch(/^isActive: +true$/m);
    expect((await suggest()).stdout).toMatch(/^I can offer /m);

    expect(json(await agni(["tools", "deactivate", toolId, "--json"], env)).data).toMatchObject({ id: toolId, isActive: false });
    expect((await suggest()).code).toBe(1);
    expect((await agni(["tools", "activate", randomUUID()], env)).stderr).toMatch(/^error: NOT_FOUND: Tool not found/);
  });

  it("calcom status for an organisation without an account", async () => {
    const { env } = await freshOrg();
    const status = await agni(["calcom", "status"], env);
    expect(status).toEqual({ code: 0, stdout: "connected: false\nstatus:    not_connected\n", stderr: "" });
    expect(json(await agni(["calcom", "status", "--json"], env)).data).toEqual({ connected: false, status: "not_connected", accounts: [] });
  });

  it("calcom sync brings a booking made on the Cal.com page into the agent's list (no AGNI_PUBLIC_URL: the mirror lives on reconciliation)", async () => {
    const { env } = await freshOrg();
    const { agentId } = await calendarAgent(env, "suggest");
    const accountId = json(await agni(["agent-calcom", "account", agentId, "--json"], env)).data.calcom_account_id as string;
    expect(json(await agni(["calcom", "sync", accountId, "--json"], env)).data).toMatchObject({ account_id: accountId, webhook: "no_public_url" });
    const slot = json(await agni(["appointments", "suggest", "--json", "--agent", agentId, "--timezone", "UTC"], env)).data.slot_times.at(-1) as string;
    const page = await fetch(`${sandbox.url}/_sandbox/web-app/bookings`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ start: slot, eventTypeId: 1, attendee: { name: "Walk In", email: `walk-in-${randomUUID()}@example.com`, timeZone: "UTC" } }),
    });
    expect(page.status).toBe(201);
    const uid = ((await page.json()) as { data: { uid: string } }).data.uid;

    const synced = await agni(["calcom", "sync", accountId], env);
    expect(synced).toMatchObject({ code: 0, stderr: "" });
    expect(synced.stdout).toMatch(/^Cal\.com account reconciled$/m);
    // 1, unless the reconciliation the connect queued ran late enough to find the booking first.
    expect(synced.stdout).toMatch(/^changed: +[01]$/m);
    const listed = json(await agni(["appointments", "list", "--json", "--agent", agentId, "--status", "all"], env)).data.appointments as { calcom_booking_uid: string; source: string }[];
    expect(listed.find((a) => a.calcom_booking_uid === uid)).toMatchObject({ source: "calcom" });

    const unknown = await agni(["calcom", "sync", randomUUID()], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^error: NOT_FOUND: Cal\.com account not found/);
  }, PROCESS_HEAVY);

  it("an API error exits 1 with one stderr line carrying the code and request id", async () => {
    const { env } = await freshOrg();
    const missing = await agni(["agents", "get", randomUUID()], env);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe("");
    expect(missing.stderr).toMatch(/^error: NOT_FOUND: Agent not found \(request [\w-]+\)\n$/);

    const badToken = await agni(["agents", "list"], { AGNI_TOKEN: "not-a-jwt" });
    expect(badToken.code).toBe(1);
    expect(badToken.stderr).toMatch(/^error: UNAUTHORIZED: .+ \(request [\w-]+\)\n$/);
  });

  it("usage errors exit 2 with one stderr line", async () => {
    const { env } = await freshOrg();
    expect(await agni(["agents", "create"], env)).toEqual({ code: 2, stdout: "", stderr: "error: required option '--name <name>' not specified\n" });
    const unknown = await agni(["agnets"], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^error: unknown command 'agnets'/);
  });

  it("npm start's banner tells the user to set AGNI_API_URL when the API is not on the default port", () => {
    expect(api.output()).toContain(`export AGNI_API_URL=${api.url}`);
  });

  it("--json applies to errors: the API's envelope, details included, on stdout, with the same exit code", async () => {
    const { env } = await freshOrg();
    const { agentId } = await calendarAgent(env, "suggest,book");
    const slot = json(await agni(["appointments", "suggest", "--json", "--agent", agentId, "--timezone", "UTC"], env)).data.slot_times[0] as string;
    const book = (email: string, ...extra: string[]) => agni(["appointments", "book", slot, "--agent", agentId, "--timezone", "UTC", "--name", "Ada", "--email", email, ...extra], env);
    expect((await book("ada@example.com")).code).toBe(0);

    const taken = await book("bob@example.com", "--json");
    expect(taken).toMatchObject({ code: 1, stderr: "" });
    const envelope = JSON.parse(taken.stdout);
    expect(envelope).toEqual({
      success: false,
      code: "SLOT_UNAVAILABLE",
      message: expect.stringMatching(/ is no longer available\./),
      details: { available_slots: expect.any(Array), slot_times: expect.any(Array) },
      request_id: expect.any(String),
    });
    expect(envelope.details.available_slots.length).toBeGreaterThan(0);
    // Without --json: one line on stderr, as before.
    const plain = await book("bob@example.com");
    expect(plain).toMatchObject({ code: 1, stdout: "" });
    expect(plain.stderr).toMatch(/^error: SLOT_UNAVAILABLE: /);
    // --json anywhere on the line, and for every API error.
    const missing = await agni(["--json", "agents", "get", randomUUID()], env);
    expect(missing).toMatchObject({ code: 1, stderr: "" });
    expect(JSON.parse(missing.stdout)).toMatchObject({ success: false, code: "NOT_FOUND", message: "Agent not found", request_id: expect.any(String) });
  }, PROCESS_HEAVY);

  it("help marks required flags and shows durations as typed", async () => {
    const create = await agni(["agents", "create", "--help"]);
    expect(create.stdout).toMatch(/^ +--name <name> +agent name \(required\)$/m);
    expect(create.stdout).not.toMatch(/--timezone.*\(required\)/);
    expect((await agni(["appointments", "book", "--help"])).stdout).toMatch(/--agent <id> +the agent making the call \(required\)/);
    const token = await agni(["auth", "token", "--help"]);
    expect(token.stdout).toMatch(/--expires <duration> +lifetime: 90s, 30m, 12h, 7d \(default: 12h\)/);
    expect(token.stdout).not.toContain("43200");
  });

  it("errors about what the CLI sent name its flags, not the API's fields, and say each thing once", async () => {
    const { env } = await freshOrg();
    const zone = await agni(["agents", "create", "--name", "Desk", "--timezone", "Mars/Base"], env);
    expect(zone.stderr).toMatch(/^error: INVALID_REQUEST: --timezone: must be an IANA time zone such as Europe\/Berlin \(request [\w-]+\)\n$/);
    const agentId = json(await agni(["agents", "create", "--name", "Desk", "--json"], env)).data.id as string;
    expect((await agni(["agent-calcom", "assign", agentId, "--account", "nope"], env)).stderr).toMatch(/^error: INVALID_REQUEST: --account must be a UUID or none \(request /);
    expect((await agni(["tools", "create", "--name", "Bad Name", "--type", "calcom"], env)).stderr).toMatch(/^error: INVALID_REQUEST: --name may contain only /);

    // Cal.com unreachable: one sentence naming the origin and the flag (the API once appended libs/calcom's own
    // "Could not connect to Cal.com at …" to its "Could not reach Cal.com at …").
    const unreachable = await agni(["calcom", "connect", "--calcom-api-key", "cal_test_unreachable", "--api-base-url", "http://127.0.0.1:1"], env);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/^error: BAD_GATEWAY: Could not reach Cal\.com at http:\/\/127\.0\.0\.1:1; check --api-base-url and try again \(request [\w-]+\)\n$/);
    expect(unreachable.stderr.match(/Cal\.com/g)).toHaveLength(1);
  });

  it("agents list counts each agent's tools; agent-calcom status fills every column it shows", async () => {
    const { env } = await freshOrg();
    const { agentId } = await calendarAgent(env, "suggest");
    expect((await agni(["agents", "list"], env)).stdout).toMatch(new RegExp(`^${agentId} +Desk +ACTIVE +\\S+ +agent +1$`, "m"));
    const status = await agni(["agent-calcom", "status", agentId], env);
    expect(status).toMatchObject({ code: 0, stderr: "" });
    const [header, row, ...rest] = status.stdout.split("\n\n")[1]!.trim().split("\n");
    expect(header).toMatch(/^ID +NAME +STATUS +ERROR$/);
    expect(row).toMatch(/^[\w-]{36} +Default +active +-$/);
    expect(rest).toEqual([]);
  }, PROCESS_HEAVY);

  it("speaks today and tomorrow in lower case inside a sentence", async () => {
    const { env } = await freshOrg();
    const { agentId } = await calendarAgent(env, "suggest,availability");
    for (const action of ["availability", "suggest"]) {
      const [sentence] = (await agni(["appointments", action, "--agent", agentId, "--timezone", "UTC"], env)).stdout.split("\n");
      expect(sentence).toMatch(/^I (have openings (today|tomorrow|on [A-Z])|can offer )/);
      expect(sentence).not.toMatch(/ (on )?(Today|Tomorrow)\b/);
    }
  }, PROCESS_HEAVY);

  it("api-keys create, use and revoke", async () => {
    const { env } = await freshOrg();
    const created = json(await agni(["api-keys", "create", "--name", "runtime", "--json"], env)).data;
    expect(created.key).toMatch(/^agni_/);
    const keyEnv = { AGNI_API_KEY: created.key as string };
    expect(await agni(["agents", "list"], keyEnv)).toMatchObject({ code: 0, stdout: "No agents.\n" });
    expect((await agni(["api-keys", "list"], keyEnv)).stderr).toMatch(/^error: FORBIDDEN: /);

    const listed = await agni(["api-keys", "list"], env);
    expect(listed.stdout).toContain(created.id);
    expect(listed.stdout).not.toContain(created.key);
    expect((await agni(["api-keys", "revoke", created.id], env)).code).toBe(0);
    const revoked = await agni(["agents", "list"], keyEnv);
    expect(revoked.code).toBe(1);
    expect(revoked.stderr).toMatch(/^error: UNAUTHORIZED: /);
  });

  it("appointments and event types against the Cal.com sandbox", async () => {
    const { env } = await freshOrg();
    const { agentId, toolId } = await calendarAgent(env, "suggest,book,cancel");
    const exported = await agni(["tools", "export", toolId, "--format", "openai"], env);
    expect(exported).toMatchObject({ code: 0, stderr: "" });
    expect((JSON.parse(exported.stdout) as { function: { name: string } }[]).map((t) => t.function.name)).toEqual(["suggest_appointment_times", "book_appointment", "cancel_appointment"]);

    const types = await agni(["event-types", "list", "--agent", agentId], env);
    expect(types.stdout).toMatch(/^1 +30 min intro +intro-call +30 +-$/m);
    expect(types.stdout).toMatch(/consultation .*company-size$/m);

    const suggested = json(await agni(["appointments", "suggest", "--json", "--agent", agentId, "--timezone", "America/New_York"], env)).data;
    expect(suggested.slot_times.length).toBeGreaterThan(0);
    const spoken = await agni(["appointments", "suggest", "--agent", agentId, "--timezone", "America/New_York"], env);
    expect(spoken.stdout).toMatch(/^I can offer .+\.$/m);
    expect(spoken.stdout).toMatch(/^slots as of: +\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/m); // when they were read from Cal.com

    const booked = await agni(["appointments", "book", suggested.slot_times[0], "--agent", agentId, "--timezone", "America/New_York", "--name", "Ada", "--email", "ada@example.com"], env);
    expect(booked).toMatchObject({ code: 0, stderr: "" });
    expect(booked.stdout).toMatch(/^You're booked for /);
    const id = /^appointment_id: (\S+)$/m.exec(booked.stdout)![1]!;
    expect((await agni(["appointments", "list", "--agent", agentId], env)).stdout).toMatch(new RegExp(`^${id} `, "m"));

    const refused = await agni(["appointments", "reschedule", id, suggested.slot_times[1], "--agent", agentId, "--timezone", "UTC"], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: FORBIDDEN: .*does not allow "reschedule"/);
    expect((await agni(["appointments", "cancel", id, "--agent", agentId, "--timezone", "UTC"], env)).stdout).toMatch(/is cancelled\.$/m);
  }, PROCESS_HEAVY);

  it("a round-robin team event type (the seed's event type 4: Dana, then Sam) books with a host the CLI names", async () => {
    const { env } = await freshOrg();
    const agentId = json(await agni(["agents", "create", "--json", "--name", "Team desk", "--event-type-id", "4"], env)).data.id as string;
    json(await agni(["agent-calcom", "connect", agentId, "--json", "--calcom-api-key", SANDBOX_KEY, "--api-base-url", sandbox.url], env));
    const toolId = json(await agni(["tools", "create", "--json", "--name", "calendar", "--type", "calcom", "--agent", agentId, "--enabled-functions", "suggest,book,reschedule"], env)).data.id as string;
    json(await agni(["tools", "activate", toolId, "--json"], env));
    const lookup = await agni(["event-types", "lookup", "4", "--agent", agentId], env);
    expect(lookup.stdout).toMatch(/scheduling_type: +round_robin/);
    const slots = json(await agni(["appointments", "suggest", "--json", "--agent", agentId, "--timezone", "Europe/London"], env)).data.slot_times as string[];
    const booked = await agni(["appointments", "book", slots[0]!, "--agent", agentId, "--timezone", "Europe/London", "--name", "Ada", "--email", "ada@example.com"], env);
    expect(booked).toMatchObject({ code: 0, stderr: "" });
    expect(booked.stdout).toMatch(/^You're booked with Dana for /);
    const id = /^appointment_id: (\S+)$/m.exec(booked.stdout)?.[1];
    const list = (await agni(["appointments", "list", "--agent", agentId], env)).stdout.split("\n");
    expect(list.find((line) => line.startsWith("ID "))).toMatch(/ CONTACT +HOST +SOURCE$/);
    expect(list.find((line) => line.startsWith(`${id} `))).toMatch(/ ada@example\.com +Dana +agni$/);
    const moved = await agni(["appointments", "reschedule", id!, slots[1]!, "--agent", agentId, "--timezone", "Europe/London"], env);
    expect(moved.stdout).toMatch(/^Your appointment with Dana is moved to /);
  }, PROCESS_HEAVY);

  it("appointments link prints the sentence and the prefilled Cal.com booking page", async () => {
    const { env } = await freshOrg();
    const { agentId } = await calendarAgent(env, "link");
    const linked = await agni(["appointments", "link", "2030-01-07T10:00", "--agent", agentId, "--timezone", "America/New_York", "--name", "Ada", "--email", "ada@example.com"], env);
    expect(linked).toMatchObject({ code: 0, stderr: "" });
    expect(linked.stdout).toMatch(/^Here is a booking link for Monday, January 7 at 10:00 AM with your details filled in; open it to confirm the appointment yourself\.$/m);
    const url = new URL(/^booking link: +(\S+)$/m.exec(linked.stdout)?.[1] ?? "");
    expect(url.pathname).toMatch(/^\/[^/]+\/intro-call$/);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({ name: "Ada", email: "ada@example.com", date: "2030-01-07", month: "2030-01", slot: "2030-01-07T15:00:00.000Z" });
  }, PROCESS_HEAVY);

  it("appointments instant: the seed's personal event type is not set up for instant meetings, so the API's sentence and exit 1", async () => {
    const { env } = await freshOrg();
    const { agentId } = await calendarAgent(env, "instant");
    const refused = await agni(["appointments", "instant", "--agent", agentId, "--timezone", "UTC", "--name", "Ada", "--email", "ada@example.com"], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: INVALID_REQUEST: This kind of appointment can't be started right away; I can book you the next available time instead\. Event type 1 is not set up for instant meetings in Cal\.com .*\(request \S+\)$/m);
  }, PROCESS_HEAVY);

  it("appointments instant on the seed's instant team event type (6, Urgent help): the sentence and the meeting link", async () => {
    const { env } = await freshOrg();
    const agentId = json(await agni(["agents", "create", "--json", "--name", "Urgent line", "--event-type-id", "6"], env)).data.id as string;
    json(await agni(["agent-calcom", "connect", agentId, "--json", "--calcom-api-key", SANDBOX_KEY, "--api-base-url", sandbox.url], env));
    const toolId = json(await agni(["tools", "create", "--json", "--name", "calendar", "--type", "calcom", "--agent", agentId, "--enabled-functions", "instant"], env)).data.id as string;
    json(await agni(["tools", "activate", toolId, "--json"], env));
    const started = await agni(["appointments", "instant", "--agent", agentId, "--timezone", "Europe/London", "--name", "Ada", "--email", "ada@example.com", "--notes", "Pipe burst"], env);
    expect(started).toMatchObject({ code: 0, stderr: "" });
    expect(started.stdout).toMatch(/^I've started a video meeting for you now, and a team member is being rung to join you\. Here is the meeting link; open it to join, and someone should be with you shortly\.$/m);
    expect(started.stdout).toMatch(/^action needed: +join_meeting$/m);
    const link = new URL(/^meeting link: +(\S+)$/m.exec(started.stdout)?.[1] ?? "");
    expect(link.pathname).toMatch(/^\/video\/[\w-]+$/);
    expect((await fetch(link)).status).toBe(200);
  }, PROCESS_HEAVY);

  it("credits settings, charges and complete: a metered call charged once however often it is completed", async () => {
    const { env } = await freshOrg();
    const { agentId } = await calendarAgent(env, "suggest,book");
    expect((await agni(["credits", "settings"], env)).stdout).toMatch(/^enabled: +false$/m);
    const on = await agni(["credits", "settings", "--enable", "--mode", "hard", "--costs", "book=2,suggest=0"], env);
    expect(on).toMatchObject({ code: 0, stderr: "" });
    expect(on.stdout).toMatch(/^Credit metering is on \(hard mode\)/);
    expect((await agni(["credits", "settings", "--costs", "book=x"], env)).code).toBe(2);

    const slot = json(await agni(["appointments", "suggest", "--json", "--agent", agentId, "--timezone", "UTC"], env)).data.slot_times[0];
    const call = `cli-call-${randomUUID()}`;
    const booked = await agni(["appointments", "book", slot, "--agent", agentId, "--timezone", "UTC", "--name", "Ada", "--email", "ada@example.com", "--call-session", call], env);
    expect(booked).toMatchObject({ code: 0, stderr: "" });
    const first = await agni(["credits", "complete", agentId, call], env);
    expect(first).toMatchObject({ code: 0, stderr: "" });
    expect(first.stdout).toMatch(/^Call completed; 2 credits charged$/m);
    const again = json(await agni(["credits", "complete", agentId, call, "--json"], env)).data;
    expect(again).toMatchObject({ credits: 2, status: "charged", call_session_id: call });
    const charges = await agni(["credits", "charges", "--status", "charged"], env);
    expect(charges.stdout.split("\n").filter((line) => line.includes(call))).toHaveLength(1);
    expect(charges.stdout).toMatch(new RegExp(`^\\S+ +${agentId} +${call} +2 +charged `, "m"));
  }, PROCESS_HEAVY);

  it("appointments confirm and decline: a host-side agent decides on pending requests (the seed's event type 3 requires confirmation)", async () => {
    const { env } = await freshOrg();
    const agentId = json(await agni(["agents", "create", "--json", "--name", "Host desk", "--event-type-id", "3"], env)).data.id as string;
    json(await agni(["agent-calcom", "connect", agentId, "--json", "--calcom-api-key", SANDBOX_KEY, "--api-base-url", sandbox.url], env));
    const toolId = json(await agni(["tools", "create", "--json", "--name", "calendar", "--type", "calcom", "--agent", agentId, "--enabled-functions", "suggest,book,confirm,decline"], env)).data.id as string;
    json(await agni(["tools", "activate", toolId, "--json"], env));
    const slots: string[] = json(await agni(["appointments", "suggest", "--json", "--agent", agentId, "--timezone", "UTC"], env)).data.slot_times;
    const request = async (slot: string, email: string) => {
      const booked = await agni(["appointments", "book", slot, "--agent", agentId, "--timezone", "UTC", "--name", "Ada", "--email", email], env);
      expect(booked).toMatchObject({ code: 0, stderr: "" });
      expect(booked.stdout).toMatch(/^I've sent your request for .+ to the host; you'll get an email once they confirm it\.$/m);
      expect(booked.stdout).toMatch(/^action needed: +awaiting_host_confirmation$/m);
      return /^appointment_id: (\S+)$/m.exec(booked.stdout)?.[1] ?? "";
    };
    const first = await request(slots[0]!, "ada@example.com");
    const confirmed = await agni(["appointments", "confirm", first, "--agent", agentId, "--timezone", "UTC"], env);
    expect(confirmed).toMatchObject({ code: 0, stderr: "" });
    expect(confirmed.stdout).toMatch(/^Confirmed: Your appointment for .+ is confirmed\.$/m);
    const again = await agni(["appointments", "decline", first, "--agent", agentId, "--timezone", "UTC"], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^error: CONFLICT: That booking isn't waiting for the host's confirmation: Your appointment for .+ is confirmed\. \(request \S+\)$/m);

    const second = await request(slots[1]!, "bob@example.com");
    const declined = await agni(["appointments", "decline", second, "--agent", agentId, "--timezone", "UTC", "--notes", "Away that day"], env);
    expect(declined).toMatchObject({ code: 0, stderr: "" });
    expect(declined.stdout).toMatch(/^Declined: Your request for .+ was declined by the host\. They said: Away that day$/m);
    expect(json(await agni(["appointments", "get", second, "--json"], env)).data.appointment).toMatchObject({ status: "declined" });
  }, PROCESS_HEAVY);

  it("appointments find reads a national phone number and prints the caller's appointments with their ids", async () => {
    const { env } = await freshOrg();
    const { agentId } = await calendarAgent(env, "suggest,book,find");
    const slot = json(await agni(["appointments", "suggest", "--json", "--agent", agentId, "--timezone", "America/New_York"], env)).data.slot_times[0] as string;
    const booked = await agni(["appointments", "book", slot, "--agent", agentId, "--timezone", "America/New_York", "--name", "Ada", "--email", "ada@example.com", "--phone", "+14155550177"], env);
    expect(booked).toMatchObject({ code: 0, stderr: "" });
    const id = /^appointment_id: (\S+)$/m.exec(booked.stdout)?.[1];
    const found = await agni(["appointments", "find", "--phone", "(415) 555-0177", "--agent", agentId, "--timezone", "America/New_York"], env);
    expect(found).toMatchObject({ code: 0, stderr: "" });
    expect(found.stdout).toMatch(/^I found your appointment for .+\.$/m);
    expect(found.stdout).toMatch(new RegExp(`^  ${id}  \\S+  accepted$`, "m"));
    expect(found.stdout).toMatch(new RegExp(`^appointment_id: ${id}$`, "m"));
    const nameOnly = await agni(["appointments", "find", "--name", "Ada", "--agent", agentId, "--timezone", "America/New_York"], env);
    expect(nameOnly.stdout).toMatch(/^To find your appointment I need the day it's on, or the phone number or email address you booked with\.$/m);
    expect(nameOnly.stdout).toMatch(/^action needed: +more_detail_needed$/m);
  }, PROCESS_HEAVY);

  it("appointments waitlist joins a caller when the window is full (offers open times when it is not); waitlist list, get and cancel", async () => {
    const { env } = await freshOrg();
    const { agentId } = await calendarAgent(env, "availability,book,waitlist");
    const tz = ["--agent", agentId, "--timezone", "America/New_York"];
    const slots = json(await agni(["appointments", "availability", "--json", "--days", "14", ...tz], env)).data.slot_times as string[];
    const [s1, s2] = slots.slice(2, 4) as [string, string];
    const open = await agni(["appointments", "waitlist", s1, s2, "--name", "Ada", "--phone", "(415) 555-0188", ...tz], env);
    expect(open).toMatchObject({ code: 0, stderr: "" });
    expect(open.stdout).toMatch(/^There's no need to wait: I can offer .+\. Would one of those work\?$/m);
    expect(open.stdout).toMatch(/^action needed: +offer_open_slots$/m);
    for (const [i, slot] of [s1, s2].entries()) {
      expect(await agni(["appointments", "book", slot, ...tz, "--name", `Booked ${i}`, "--email", `booked${i}@example.com`], env)).toMatchObject({ code: 0, stderr: "" });
    }
    const joined = await agni(["appointments", "waitlist", s1, s2, "--name", "Ada", "--phone", "(415) 555-0188", ...tz], env);
    expect(joined).toMatchObject({ code: 0, stderr: "" });
    expect(joined.stdout).toMatch(/^I've put you on the waitlist for .+\. If a time opens up, we'll get back to you at the number you gave\.$/m);
    const id = /^waitlist entry: (\S+)$/m.exec(joined.stdout)?.[1] ?? "";
    expect(id).toMatch(/^[0-9a-f-]{36}$/);

    const listed = await agni(["waitlist", "list", "--agent", agentId, "--status", "waiting"], env);
    expect(listed).toMatchObject({ code: 0, stderr: "" });
    expect(listed.stdout).toMatch(new RegExp(`^${id} +${agentId} +Ada +\\+14155550188 +\\S+ – \\S+ +waiting`, "m"));
    expect(json(await agni(["waitlist", "get", id, "--json"], env)).data).toMatchObject({ id, status: "waiting", window_start: s1, window_end: s2 });
    const cancelled = await agni(["waitlist", "cancel", id], env);
    expect(cancelled).toMatchObject({ code: 0, stderr: "" });
    expect(cancelled.stdout).toMatch(/^Waitlist entry cancelled$/m);
    expect(json(await agni(["waitlist", "list", "--json", "--status", "cancelled"], env)).data.map((e: { id: string }) => e.id)).toEqual([id]);
    const bad = await agni(["waitlist", "list", "--status", "nope"], env);
    expect(bad.code).toBe(2);
  }, PROCESS_HEAVY);

  it("webhooks create, list, get, deliveries, redeliver and delete, with events a receiver can verify", async () => {
    const received: { body: string; signature: string; id: string; type: string }[] = [];
    const receiver = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        const event = JSON.parse(body) as { id: string; type: string };
        received.push({ body, signature: String(req.headers["agni-signature"]), id: event.id, type: event.type });
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    const arrived = async (count: number) => {
      for (let i = 0; i < 300 && received.length < count; i++) await new Promise((r) => setTimeout(r, 100));
      expect(received.length).toBeGreaterThanOrEqual(count);
    };
    try {
      const { env } = await freshOrg();
      const created = await agni(["webhooks", "create", "--url", url, "--events", "appointment.booked,appointment.cancelled", "--description", "CRM"], env);
      expect(created).toMatchObject({ code: 0, stderr: "" });
      expect(created.stdout).toMatch(/^Webhook created; store the secret now/);
      const secret = /^secret: +(whsec_\S+)$/m.exec(created.stdout)![1]!;
      const id = /^id: +(\S+)$/m.exec(created.stdout)![1]!;
      expect((await agni(["webhooks", "list"], env)).stdout).toMatch(new RegExp(`^${id} +${url} +appointment.booked,appointment.cancelled +CRM `, "m"));
      expect(json(await agni(["webhooks", "get", id, "--json"], env)).data).toMatchObject({ id, url, description: "CRM" });

      const { agentId } = await calendarAgent(env, "suggest,book");
      const slot = json(await agni(["appointments", "suggest", "--json", "--agent", agentId, "--timezone", "UTC"], env)).data.slot_times[0];
      expect((await agni(["appointments", "book", slot, "--agent", agentId, "--timezone", "UTC", "--name", "Ada", "--email", "ada@example.com"], env)).code).toBe(0);
      await arrived(1);
      expect(received[0]).toMatchObject({ type: "appointment.booked" });
      expect(await verifyAgniSignature(received[0]!.body, received[0]!.signature, secret)).toBe(true);

      let deliveries: { id: string; status: string; event_id: string }[] = [];
      for (let i = 0; i < 100; i++) {
        deliveries = json(await agni(["webhooks", "deliveries", id, "--json"], env)).data;
        if (deliveries[0]?.status === "succeeded") break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(deliveries).toEqual([expect.objectContaining({ status: "succeeded", event_id: received[0]!.id })]);
      expect((await agni(["webhooks", "deliveries", id, "--status", "succeeded"], env)).stdout).toMatch(/^\S+ +appointment\.booked +\S+ +succeeded +200 /m);
      expect((await agni(["webhooks", "deliveries", id, "--status", "sent"], env)).code).toBe(2);

      const again = await agni(["webhooks", "redeliver", id, deliveries[0]!.id], env);
      expect(again).toMatchObject({ code: 0, stderr: "" });
      expect(again.stdout).toMatch(/^Delivery queued/);
      await arrived(2);
      expect(received[1]!.id).toBe(received[0]!.id);

      expect((await agni(["webhooks", "delete", id], env)).stdout).toMatch(/^Webhook deleted/);
      const gone = await agni(["webhooks", "get", id], env);
      expect(gone.code).toBe(1);
      expect(gone.stderr).toMatch(/^error: NOT_FOUND: /);
      const bad = await agni(["webhooks", "create", "--url", url, "--events", "appointment.moved"], env);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/^error: INVALID_REQUEST: .*appointment\.booked/);
    } finally {
      receiver.closeAllConnections();
      await new Promise((resolve) => receiver.close(resolve));
    }
  }, PROCESS_HEAVY);

  it("mcp --agent serves the agent's calendar over stdio to the official MCP client", async () => {
    const { env } = await freshOrg();
    const { agentId } = await calendarAgent(env, "suggest,book");

    const client = new Client({ name: "agni-cli-test", version: "1.0.0" });
    await client.connect(
      new StdioClientTransport({ command: process.execPath, args: [CLI_MAIN, "mcp", "--agent", agentId], env: { PATH: process.env.PATH ?? "", AGNI_API_URL: api.url, ...env }, stderr: "pipe" }),
    );
    try {
      expect((await client.listTools()).tools.map((t) => t.name)).toEqual(["suggest_appointment_times", "book_appointment"]);
      const suggested = await client.callTool({ name: "suggest_appointment_times", arguments: { timezone: "Asia/Kolkata" } });
      const slot = (suggested.structuredContent as { slot_times: string[] }).slot_times.at(-1)!;
      const booked = await client.callTool({ name: "book_appointment", arguments: { name: "Mira", email: "mira@example.com", timezone: "Asia/Kolkata", appointment_datetime: slot } });
      expect(booked.isError).toBeFalsy();
      const id = (booked.structuredContent as { appointment_id: string }).appointment_id;
      expect(json(await agni(["appointments", "get", id, "--json"], env)).data.appointment).toMatchObject({ attendee_name: "Mira", status: "accepted" });
    } finally {
      await client.close();
    }
  }, PROCESS_HEAVY);

  it("mcp exits 0 when standard input closes, after answering what it was sent", async () => {
    const { env } = await freshOrg();
    const { agentId } = await calendarAgent(env, "suggest");
    expect(await mcpSession(agentId, env, [])).toEqual({ code: 0, stdout: "", stderr: "" });
    const answered = await mcpSession(agentId, env, [{ jsonrpc: "2.0", id: 1, method: "tools/list" }]);
    expect(answered).toMatchObject({ code: 0, stderr: "" });
    expect(JSON.parse(answered.stdout)).toMatchObject({ id: 1, result: { tools: [{ name: "suggest_appointment_times" }] } });
  });

  it("mcp with an unknown agent answers NOT_FOUND, as POST /mcp does: the API's sentence, its code and request id in data", async () => {
    const { env } = await freshOrg();
    const unknown = randomUUID();
    const transportEnv = { PATH: process.env.PATH ?? "", AGNI_API_URL: api.url, ...env };
    const client = new Client({ name: "agni-cli-test", version: "1.0.0" });
    await expect(client.connect(new StdioClientTransport({ command: process.execPath, args: [CLI_MAIN, "mcp", "--agent", unknown], env: transportEnv, stderr: "pipe" }))).rejects.toThrow(
      /^MCP error -32600: Agent not found$/,
    );
    await client.close();

    const listed = await mcpSession(unknown, env, [{ jsonrpc: "2.0", id: 7, method: "tools/list" }]);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual({
      jsonrpc: "2.0",
      id: 7,
      error: { code: -32600, message: "Agent not found", data: { code: "NOT_FOUND", status: 404, request_id: expect.stringMatching(/^[\w-]+$/) } },
    });
    const http = await fetch(`${api.url}/mcp?agent_id=${unknown}`, { method: "POST", headers: { authorization: `Bearer ${env.AGNI_TOKEN}`, "content-type": "application/json" }, body: "{}" });
    expect(http.status).toBe(404);
    expect(await http.json()).toMatchObject({ code: "NOT_FOUND", message: "Agent not found" });
  });

  // Last, over everything the file did: the Cal.com key given to `connect` and every API key minted by `api-keys
  // create` appear in no CLI output (except the new key in its own creation) and in no line the API logged.
  it("prints no secret in any CLI output or API log line", () => {
    const mintedBy = new Map([
      ...runs.filter((r) => r.args[0] === "api-keys" && r.args[1] === "create" && r.code === 0).map((r) => [r, JSON.parse(r.stdout).data.key as string] as const),
      // A webhook's signing secret, in its creation only.
      ...runs.filter((r) => r.args[0] === "webhooks" && r.args[1] === "create" && r.code === 0).map((r) => [r, /^secret: +(\S+)$/m.exec(r.stdout)![1]!] as const),
    ]);
    const minted = [...mintedBy.values()];
    expect(minted.length).toBeGreaterThan(0);
    expect(runs.some((r) => r.args.includes(SANDBOX_KEY) && r.code === 0)).toBe(true);
    for (const secret of [SANDBOX_KEY, ...minted]) {
      expect(api.output(), "API log").not.toContain(secret);
      for (const r of runs) {
        if (mintedBy.get(r) !== secret) expect(r.stdout + r.stderr, `agni ${r.args.filter((a) => a !== SANDBOX_KEY).join(" ")}`).not.toContain(secret);
      }
    }
  });
});
