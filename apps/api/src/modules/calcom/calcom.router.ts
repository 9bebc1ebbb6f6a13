import { contract, type SyncResult } from "@agni/contracts";
import { initServer } from "@ts-rest/express";
import { authOf } from "../../http/auth";
import type { CalcomService } from "./calcom.service";

const s = initServer();

/** `sync` reconciles one of the organisation's accounts now (the Cal.com mirror's reconciliation). */
export function calcomRouter(service: CalcomService, sync: (organizationId: string, accountId: string) => Promise<SyncResult>) {
  return s.router(contract.calcom, {
    connectCalcom: async ({ body, res }) => {
      const { created, result } = await service.connectOrg(authOf(res).orgId, body);
      return created
        ? { status: 201, body: { success: true, message: "Cal.com account connected", data: result } }
        : { status: 200, body: { success: true, message: "Cal.com account reconnected", data: result } };
    },
    getCalcomStatus: async ({ res }) => {
      const data = await service.orgStatus(authOf(res).orgId);
      return { status: 200, body: { success: true, message: "Cal.com status retrieved", data } };
    },
    disconnectCalcom: async ({ body, res }) => {
      const data = await service.disconnectOrg(authOf(res).orgId, body.provider_id);
      const message = data.disconnected > 0 ? "Cal.com account disconnected" : "No connected Cal.com account to disconnect";
      return { status: 200, body: { success: true, message, data } };
    },
    connectAgentCalcom: async ({ params, body, res }) => {
      const { created, result } = await service.connectAgent(authOf(res).orgId, params.agent_id, body);
      return created
        ? { status: 201, body: { success: true, message: "Agent Cal.com account connected", data: result } }
        : { status: 200, body: { success: true, message: "Agent Cal.com account reconnected", data: result } };
    },
    disconnectAgentCalcom: async ({ params, res }) => {
      const data = await service.disconnectAgent(authOf(res).orgId, params.agent_id);
      const message = data.disconnected > 0 ? "Agent Cal.com account disconnected" : "No agent-level connection found";
      return { status: 200, body: { success: true, message, data } };
    },
    assignAgentCalcomAccount: async ({ params, body, res }) => {
      const data = await service.assign(authOf(res).orgId, params.agent_id, body.calcom_account_id);
      return { status: 200, body: { success: true, message: "Agent Cal.com account updated", data } };
    },
    getAgentCalcomInfo: async ({ params, res }) => {
      const data = await service.info(authOf(res).orgId, params.agent_id);
      return { status: 200, body: { success: true, message: "Agent Cal.com info retrieved", data } };
    },
    getAgentCalcomAccount: async ({ params, res }) => {
      const data = await service.effective(authOf(res).orgId, params.agent_id);
      return { status: 200, body: { success: true, message: "Agent Cal.com account retrieved", data } };
    },
    syncCalcomAccount: async ({ params, res }) => {
      const data = await sync(authOf(res).orgId, params.account_id);
      return { status: 200, body: { success: true, message: "Cal.com account reconciled", data } };
    },
    getAgentCalcomStatus: async ({ params, res }) => {
      const data = await service.agentStatus(authOf(res).orgId, params.agent_id);
      const message = data.accounts.length > 0 ? "Agent connection status retrieved" : "No agent-level connection found";
      return { status: 200, body: { success: true, message, data } };
    },
  });
}
