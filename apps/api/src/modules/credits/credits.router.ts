import { contract } from "@agni/contracts";
import { initServer } from "@ts-rest/express";
import { authOf } from "../../http/auth";
import type { CreditsService } from "./credits.service";
import { completionMessage } from "./wording";

const s = initServer();

export function creditsRouter(service: CreditsService) {
  return s.router(contract.credits, {
    getCreditSettings: async ({ res }) => {
      const data = await service.settings(authOf(res).orgId);
      return { status: 200, body: { success: true, message: "Credit settings fetched successfully", data } };
    },
    updateCreditSettings: async ({ body, res }) => {
      const data = await service.updateSettings(authOf(res).orgId, body);
      return { status: 200, body: { success: true, message: data.enabled ? `Credit metering is on (${data.mode} mode)` : "Credit metering is off", data } };
    },
    listCreditCharges: async ({ query, res }) => {
      const { items, total } = await service.charges(authOf(res).orgId, query);
      return { status: 200, body: { success: true, message: "Credit charges fetched successfully", data: items, meta: { total: String(total), limit: query.limit, offset: query.offset } } };
    },
    completeCall: async ({ params, res }) => {
      const data = await service.complete(authOf(res).orgId, params.agent_id, params.call_session_id);
      return { status: 200, body: { success: true, message: completionMessage(data.status, data.credits), data } };
    },
  });
}
