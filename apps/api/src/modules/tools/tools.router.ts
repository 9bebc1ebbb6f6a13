import { contract } from "@agni/contracts";
import { initServer } from "@ts-rest/express";
import { authOf } from "../../http/auth";
import { spendCalls } from "../../http/rate-limit";
import { publicBaseUrl } from "../../http/public-url";
import type { ToolExporter } from "./tool-export";
import type { ToolInvoker } from "./tool-invoke";
import type { ToolsService } from "./tools.service";

const s = initServer();

export function toolsRouter(service: ToolsService, exporter: ToolExporter, invoker: ToolInvoker, publicUrl?: string) {
  return s.router(contract.tools, {
    exportTool: async ({ params, query, req, res }) => {
      const data = await exporter.export(authOf(res).orgId, params.id, query.format, publicBaseUrl(req, publicUrl));
      return { status: 200, body: { success: true, message: "Tool exported", data } };
    },
    createTool: async ({ body, res }) => {
      const data = await service.create(authOf(res).orgId, body);
      return { status: 201, body: { success: true, message: "Tool created successfully", data } };
    },
    listTools: async ({ query, res }) => {
      const agentId = query.agentId ?? query.agent_id;
      const { items, total } = await service.list(authOf(res).orgId, agentId, query.limit, query.offset);
      return {
        status: 200,
        body: { success: true, message: "Tools fetched successfully", data: items, meta: { total: String(total), limit: query.limit, offset: query.offset } },
      };
    },
    invokeTool: async ({ params, query, body, res }) => ({
      status: 200,
      body: await invoker.invoke(authOf(res).orgId, params.id, query.format, body, query.function, (calls) => spendCalls(res, calls)),
    }),
    getTool: async ({ params, res }) => {
      const data = await service.get(authOf(res).orgId, params.id);
      return { status: 200, body: { success: true, message: "Tool fetched successfully", data } };
    },
    updateTool: async ({ params, body, res }) => {
      const data = await service.update(authOf(res).orgId, params.id, body);
      return { status: 200, body: { success: true, message: "Tool updated successfully", data } };
    },
    deleteTool: async ({ params, res }) => {
      const data = await service.delete(authOf(res).orgId, params.id);
      return { status: 200, body: { success: true, message: "Tool deleted successfully", data } };
    },
  });
}
