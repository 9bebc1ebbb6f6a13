import { AgniApiError, AgniConnectionError, toAgniApiError } from "@agni/client";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { ErrorCode, isJSONRPCErrorResponse, isJSONRPCRequest, isJSONRPCResultResponse, type JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import type { Command } from "commander";
import { action, type Run } from "../action";
import { describeError, type CliContext } from "../context";

/**
 * The JSON-RPC error for a refusal that is not MCP's own (401, 404 agent, 429, 5xx) or an unreachable API, shaped as
 * `POST /mcp` shapes its errors: the API's sentence as the message, its code, status, details and request id in
 * `data` — never in the message, which an agent may read aloud.
 */
function rpcErrorOf(failure: AgniApiError | AgniConnectionError) {
  if (!(failure instanceof AgniApiError)) return { code: ErrorCode.InternalError, message: failure.message, data: { code: "UNREACHABLE" } };
  const data = { code: failure.code, status: failure.status, request_id: failure.requestId, ...(failure.details === undefined ? {} : { details: failure.details }) };
  return { code: failure.status < 500 ? ErrorCode.InvalidRequest : ErrorCode.InternalError, message: failure.message, data };
}

/**
 * Sends one MCP message to the API's `POST /mcp?agent_id=…` (Streamable HTTP, stateless, JSON answers) and returns
 * what to write back: the API's answer, nothing for an accepted notification, or — when the API refuses or cannot be
 * reached — a JSON-RPC error carrying the API's own error (`rpcErrorOf`).
 */
function mcpRelay(run: Run, agentId: string) {
  const url = new URL(`${run.config.apiUrl.replace(/\/+$/, "")}/mcp`);
  url.searchParams.set("agent_id", agentId);
  if (run.query.org_id !== undefined) url.searchParams.set("org_id", run.query.org_id);
  const headers: Record<string, string> = { ...run.authHeaders, "content-type": "application/json", accept: "application/json, text/event-stream" };
  const fetchImpl = run.ctx.fetch ?? globalThis.fetch;

  return async (message: JSONRPCMessage): Promise<JSONRPCMessage | null> => {
    let failure: AgniApiError | AgniConnectionError;
    try {
      const res = await fetchImpl(url, { method: "POST", headers, body: JSON.stringify(message) });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        /* not JSON: reported as text below */
      }
      if (res.ok && (body === undefined || typeof body === "object")) {
        // Later requests carry the protocol version the API agreed to, as Streamable HTTP clients do.
        const version = isJSONRPCResultResponse(body) ? body.result.protocolVersion : undefined;
        if (typeof version === "string") headers["mcp-protocol-version"] = version;
        return (body as JSONRPCMessage | undefined) ?? null; // nothing for a notification (202)
      }
      if (isJSONRPCErrorResponse(body)) return isJSONRPCRequest(message) ? { ...body, id: message.id } : null;
      failure = toAgniApiError({ status: res.status, body, headers: res.headers });
    } catch (err) {
      const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
      failure = new AgniConnectionError(run.config.apiUrl, cause instanceof Error ? cause.message : String(cause), { cause: err });
    }
    if (!isJSONRPCRequest(message)) {
      run.ctx.stderr(`error: ${describeError(failure)}\n`); // a notification has no answer to carry the error
      return null;
    }
    return { jsonrpc: "2.0", id: message.id, error: rpcErrorOf(failure) };
  };
}

export function registerMcp(program: Command, ctx: CliContext): void {
  program
    .command("mcp")
    .description("Serve an agent's calendar functions to an MCP client over stdio (relayed to the API's POST /mcp)")
    .requiredOption("--agent <id>", "the agent whose tools to expose")
    .action(
      action<{ agent: string }>(ctx, async (run, _args, options) => {
        const relay = mcpRelay(run, options.agent);
        const transport = new StdioServerTransport();
        const inFlight = new Set<Promise<void>>();
        transport.onmessage = (message) => {
          const answered: Promise<void> = relay(message)
            .then((answer) => (answer ? transport.send(answer) : undefined))
            .catch((err: unknown) => run.ctx.stderr(`error: ${describeError(err)}\n`))
            .finally(() => inFlight.delete(answered));
          inFlight.add(answered);
        };
        // The client closing our input ends the session: answer what it already sent, then exit (code 0).
        const inputEnded = new Promise<void>((resolve) => process.stdin.once("end", resolve).once("close", resolve));
        await transport.start();
        await inputEnded;
        await Promise.allSettled([...inFlight]);
        await transport.close();
        return null;
      }),
    );
}
