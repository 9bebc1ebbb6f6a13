import { contract } from "@agni/contracts";
import { initServer } from "@ts-rest/express";
import { authOf, requireJwt } from "../../http/auth";
import type { ApiKeysService } from "./api-keys.service";

const s = initServer();

export function apiKeysRouter(service: ApiKeysService) {
  return s.router(contract.apiKeys, {
    createApiKey: async ({ body, res }) => {
      requireJwt(res);
      const data = await service.create(authOf(res).orgId, body.name);
      return { status: 201, body: { success: true, message: "API key created; store it now, it will not be shown again", data } };
    },
    listApiKeys: async ({ query, res }) => {
      requireJwt(res);
      const { items, total } = await service.list(authOf(res).orgId, query.limit, query.offset);
      return {
        status: 200,
        body: { success: true, message: "API keys fetched successfully", data: items, meta: { total: String(total), limit: query.limit, offset: query.offset } },
      };
    },
    revokeApiKey: async ({ params, res }) => {
      requireJwt(res);
      const data = await service.revoke(authOf(res).orgId, params.id);
      return { status: 200, body: { success: true, message: "API key revoked", data } };
    },
  });
}
