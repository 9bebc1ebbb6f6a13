import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { ErrorCode } from "@modelcontextprotocol/sdk/types.js";
import express, { type ErrorRequestHandler, type Response, type Router } from "express";
import { invalidRequest } from "../../errors/app-error";
import { authOf } from "../../http/auth";
import { spendCalls } from "../../http/rate-limit";
import { requestContext } from "../../http/request-context";
import { createMcpServer, type McpServerDeps } from "./mcp.server";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface McpDeps extends McpServerDeps {
  /** JSON-RPC requests one POST may carry (a batch); each counts against the caller's rate limit. */
  maxCallsPerRequest: number;
}

/** A JSON-RPC error that answers no particular request (id null), as Streamable HTTP servers send for a bad POST. */
function rpcRefusal(res: Response, status: number, code: number, message: string) {
  res.status(status).json({ jsonrpc: "2.0", id: null, error: { code, message, data: { request_id: requestContext(res).requestId } } });
}

/** A body that is not JSON is a JSON-RPC parse error (-32700), not the REST envelope; other failures pass on. */
export const mcpParseError: ErrorRequestHandler = (err, _req, res, next) => {
  if ((err as { type?: unknown })?.type !== "entity.parse.failed") return next(err);
  rpcRefusal(res, 400, ErrorCode.ParseError, "Parse error: the body is not valid JSON");
};

/**
 * `POST /mcp?agent_id=<uuid>`: an MCP server over Streamable HTTP (stateless: one server per request, JSON answers,
 * no SSE stream, so GET and DELETE are 405), authenticated like the API, exposing one agent's calendar functions.
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
        return rpcRefusal(res, 400, ErrorCode.InvalidRequest, `Invalid Request: a batch may carry at most ${deps.maxCallsPerRequest} requests; send the rest in another POST`);
      }
      await spendCalls(res, calls);
      const orgId = authOf(res).orgId;
      await deps.calendars.assertAgent(orgId, agentId); // 404 for another organisation's agent, before any MCP exchange

      const { requestId, logger } = requestContext(res);
      const server = createMcpServer(deps, { orgId, agentId, requestId, logError: (err) => logger.error({ err }, "unhandled MCP error") });
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
  router.all("/", (_req, res) => {
    res.setHeader("Allow", "POST");
    // -32000 (a server error), as the SDK's own server answers a GET when it offers no stream.
    rpcRefusal(res, 405, -32000, "Method not allowed: this MCP endpoint is stateless and has no SSE stream; send JSON-RPC messages with POST");
  });
  return router;
}
