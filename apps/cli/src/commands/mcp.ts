import { unwrap } from "@agni/client";
import { manageBodyFromToolCall, MAX_LIMIT, type ManageAppointmentBody } from "@agni/contracts";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { Command } from "commander";
import { action, type Run } from "../action";
import { describeError, type CliContext } from "../context";

/** The agent's calendar functions, as the API exports them for MCP. */
async function agentTools({ client, query }: Run, agentId: string) {
  const { data } = await unwrap(client.tools.listTools({ query: { ...query, agentId, limit: MAX_LIMIT } }));
  const exports = await Promise.all(
    data.filter((t) => t.type === "calcom").map((t) => unwrap(client.tools.exportTool({ params: { id: t.id }, query: { ...query, format: "mcp" } }))),
  );
  return exports.flatMap((e) => e.data.tools) as { name: string; description?: string; inputSchema: { type: "object" } }[];
}

/** Runs a calendar function through the API's manage endpoint, turning its answer (or error) into an MCP result. */
async function callTool({ client, query }: Run, agentId: string, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  const body = manageBodyFromToolCall(name, args, agentId);
  if (!body) return { isError: true, content: [{ type: "text", text: `Unknown tool ${name}` }] };
  try {
    // The model's arguments are not checked here: the API validates them and answers 400 naming the field.
    const result = await unwrap(client.appointments.manageAppointment({ body: body as ManageAppointmentBody, query }));
    return { content: [{ type: "text", text: result.message }], structuredContent: result.data as unknown as Record<string, unknown> };
  } catch (err) {
    return { isError: true, content: [{ type: "text", text: describeError(err) }] };
  }
}

export function registerMcp(program: Command, ctx: CliContext): void {
  program
    .command("mcp")
    .description("Serve an agent's calendar functions to an MCP client over stdio (the API does the work)")
    .requiredOption("--agent <id>", "the agent whose tools to expose")
    .action(
      action<{ agent: string }>(ctx, async (run, _args, options) => {
        await agentTools(run, options.agent); // fail fast (auth, unknown agent) before speaking MCP
        const server = new Server({ name: "agni", version: "1.0.0" }, { capabilities: { tools: {} } });
        server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: await agentTools(run, options.agent) }));
        server.setRequestHandler(CallToolRequestSchema, (req) => callTool(run, options.agent, req.params.name, req.params.arguments ?? {}));
        const transport = new StdioServerTransport();
        const closed = new Promise<void>((resolve) => (transport.onclose = resolve));
        await server.connect(transport);
        await closed;
        return null;
      }),
    );
}
