import { initContract } from "@ts-rest/core";
import { z } from "zod";
import { listEnvelope, OrgQuerySchema, successEnvelope, uuid } from "../common/envelope";
import { PagingQuerySchema } from "../common/paging";
import { ErrorEnvelopeSchema } from "../common/envelope";
import { commonResponses } from "../common/responses";
import { AgentSchema, CreateAgentBodySchema, UpdateAgentBodySchema } from "./agents.schemas";

const c = initContract();
const IdParams = z.object({ id: uuid("id") });

export const agentsContract = c.router(
  {
    createAgent: {
      method: "POST",
      path: "/agents/",
      body: CreateAgentBodySchema,
      query: OrgQuerySchema,
      responses: { 201: successEnvelope(AgentSchema) },
      summary: "Create an agent",
    },
    listAgents: {
      method: "GET",
      path: "/agents/",
      query: PagingQuerySchema.merge(OrgQuerySchema),
      responses: { 200: listEnvelope(AgentSchema) },
      summary: "List the organisation's agents",
    },
    getAgent: {
      method: "GET",
      path: "/agents/:id/",
      pathParams: IdParams,
      query: OrgQuerySchema,
      responses: { 200: successEnvelope(AgentSchema) },
      summary: "Get an agent",
    },
    updateAgent: {
      method: "PATCH",
      path: "/agents/:id/",
      pathParams: IdParams,
      query: OrgQuerySchema,
      body: UpdateAgentBodySchema,
      responses: { 200: successEnvelope(AgentSchema), 409: ErrorEnvelopeSchema },
      summary: "Update an agent",
    },
    deleteAgent: {
      method: "DELETE",
      path: "/agents/:id/",
      pathParams: IdParams,
      query: OrgQuerySchema,
      body: c.noBody(),
      responses: { 200: successEnvelope(z.object({ id: z.string() })) },
      summary: "Delete an agent (its private Cal.com connection goes with it; its tools are detached)",
    },
  },
  { pathPrefix: "/api/v1", strictStatusCodes: true, commonResponses },
);
