import { initContract } from "@ts-rest/core";
import { z } from "zod";
import { ErrorEnvelopeSchema, OrgQuerySchema, successEnvelope, uuid } from "../common/envelope";
import { commonResponses } from "../common/responses";
import {
  AgentConnectCalcomResultSchema,
  AgentDisconnectResultSchema,
  AgentStatusResultSchema,
  AssignAccountBodySchema,
  AssignAccountResultSchema,
  CalcomStatusSchema,
  ConnectCalcomBodySchema,
  ConnectCalcomResultSchema,
  DisconnectCalcomBodySchema,
  DisconnectResultSchema,
  EffectiveAccountSchema,
  EffectiveInfoSchema,
} from "./calcom.schemas";

const c = initContract();
const AgentParams = z.object({ agent_id: uuid("agent_id") });

export const calcomContract = c.router(
  {
    connectCalcom: {
      method: "POST",
      path: "/calcom/connect",
      query: OrgQuerySchema,
      body: ConnectCalcomBodySchema,
      responses: { 200: successEnvelope(ConnectCalcomResultSchema), 201: successEnvelope(ConnectCalcomResultSchema), 502: ErrorEnvelopeSchema },
      summary: "Connect an org-level Cal.com account (the key is validated with Cal.com first)",
    },
    getCalcomStatus: {
      method: "GET",
      path: "/calcom/status",
      query: OrgQuerySchema,
      responses: { 200: successEnvelope(CalcomStatusSchema) },
      summary: "Org-level Cal.com connection status",
    },
    disconnectCalcom: {
      method: "POST",
      path: "/calcom/disconnect",
      query: OrgQuerySchema,
      body: DisconnectCalcomBodySchema,
      responses: { 200: successEnvelope(DisconnectResultSchema) },
      summary: "Disconnect org-level Cal.com accounts (all, or one by provider_id)",
    },
    connectAgentCalcom: {
      method: "POST",
      path: "/calcom/agents/:agent_id/connect",
      pathParams: AgentParams,
      query: OrgQuerySchema,
      body: ConnectCalcomBodySchema,
      responses: { 200: successEnvelope(AgentConnectCalcomResultSchema), 201: successEnvelope(AgentConnectCalcomResultSchema), 409: ErrorEnvelopeSchema, 502: ErrorEnvelopeSchema },
      summary: "Connect an agent's private Cal.com key",
    },
    disconnectAgentCalcom: {
      method: "POST",
      path: "/calcom/agents/:agent_id/disconnect",
      pathParams: AgentParams,
      query: OrgQuerySchema,
      body: c.noBody(),
      responses: { 200: successEnvelope(AgentDisconnectResultSchema) },
      summary: "Remove an agent's private Cal.com connection",
    },
    assignAgentCalcomAccount: {
      method: "PUT",
      path: "/calcom/agents/:agent_id/account",
      pathParams: AgentParams,
      query: OrgQuerySchema,
      body: AssignAccountBodySchema,
      responses: { 200: successEnvelope(AssignAccountResultSchema), 409: ErrorEnvelopeSchema },
      summary: "Assign (or with null, unassign) an org-level Cal.com account to an agent",
    },
    getAgentCalcomInfo: {
      method: "GET",
      path: "/calcom/agents/:agent_id/info",
      pathParams: AgentParams,
      query: OrgQuerySchema,
      responses: { 200: successEnvelope(EffectiveInfoSchema) },
      summary: "Get Agent Cal.com Info",
    },
    getAgentCalcomAccount: {
      method: "GET",
      path: "/calcom/agents/:agent_id/account",
      pathParams: AgentParams,
      query: OrgQuerySchema,
      responses: { 200: successEnvelope(EffectiveAccountSchema) },
      metadata: {
        examples: {
          200: {
            success: true,
            message: "Agent Cal.com account retrieved",
            data: { connected: true, type: "agent", calcom_account_id: "0192f5d4-8a1e-7c3b-9d2a-5b6c7d8e9f01", account_name: "Default", status: "active", api_base_url: "https://api.cal.com" },
          },
        },
      },
      summary: "Get Agent Cal.com Account",
    },
    getAgentCalcomStatus: {
      method: "GET",
      path: "/calcom/agents/:agent_id/status",
      pathParams: AgentParams,
      query: OrgQuerySchema,
      responses: { 200: successEnvelope(AgentStatusResultSchema) },
      metadata: {
        examples: {
          200: {
            success: true,
            message: "Agent connection status retrieved",
            data: { connected: true, status: "active", accounts: [{ id: "0192f5d4-8a1e-7c3b-9d2a-5b6c7d8e9f01", account_name: "Default", status: "active", error: "" }] },
          },
        },
      },
      summary: "Get Agent Cal.com Status",
    },
  },
  { pathPrefix: "/api/v1", strictStatusCodes: true, commonResponses },
);
