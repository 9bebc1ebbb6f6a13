import { initContract } from "@ts-rest/core";
import { z } from "zod";
import { listEnvelope, OrgQuerySchema, successEnvelope, uuid } from "../common/envelope.js";
import { PagingQuerySchema } from "../common/paging.js";
import { commonResponses } from "../common/responses.js";
import { ApiKeySchema, CreateApiKeyBodySchema, CreatedApiKeySchema } from "./api-keys.schemas.js";

const c = initContract();

/** Managing API keys needs a JWT: a key cannot mint or revoke keys (403). The OpenAPI document declares it. */
const jwtOnly = { security: "jwt" } as const;

export const apiKeysContract = c.router(
  {
    createApiKey: {
      method: "POST",
      path: "/api-keys",
      query: OrgQuerySchema,
      body: CreateApiKeyBodySchema,
      responses: { 201: successEnvelope(CreatedApiKeySchema) },
      metadata: jwtOnly,
      summary: "Create an organisation API key (the secret is shown once)",
      description: "Mints an organisation API key for machine clients (voice platforms, MCP clients). The secret is in this answer only: store it. Needs a JWT; an API key cannot mint keys (403).",
    },
    listApiKeys: {
      method: "GET",
      path: "/api-keys",
      query: PagingQuerySchema.merge(OrgQuerySchema),
      responses: { 200: listEnvelope(ApiKeySchema) },
      metadata: jwtOnly,
      summary: "List the organisation's API keys (never the secrets)",
      description: "Pages through the organisation's API keys: name, prefix, creation, last use and revocation. Secrets are never returned. Needs a JWT (403 for an API key).",
    },
    revokeApiKey: {
      method: "DELETE",
      path: "/api-keys/:id",
      pathParams: z.object({ id: uuid("id") }),
      query: OrgQuerySchema,
      body: c.noBody(),
      responses: { 200: successEnvelope(ApiKeySchema) },
      metadata: jwtOnly,
      summary: "Revoke an API key; it stops working at once",
      description: "Revokes the key: requests that send it are refused from then on. Needs a JWT (403 for an API key).",
    },
  },
  { pathPrefix: "/api/v1", strictStatusCodes: true, commonResponses },
);
