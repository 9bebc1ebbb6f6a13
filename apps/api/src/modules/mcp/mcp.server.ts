import { CALCOM_FUNCTION_ACTIONS } from "@agni/contracts";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, type CallToolResult, type Tool } from "@modelcontextprotocol/sdk/types.js";
import { Ajv, type ErrorObject } from "ajv";
import { AppError } from "../../errors/app-error";
import type { Calendars } from "../appointments/calendar";
import type { EventTypesService } from "../appointments/event-types";
import type { FunctionCalls } from "../appointments/function-calls";
import { calcomFunctions, type ToolExporter } from "../tools/tool-export";
import { inactiveToolMessage, type ToolsService } from "../tools/tools.service";

export interface McpServerDeps {
  tools: ToolsService;
  exporter: ToolExporter;
  /** Checks that the agent is the caller's. */
  calendars: Pick<Calendars, "assertAgent">;
  eventTypes: Pick<EventTypesService, "eventTypeForAgent">;
  calls: FunctionCalls;
}

/** Who is calling, and where an unexpected failure is logged (never sent: the client gets the request id). */
export interface McpCaller {
  orgId: string;
  agentId: string;
  requestId: string;
  logError(err: unknown): void;
}

/** A JSON-RPC error the SDK sends as is: its code, its message and its data (McpError would prefix "MCP error …"). */
class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: Record<string, unknown>,
  ) {
    super(message);
  }
}
const rpcError = (code: number, message: string, data?: Record<string, unknown>) => new RpcError(code, message, data);

/**
 * The agent's active calendar functions as MCP tools: exactly `GET /tools/{id}/export?format=mcp` (closed to unknown
 * arguments, with the output schema; tools/mcp-tool.ts). An agent whose calendar tools are all inactive gets an error
 * saying how to activate one, not a silent empty list.
 */
async function listAgentTools(deps: McpServerDeps, caller: McpCaller): Promise<Tool[]> {
  const { items } = await deps.tools.list(caller.orgId, caller.agentId, 200, 0);
  const calendars = items.filter((t) => t.type === "calcom");
  const active = calendars.filter((t) => t.isActive);
  const [first] = calendars;
  if (active.length === 0 && first) throw rpcError(ErrorCode.InvalidRequest, inactiveToolMessage(first.id), { code: "FORBIDDEN", details: { tool_id: first.id } });
  const exported = await Promise.all(active.map((t) => deps.exporter.export(caller.orgId, t.id, "mcp")));
  return exported.flatMap((e) => e.tools as Tool[]);
}

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false }); // formats are the manage endpoint's to word
/** Keywords whose failure means the call does not fit the tool's declared shape (-32602); the rest are answered in words. */
const SHAPE_KEYWORDS = new Set(["additionalProperties", "type"]);
const describeIssue = (e: ErrorObject) =>
  e.keyword === "additionalProperties" ? `unknown argument ${String(e.params.additionalProperty)}` : `${e.instancePath.slice(1) || "arguments"} ${e.message ?? "is invalid"}`;

/**
 * Refuses (JSON-RPC -32602) a call of a function none of the agent's calendar tools enables, or whose arguments do
 * not fit its input schema: an argument it does not declare, or a value of the wrong JSON type. (A function of an
 * inactive tool goes on, to be refused with a sentence the agent can say.) Missing or out-of-range values go on to
 * the manage endpoint, whose answer is a sentence the agent can act on ("I still need your company size").
 * Only `book_appointment` depends on the event type (its booking questions), read only when an argument needs it.
 */
async function checkArguments(deps: McpServerDeps, caller: McpCaller, name: string, args: Record<string, unknown>): Promise<void> {
  const action = CALCOM_FUNCTION_ACTIONS[name];
  const { items } = await deps.tools.list(caller.orgId, caller.agentId, 200, 0);
  if (!action || !items.some((t) => t.type === "calcom" && t.enabledFunctions.values.includes(action))) {
    throw rpcError(ErrorCode.InvalidParams, `Unknown tool: ${name}`);
  }
  const schemaOf = (eventType: Parameters<typeof calcomFunctions>[1]) => {
    const [spec] = calcomFunctions({ name, description: "", type: "calcom", definition: null, enabledFunctions: [action] }, eventType);
    return { ...spec?.parameters, required: [], additionalProperties: false };
  };
  let schema = schemaOf(null);
  if (action === "book" && Object.keys(args).some((key) => !(key in schema.properties))) {
    schema = schemaOf(await deps.eventTypes.eventTypeForAgent(caller.orgId, caller.agentId));
  }
  const validate = ajv.compile(schema);
  if (validate(args)) return;
  const issues = (validate.errors ?? []).filter((e) => SHAPE_KEYWORDS.has(e.keyword));
  if (issues.length > 0) throw rpcError(ErrorCode.InvalidParams, `Invalid arguments for tool ${name}: ${issues.map(describeIssue).join("; ")}`);
}

/** The result of a failure: the sentence to say, and the API's error code and details for the client's logic. */
const failure = (err: AppError): CallToolResult => ({
  isError: true,
  content: [{ type: "text", text: err.message }],
  structuredContent: { code: err.code, ...(err.details && typeof err.details === "object" && !Array.isArray(err.details) ? { details: err.details as Record<string, unknown> } : {}) },
});

/** Runs a calendar function through the manage endpoint's own code path (validation, idempotency, messages). */
async function callAgentTool(deps: McpServerDeps, caller: McpCaller, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  await checkArguments(deps, caller, name, args);
  const outcome = await deps.calls.run(caller.orgId, caller.agentId, name, args);
  switch (outcome.kind) {
    case "unknown":
      throw rpcError(ErrorCode.InvalidParams, `Unknown tool: ${name}`);
    case "failed":
      return failure(outcome.error);
    case "done":
      return { content: [{ type: "text", text: outcome.result.message }], structuredContent: { ...outcome.result } };
  }
}

/**
 * Errors out of a handler: an AppError of a call is its result (isError, said aloud); anything else becomes a
 * JSON-RPC error with the API's code and the request id in `data`, never in the message, and nothing internal.
 */
function guarded<T>(caller: McpCaller, run: () => Promise<T>, onAppError?: (err: AppError) => T): Promise<T> {
  return run().catch((err: unknown) => {
    if (err instanceof AppError) {
      if (onAppError) return onAppError(err);
      throw rpcError(err.status >= 500 ? ErrorCode.InternalError : ErrorCode.InvalidRequest, err.message, { code: err.code, request_id: caller.requestId });
    }
    if (err instanceof RpcError) throw err;
    caller.logError(err);
    throw rpcError(ErrorCode.InternalError, "Internal server error", { code: "INTERNAL_ERROR", request_id: caller.requestId });
  });
}

/**
 * The MCP server of one agent's calendar functions. The HTTP endpoint (`POST /mcp`) builds one per request; `agni
 * mcp` (stdio) relays to that endpoint, so both transports answer every call from this one code path.
 */
export function createMcpServer(deps: McpServerDeps, caller: McpCaller): Server {
  const server = new Server({ name: "agni", version: "1.0.0" }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, () => guarded(caller, async () => ({ tools: await listAgentTools(deps, caller) })));
  server.setRequestHandler(CallToolRequestSchema, (request) => guarded(caller, () => callAgentTool(deps, caller, request.params.name, request.params.arguments ?? {}), failure));
  return server;
}
