// The MCP server through the ecosystem's own clients, on both transports: the official SDK client over Streamable HTTP
// (this API) and over stdio (the built `agni mcp` binary as its own process, relaying to this API), and the MCP
// Inspector's CLI mode against each. The same calls must give the same answers on both.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { McpError, type CallToolRequest } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "./support/test-api";
import { createActiveTool } from "./support/tools";

const CLI_MAIN = path.resolve(import.meta.dirname, "../../cli/dist/main.js");
// The Inspector's CLI mode (@modelcontextprotocol/inspector-cli: what `mcp-inspector --cli` runs). It reads its own
// package.json as ../package.json of the working directory, so it runs from its own build directory (elsewhere it
// fails with ERR_MODULE_NOT_FOUND: modelcontextprotocol/inspector#1334, closed as "v1 deprecated", unfixed in 1.0.3).
const INSPECTOR = createRequire(import.meta.url).resolve("@modelcontextprotocol/inspector-cli");
// Process starts on a loaded 2-core machine: the Inspector spawns node twice, and `agni mcp` once more.
const PROCESS_HEAVY = 120_000;

let api: TestApi;
beforeAll(async () => {
  if (!existsSync(CLI_MAIN)) throw new Error(`${CLI_MAIN} is missing: build the CLI first (npx nx run @agni/cli:build; the api test target does it)`);
  api = await startTestApi();
});
afterAll(() => api?.close());

async function calendarAgent() {
  const { auth, token } = await api.org();
  const host = api.calcomUser("Europe/Berlin");
  const eventType = api.sandbox.addEventType(host.id, {
    title: "Consultation",
    lengthInMinutes: 30,
    bookingFields: [{ type: "select", slug: "company-size", label: "Company size", required: true, options: ["1-10", "11-50"] }],
  }) as { id: number };
  const agent = (await api.request("POST", "/api/v1/agents/", { auth, body: { agentName: "Desk", calcomEventTypeId: eventType.id } })).body.data as { id: string };
  await api.request("POST", `/api/v1/calcom/agents/${agent.id}/connect`, { auth, body: { api_key: host.apiKey, api_base_url: api.sandboxUrl } });
  await createActiveTool(api, auth, { name: "calendar", type: "calcom", agentId: agent.id, enabledFunctions: { values: ["availability", "book", "cancel"] } });
  return { auth, token, agentId: agent.id, host };
}

/** What `agni mcp --agent <id>` needs: the API's URL and a token, nothing from the surrounding shell. */
const stdioEnv = (token: string) => ({ PATH: process.env.PATH ?? "", AGNI_API_URL: api.url, AGNI_TOKEN: token });

type Transport = "http" | "stdio";

/** The official SDK client on one transport; every error it reports through `onerror` is kept. */
async function connect(transport: Transport, token: string, agentId: string) {
  const client = new Client({ name: "agni-parity", version: "1.0.0" });
  const errors: unknown[] = [];
  client.onerror = (err) => errors.push(err);
  await client.connect(
    transport === "http"
      ? new StreamableHTTPClientTransport(new URL(`${api.url}/mcp?agent_id=${agentId}`), { requestInit: { headers: { authorization: `Bearer ${token}` } } })
      : new StdioClientTransport({ command: process.execPath, args: [CLI_MAIN, "mcp", "--agent", agentId], env: stdioEnv(token), stderr: "pipe" }),
  );
  return { client, errors };
}

/** A call's outcome as the client sees it: the result, or the JSON-RPC error (without the per-request id). */
async function outcome(client: Client, call: CallToolRequest["params"]) {
  try {
    return { result: await client.callTool(call) };
  } catch (err) {
    if (!(err instanceof McpError)) throw err;
    const { request_id: _id, ...data } = (err.data ?? {}) as Record<string, unknown>;
    return { error: { code: err.code, message: err.message, data } };
  }
}

