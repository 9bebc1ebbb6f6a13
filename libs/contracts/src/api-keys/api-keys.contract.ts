import { initContract } from "@ts-rest/core";
import { z } from "zod";
import { listEnvelope, OrgQuerySchema, successEnvelope, uuid } from "../common/envelope";
import { PagingQuerySchema } from "../common/paging";
import { commonResponses } from "../common/responses";
import { ApiKeySchema, CreateApiKeyBodySchema, CreatedApiKeySchema } from "./api-keys.schemas";

const c = initContract();

/** Managing API keys needs a JWT: a key cannot mint or revoke keys (403). */
export const apiKeysContract = c.router(
  {
    createApiKey: {
      method: "POST",
      path: "/api-keys",
      query: OrgQuerySchema,
      body: CreateApiKeyBodySchema,
      responses: { 201: successEnvelope(CreatedApiKeySchema) },
      summary: "Create an organisation API key (the secret is shown once)",
    },
    listApiKeys: {
      method: "GET",
      path: "/api-keys",
      query: PagingQuerySchema.merge(OrgQuerySchema),
      responses: { 200: listEnvelope(ApiKeySchema) },
      summary: "List the organisation's API keys (never the secrets)",
    },
    revokeApiKey: {
      method: "DELETE",
      path: "/api-keys/:id",
      pathParams: z.object({ id: uuid("id") }),
      query: OrgQuerySchema,
      body: c.noBody(),
      responses: { 200: successEnvelope(ApiKeySchema) },
      summary: "Revoke an API key; it stops working at once",
    },
  },
  { pathPrefix: "/api/v1", strictStatusCodes: true, commonResponses },
);
