import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./cli";

const AGENT_ID = "0192f3a4-5b6c-7d8e-9f00-112233445566";
const MISSING_ID = "0192f3a4-5b6c-7d8e-9f00-000000000000";
const TOOL_ID = "0192f3a4-5b6c-7d8e-9f00-aaaaaaaaaaaa";

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/** Runs the CLI in-process with an injected context and captures what it prints. */
async function cli(argv: string[], env: Record<string, string | undefined> = {}, cwd = process.cwd()) {
  let stdout = "";
  let stderr = "";
  const code = await runCli(argv, { env, cwd, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

describe("usage errors exit with 2 and one stderr line", () => {
  it.each([
    [["frobnicate"], "error: unknown command 'frobnicate'"],
    [["agents", "list", "--bogus"], "error: unknown option '--bogus'"],
    [["agents", "create"], "error: required option '--name <name>' not specified"],
    [["agents", "get"], "error: missing required argument 'id'"],
    [["agents", "get", "a", "b"], "error: too many arguments for 'get'. Expected 1 argument but got 2."],
    [["agents", "list", "--limit", "ten"], "error: option '--limit <n>' argument 'ten' is invalid. Not an integer."],
    [["tools", "create", "--name", "x", "--type", "fax"], "error: option '--type <type>' argument 'fax' is invalid. Allowed choices are"],
    [["auth", "token"], "error: auth token needs --org <organisation id>"],
    [["auth", "token", "--org", "a b"], "error: --org may contain only letters"],
    [["auth", "token", "--org", "acme", "--expires", "soon"], "error: option '--expires <duration>' argument 'soon' is invalid."],
  ])("agni %j", async (argv, expected) => {
    const { code, stdout, stderr } = await cli(argv, { AGNI_TOKEN: "t" });
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr.split("\n")[0]).toContain(expected);
  });

  it("prints help to stderr for a group without a command", async () => {
    const { code, stderr } = await cli(["agents"]);
    expect(code).toBe(2);
    expect(stderr).toContain("Usage: agni agents [options] [command]");
  });

  it("exits 0 for --help and --version", async () => {
    const help = await cli(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: agni");
    expect(help.stdout).toContain("agent-calcom");
    const version = await cli(["--version"]);
    expect(version).toMatchObject({ code: 0, stdout: "0.1.0\n" });
  });
});

describe("agni auth token", () => {
  const secret = "a-development-secret-that-is-long-enough-0123456789";
  const dataDir = () => mkdtempSync(path.join(tmpdir(), "agni-cli-"));

  it("prints only a JWT with org_id, sub and exp, signed with the API's development secret", async () => {
    const dir = dataDir();
    writeFileSync(path.join(dir, "secrets.json"), JSON.stringify({ jwtSecret: secret, encryptionKey: "unused" }));
    const { code, stdout, stderr } = await cli(["auth", "token", "--org", "acme", "--expires", "30m"], { AGNI_DATA_DIR: dir });
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    expect(stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const { payload, protectedHeader } = await jwtVerify(stdout.trim(), new TextEncoder().encode(secret), { requiredClaims: ["exp"] });
    expect(protectedHeader.alg).toBe("HS256");
    expect(payload).toMatchObject({ org_id: "acme", sub: "agni-cli" });
    expect(payload.exp! - payload.iat!).toBe(1800);
  });

  it("uses AGNI_JWT_SECRET, issuer and audience from the environment, and --json for details", async () => {
    const env = { AGNI_JWT_SECRET: secret, AGNI_JWT_ISSUER: "https://issuer", AGNI_JWT_AUDIENCE: "agni" };
    const { code, stdout } = await cli(["auth", "token", "--org", "acme", "--sub", "me", "--json"], env);
    expect(code).toBe(0);
    const body = JSON.parse(stdout) as { token: string; org_id: string; expires_at: string };
    expect(body.org_id).toBe("acme");
    const { payload } = await jwtVerify(body.token, new TextEncoder().encode(secret), { issuer: "https://issuer", audience: "agni" });
    expect(payload.sub).toBe("me");
    expect(payload.exp! - payload.iat!).toBe(12 * 3600);
    expect(new Date(body.expires_at).getTime()).toBe(payload.exp! * 1000);
  });

  it("fails with exit 1 and a hint when there is no secret", async () => {
    const cwd = dataDir();
    const { code, stdout, stderr } = await cli(["auth", "token", "--org", "acme"], {}, cwd);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toBe(`error: no JWT secret: set AGNI_JWT_SECRET, or start the API once (npm start) so that it writes ${path.join(cwd, ".agni", "secrets.json")}\n`);
  });
});

describe("commands against a real HTTP server", () => {
  let server: Server;
  let url: string;
  const seen: Seen[] = [];
  const last = () => seen.at(-1)!;
  const agent = { id: AGENT_ID, agentName: "Front desk", status: "ACTIVE", calendarTimezone: "Europe/Berlin", calcomConnectionType: "none", selectedTools: [] };

  beforeAll(async () => {
    server = createServer((req, res) => {
      let text = "";
      req.on("data", (chunk) => (text += chunk));
      req.on("end", () => {
        seen.push({ method: req.method!, url: req.url!, headers: req.headers, body: text ? JSON.parse(text) : undefined });
        const reply = (status: number, body: unknown) => {
          res.writeHead(status, { "content-type": "application/json", "x-request-id": "req-1" });
          res.end(JSON.stringify(body));
        };
        const route = `${req.method} ${req.url!.split("?")[0]}`;
        if (route === "GET /api/v1/agents/") {
          return reply(200, { success: true, message: "Agents fetched successfully", data: [agent], meta: { total: "1", limit: 50, offset: 0 } });
        }
        if (route === "GET /api/v1/tools/") {
          // One tool attached to the agent (a tool's agentId), which the agent does not list in selectedTools.
          return reply(200, { success: true, message: "Tools fetched successfully", data: [{ id: TOOL_ID, agentId: AGENT_ID }], meta: { total: "1", limit: 200, offset: 0 } });
        }
        if (route === `GET /api/v1/agents/${MISSING_ID}/`) {
          return reply(404, { success: false, message: "Agent not found", code: "NOT_FOUND", request_id: "req-1" });
        }
        if (route === "POST /api/v1/tools/" || route === `PATCH /api/v1/tools/${TOOL_ID}/`) {
          return reply(route.startsWith("POST") ? 201 : 200, { success: true, message: "Tool saved", data: { id: TOOL_ID } });
        }
        if (route === `PUT /api/v1/calcom/agents/${AGENT_ID}/account`) {
          return reply(200, { success: true, message: "Agent Cal.com account updated", data: { agent_id: AGENT_ID, agent_name: "Front desk", calcom_account_id: null } });
        }
        reply(500, { success: false, message: "Internal server error", code: "INTERNAL_ERROR", request_id: "req-1" });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("lists as a table, authenticating with the token and passing --org as org_id", async () => {
    const { code, stdout, stderr } = await cli(["agents", "list", "--org", "acme", "--limit", "5"], { AGNI_API_URL: url, AGNI_TOKEN: "jwt-1" });
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    expect(stdout).toBe(
      ["ID                                    NAME        STATUS  TIMEZONE       CALCOM  TOOLS", `${AGENT_ID}  Front desk  ACTIVE  Europe/Berlin  none    1`, ""].join("\n"),
    );
    const [agents, tools] = seen.slice(-2);
    expect(agents!.url).toBe("/api/v1/agents/?org_id=acme&limit=5");
    expect(tools!.url).toBe("/api/v1/tools/?org_id=acme&limit=200&offset=0");
    expect(agents!.headers.authorization).toBe("Bearer jwt-1");
    expect(agents!.headers["user-agent"]).toBe("agni-cli/0.1.0");
  });

  it("prints the raw body with --json and sends an API key from --api-key", async () => {
    const { code, stdout } = await cli(["--json", "agents", "list", "--api-url", url, "--api-key", "agni_k"], { AGNI_TOKEN: "ignored" });
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ success: true, data: [agent], meta: { total: "1" } });
    expect(last().headers["x-api-key"]).toBe("agni_k");
    expect(last().headers.authorization).toBeUndefined();
  });

  it("reports an API error on one stderr line with its request id and exits 1", async () => {
    const { code, stdout, stderr } = await cli(["agents", "get", MISSING_ID], { AGNI_API_URL: url, AGNI_TOKEN: "t" });
    expect({ code, stdout, stderr }).toEqual({ code: 1, stdout: "", stderr: "error: NOT_FOUND: Agent not found (request req-1)\n" });
  });

  it("sends a tool definition read from a file and the enabled functions", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "agni-cli-"));
    writeFileSync(path.join(dir, "def.json"), JSON.stringify({ description: "Books visits" }));
    const argv = ["tools", "create", "--name", "book", "--type", "calcom", "--agent", AGENT_ID, "--definition-file", "def.json", "--enabled-functions", "book,cancel"];
    const { code, stdout } = await cli(argv, { AGNI_API_URL: url, AGNI_TOKEN: "t" }, dir);
    expect(code).toBe(0);
    expect(stdout).toBe(`Tool saved\nid: ${TOOL_ID}\n`);
    expect(last().body).toEqual({ name: "book", type: "calcom", agentId: AGENT_ID, definition: { description: "Books visits" }, enabledFunctions: { values: ["book", "cancel"] } });

    const both = await cli([...argv, "--definition", "{}"], { AGNI_API_URL: url, AGNI_TOKEN: "t" }, dir);
    expect(both).toMatchObject({ code: 2, stderr: "error: pass --definition or --definition-file, not both\n" });
  });

  it("clears fields with none and null, and toggles activity with --active/--no-active", async () => {
    const env = { AGNI_API_URL: url, AGNI_TOKEN: "t" };
    expect((await cli(["tools", "update", TOOL_ID, "--agent", "none", "--definition", "null", "--no-active"], env)).code).toBe(0);
    expect(last().body).toEqual({ agentId: null, definition: null, isActive: false });
    expect((await cli(["tools", "update", TOOL_ID, "--active"], env)).code).toBe(0);
    expect(last().body).toEqual({ isActive: true });
    expect((await cli(["agent-calcom", "assign", AGENT_ID, "--account", "none"], env)).code).toBe(0);
    expect(last()).toMatchObject({ method: "PUT", body: { calcom_account_id: null } });
    expect((await cli(["agent-calcom", "unassign", AGENT_ID], env)).code).toBe(0);
    expect(last().body).toEqual({ calcom_account_id: null });
  });

  it("refuses to call the API without credentials", async () => {
    const { code, stderr } = await cli(["agents", "list"], { AGNI_API_URL: url });
    expect(code).toBe(1);
    expect(stderr).toMatch(/^error: not authenticated: set AGNI_TOKEN .*\n$/);
  });

  it("names the URL when the API cannot be reached", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const { code, stderr } = await cli(["calcom", "status"], { AGNI_API_URL: deadUrl, AGNI_TOKEN: "t" });
    expect(code).toBe(1);
    expect(stderr).toMatch(new RegExp(`^error: Cannot reach the Agni API at ${deadUrl}: .*ECONNREFUSED.*\\n$`));
  });
});
