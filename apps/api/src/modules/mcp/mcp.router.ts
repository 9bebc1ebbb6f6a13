import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError, type CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import express, { type Router } from "express";
import { AppError, invalidRequest } from "../../errors/app-error";
import { authOf } from "../../http/auth";
import { spendCalls } from "../../http/rate-limit";
import type { Calendars } from "../appointments/calendar";
import type { FunctionCalls } from "../appointments/function-calls";
import type { ToolExporter } from "../tools/tool-export";
import { inactiveToolMessage, type ToolsService } from "../tools/tools.service";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface McpDeps {
  tools: ToolsService;
  exporter: ToolExporter;
  /** Checks that the agent is the caller's. */
  calendars: Pick<Calendars, "assertAgent">;
  calls: FunctionCalls;
  /** JSON-RPC requests one POST may carry (a batch); each counts against the caller's rate limit. */
  maxCallsPerRequest: number;
}

/**
 * The agent's active calendar functions as MCP tools (the same compilation as `GET /tools/{id}/export?format=mcp`).
 * An agent whose calendar tools are all inactive gets an error saying how to activate one, not a silent empty list.
 */
async function listAgentTools(deps: McpDeps, orgId: string, agentId: string) {
  const { items } = await deps.tools.list(orgId, agentId, 200, 0);
  const calendars = items.filter((t) => t.type === "calcom");
  const active = calendars.filter((t) => t.isActive);
  const [first] = calendars;
  if (active.length === 0 && first) throw new McpError(ErrorCode.InvalidRequest, inactiveToolMessage(first.id));
  const exported = await Promise.all(active.map((t) => deps.exporter.export(orgId, t.id, "mcp")));
  return exported.flatMap((e) => e.tools) as { name: string; description?: string; inputSchema: { type: "object" } }[];
}

/** Runs a calendar function through the function-call runner (the manage endpoint's own code path). */
async function callAgentTool(deps: McpDeps, orgId: string, agentId: string, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  const outcome = await deps.calls.run(orgId, agentId, name, args);
  switch (outcome.kind) {
    case "unknown":
      return { isError: true, content: [{ type: "text", text: `Unknown tool ${name}` }] };
    case "failed": {
      const err = outcome.error;
      return { isError: true, content: [{ type: "text", text: err.message }], structuredContent: { code: err.code, ...(err.details ? { details: err.details } : {}) } };
    }
    case "done":
      return { content: [{ type: "text", text: outcome.result.message }], structuredContent: { ...outcome.result } };
  }
}

/**
 * `POST /mcp?agent_id=<uuid>`: an MCP server over Streamable HTTP (stateless: one server per request), authenticated
 * like the API, exposing one agent's calendar functions.
 */
export function mcpRouter(deps: McpDeps): Router {
  const router = express.Router();
  router.post("/", async (req, res, next) => {
    try {
      const agentId = String(req.query.agent_id ?? "");
      if (!UUID.test(agentId)) throw invalidRequest("agent_id must be a UUID (POST /mcp?agent_id=<agent id>)");
      // A batch is as many calls as it holds requests: capped, and each counted before any runs.
      const messages: unknown[] = Array.isArray(req.body) ? req.body : [req.body];
      const calls = messages.filter((m) => m !== null && typeof m === "object" && "method" in m && "id" in m).length;
      if (calls > deps.maxCallsPerRequest) {
        const message = `Invalid Request: a batch may carry at most ${deps.maxCallsPerRequest} requests; send the rest in another POST`;
        res.status(400).json({ jsonrpc: "2.0", id: null, error: { code: ErrorCode.InvalidRequest, message } });
        return;
      }
      await spendCalls(res, calls);
      const orgId = authOf(res).orgId;
      await deps.calendars.assertAgent(orgId, agentId); // 404 for another organisation's agent, before any MCP exchange

      const server = new Server({ name: "agni", version: "1.0.0" }, { capabilities: { tools: {} } });
      server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: await listAgentTools(deps, orgId, agentId) }));
      server.setRequestHandler(CallToolRequestSchema, (request) => callAgentTool(deps, orgId, agentId, request.params.name, request.params.arguments ?? {}));
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
      res.on("close", () => {
        void transport.close();
        void server.close();
      });
      await server.connect(transport);
      await transport.handleRequest(req, res, req.body);
    } catch (err) {
      next(err);
    }
  });
  router.all("/", (_req, _res, next) => next(new AppError("INVALID_REQUEST", "This MCP endpoint is stateless: send JSON-RPC messages with POST")));
  return router;
}
