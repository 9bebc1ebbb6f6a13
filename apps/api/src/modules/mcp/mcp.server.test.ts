import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import { createMcpServer, type McpServerDeps } from "./mcp.server";

// A failure no request can provoke on purpose (a bug, a driver error between two queries): the database layer is
// replaced by one that throws, the only stand-in in the MCP tests; everything else over HTTP runs the real API.
describe("createMcpServer", () => {
  it("answers an unexpected error with -32603 and the request id, logs it, and sends nothing of it", async () => {
    const internal = new Error('relation "tools" does not exist at postgresql://agni:s3cret@db/agni');
    const failing = { list: () => Promise.reject(internal) } as unknown as McpServerDeps["tools"];
    const logged: unknown[] = [];
    const server = createMcpServer({ tools: failing, exporter: {} as McpServerDeps["exporter"], calendars: {} as McpServerDeps["calendars"], eventTypes: {} as McpServerDeps["eventTypes"], calls: {} as McpServerDeps["calls"] }, {
      orgId: "org",
      agentId: "agent",
      requestId: "req-1",
      logError: (err) => logged.push(err),
    });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: "unit", version: "1.0.0" });
    await client.connect(clientSide);
    for (const call of [() => client.listTools(), () => client.callTool({ name: "check_availability", arguments: { timezone: "UTC" } })]) {
      const err = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(McpError);
      expect(err).toMatchObject({ code: ErrorCode.InternalError, message: "MCP error -32603: Internal server error", data: { code: "INTERNAL_ERROR", request_id: "req-1" } });
      expect(JSON.stringify(err)).not.toContain("s3cret");
    }
    expect(logged).toEqual([internal, internal]);
    await client.close();
  });
});
