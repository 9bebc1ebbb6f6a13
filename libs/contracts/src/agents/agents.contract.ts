import { initContract } from "@ts-rest/core";
import { z } from "zod";
import { listEnvelope, OrgQuerySchema, successEnvelope, uuid } from "../common/envelope.js";
import { PagingQuerySchema } from "../common/paging.js";
import { ErrorEnvelopeSchema } from "../common/envelope.js";
import { commonResponses } from "../common/responses.js";
import { AgentSchema, CreateAgentBodySchema, UpdateAgentBodySchema } from "./agents.schemas.js";

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
      description: "Creates a voice or chat agent in the caller's organisation, with the time zone it speaks in and, optionally, the Cal.com event type it books.",
    },
    listAgents: {
      method: "GET",
      path: "/agents/",
      query: PagingQuerySchema.merge(OrgQuerySchema),
      responses: { 200: listEnvelope(AgentSchema) },
      summary: "List the organisation's agents",
      description: "Pages through the organisation's agents (limit, offset), each with its effective Cal.com connection (keys masked).",
    },
    getAgent: {
      method: "GET",
      path: "/agents/:id/",
      pathParams: IdParams,
      query: OrgQuerySchema,
      responses: { 200: successEnvelope(AgentSchema) },
      summary: "Get an agent",
      description: "One agent of the organisation, with its effective Cal.com connection: its private key, else its assigned org-level account, else none (keys masked).",
    },
    updateAgent: {
      method: "PATCH",
      path: "/agents/:id/",
      pathParams: IdParams,
      query: OrgQuerySchema,
      body: UpdateAgentBodySchema,
      responses: { 200: successEnvelope(AgentSchema), 409: ErrorEnvelopeSchema },
      summary: "Update an agent",
      description: "Changes the fields in the body; the others keep their values.",
    },
    deleteAgent: {
      method: "DELETE",
      path: "/agents/:id/",
      pathParams: IdParams,
      query: OrgQuerySchema,
      body: c.noBody(),
      responses: { 200: successEnvelope(z.object({ id: z.string() })) },
      summary: "Delete an agent (its private Cal.com connection goes with it; its tools are detached)",
      description: "Deletes the agent. Its private Cal.com connection is removed with it; its tools stay in the organisation, attached to no agent.",
    },
  },
  { pathPrefix: "/api/v1", strictStatusCodes: true, commonResponses },
);