describe("MCP on both transports (official SDK client)", () => {
  it("gives the same tools and the same answers over stdio and Streamable HTTP, with no transport error", async () => {
    const { token, agentId, host } = await calendarAgent();
    const http = await connect("http", token, agentId);
    const stdio = await connect("stdio", token, agentId);
    try {
      const tools = await http.client.listTools();
      expect(await stdio.client.listTools()).toEqual(tools);
      expect(tools.tools.map((t) => t.name)).toEqual(["check_availability", "book_appointment", "cancel_appointment"]);

      const offered = await http.client.callTool({ name: "check_availability", arguments: { timezone: "America/New_York", days_ahead: 3 } });
      const slot = (offered.structuredContent as { slot_times: string[] }).slot_times[0];
      const booking = { name: "Ada", email: "ada@example.com", timezone: "America/New_York", appointment_datetime: slot, "company-size": "11-50" };
      const calls: CallToolRequest["params"][] = [
        { name: "check_availability", arguments: { timezone: "America/New_York", days_ahead: 3 } },
        // Booked over HTTP first, then over stdio: the same call is answered from the same booking.
        { name: "book_appointment", arguments: booking },
        { name: "book_appointment", arguments: { ...booking, "company-size": undefined, email: "bo@example.com" } },
        { name: "book_appointment", arguments: { ...booking, email: "not-an-email" } },
        { name: "cancel_appointment", arguments: { appointment_id: randomUUID(), timezone: "UTC" } },
        // A function the agent's tool does not enable is as unknown as one that does not exist.
        { name: "reschedule_appointment", arguments: { appointment_id: randomUUID(), timezone: "UTC", appointment_datetime: slot } },
        { name: "send_invoice", arguments: {} },
        { name: "check_availability", arguments: { timezone: "UTC", room: "blue" } },
        { name: "check_availability", arguments: { timezone: "UTC", days_ahead: "3" } },
      ];
      for (const call of calls) {
        const overHttp = await outcome(http.client, call);
        const overStdio = await outcome(stdio.client, call);
        expect(overStdio, `${call.name} ${JSON.stringify(call.arguments)}`).toEqual(overHttp);
      }
      const outcomes = await Promise.all(calls.map((call) => outcome(http.client, call)));
      // What they were, so equal answers are also right ones.
      expect(outcomes.map((o) => (o.result ? (o.result.isError ? `isError ${(o.result.structuredContent as { code: string }).code}` : "ok") : `error ${o.error.code}`))).toEqual([
        "ok",
        "ok",
        "isError INVALID_REQUEST",
        "isError INVALID_REQUEST",
        "isError NOT_FOUND",
        "error -32602",
        "error -32602",
        "error -32602",
        "error -32602",
      ]);
      // A sentence to say: no error code and no request id in it.
      for (const o of outcomes) if (o.result?.isError) expect((o.result.content as { text: string }[])[0]?.text).not.toMatch(/[A-Z]{3,}_?[A-Z]*:|request [0-9a-f-]{8,}/);
      expect((api.sandbox.bookings() as { userId: number }[]).filter((b) => b.userId === host.id)).toHaveLength(1);
      expect(http.errors).toEqual([]);
      expect(stdio.errors).toEqual([]);
    } finally {
      await http.client.close();
      await stdio.client.close();
    }
  }, PROCESS_HEAVY);

  it("over stdio, an API refusal is a JSON-RPC error with the API's sentence, and its code and request id in data", async () => {
    const { token } = await calendarAgent();
    const client = new Client({ name: "agni-parity", version: "1.0.0" });
    const refused = await client.connect(new StdioClientTransport({ command: process.execPath, args: [CLI_MAIN, "mcp", "--agent", randomUUID()], env: stdioEnv(token), stderr: "pipe" })).then(
      () => undefined,
      (err: unknown) => err,
    );
    await client.close();
    expect(refused).toBeInstanceOf(McpError);
    expect(refused).toMatchObject({ code: -32600, message: "MCP error -32600: Agent not found", data: { code: "NOT_FOUND", status: 404, request_id: expect.any(String) } });
  }, PROCESS_HEAVY);
});

/** Runs the Inspector's CLI mode (`--cli`) and returns its JSON answer; it exits 1 with a message on a failure. */
function inspector(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [INSPECTOR, "--cli", ...args], { cwd: path.dirname(INSPECTOR), env: { ...stdioEnv(""), ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("MCP Inspector CLI mode (@modelcontextprotocol/inspector-cli)", () => {
  it("lists and calls the tools over stdio and over Streamable HTTP, with the same answers as the SDK client", async () => {
    const { token, agentId } = await calendarAgent();
    const { client } = await connect("http", token, agentId);
    const expected = await client.listTools();
    const call = { name: "check_availability", arguments: { timezone: "Asia/Kolkata", days_ahead: 2 } };
    const expectedCall = await client.callTool(call);
    await client.close();

    const stdio = [process.execPath, CLI_MAIN, "mcp", "--agent", agentId];
    const http = [`${api.url}/mcp?agent_id=${agentId}`, "--transport", "http", "--header", `Authorization: Bearer ${token}`];
    const toolCall = ["--method", "tools/call", "--tool-name", call.name, "--tool-arg", `timezone=${call.arguments.timezone}`, `days_ahead=${call.arguments.days_ahead}`];
    for (const [transport, target] of [["stdio", stdio], ["http", http]] as const) {
      const listed = await inspector([...target, "--method", "tools/list"], { AGNI_TOKEN: token });
      expect(listed, transport).toMatchObject({ code: 0 });
      expect(JSON.parse(listed.stdout), transport).toEqual(expected);
      const called = await inspector([...target, ...toolCall], { AGNI_TOKEN: token });
      expect(called, transport).toMatchObject({ code: 0 });
      expect(JSON.parse(called.stdout), transport).toEqual(expectedCall);

      const unknown = await inspector([...target, "--method", "tools/call", "--tool-name", "send_invoice"], { AGNI_TOKEN: token });
      expect(unknown.code, transport).toBe(1);
      expect(unknown.stderr, transport).toMatch(/Failed to call tool send_invoice: MCP error -32602: Unknown tool: send_invoice/);
    }
  }, PROCESS_HEAVY);
});
