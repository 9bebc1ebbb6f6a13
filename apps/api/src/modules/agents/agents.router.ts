import { contract } from "@agni/contracts";
import { initServer } from "@ts-rest/express";
import { authOf } from "../../http/auth";
import type { AgentsService } from "./agents.service";

const s = initServer();

export function agentsRouter(service: AgentsService) {
  return s.router(contract.agents, {
    createAgent: async ({ body, res }) => {
      const data = await service.create(authOf(res).orgId, body);
      return { status: 201, body: { success: true, message: "Agent created successfully", data } };
    },
    listAgents: async ({ query, res }) => {
      const { items, total } = await service.list(authOf(res).orgId, query.limit, query.offset);
      return {
        status: 200,
        body: { success: true, message: "Agents fetched successfully", data: items, meta: { total: String(total), limit: query.limit, offset: query.offset } },
      };
    },
    getAgent: async ({ params, res }) => {
      const data = await service.get(authOf(res).orgId, params.id);
      return { status: 200, body: { success: true, message: "Agent fetched successfully", data } };
    },
    updateAgent: async ({ params, body, res }) => {
      const data = await service.update(authOf(res).orgId, params.id, body);
      return { status: 200, body: { success: true, message: "Agent updated successfully", data } };
    },
    deleteAgent: async ({ params, res }) => {
      const data = await service.delete(authOf(res).orgId, params.id);
      return { status: 200, body: { success: true, message: "Agent deleted successfully", data } };
    },
  });
}
