import { initContract } from "@ts-rest/core";
import { z } from "zod";
import { ErrorEnvelopeSchema, OrgQuerySchema, successEnvelope, uuid } from "../common/envelope.js";
import { commonResponses } from "../common/responses.js";
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
  SyncResultSchema,
} from "./calcom.schemas.js";

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
      description: "Checks the Cal.com API key with Cal.com, then stores it encrypted as an org-level account that agents can be assigned.",
    },
    getCalcomStatus: {
      method: "GET",
      path: "/calcom/status",
      query: OrgQuerySchema,
      responses: { 200: successEnvelope(CalcomStatusSchema) },
      summary: "Org-level Cal.com connection status",
      description: "The organisation's org-level Cal.com accounts and the state of each (keys masked).",
    },
    disconnectCalcom: {
      method: "POST",
      path: "/calcom/disconnect",
      query: OrgQuerySchema,
      body: DisconnectCalcomBodySchema,
      responses: { 200: successEnvelope(DisconnectResultSchema) },
      summary: "Disconnect org-level Cal.com accounts (all, or one by provider_id)",
      description: "Disconnects the organisation's org-level accounts, or the one named by `provider_id`: each becomes inactive, its stored key is erased and agents assigned to it are unassigned.",
    },
    connectAgentCalcom: {
      method: "POST",
      path: "/calcom/agents/:agent_id/connect",
      pathParams: AgentParams,
      query: OrgQuerySchema,
      body: ConnectCalcomBodySchema,
      responses: { 200: successEnvelope(AgentConnectCalcomResultSchema), 201: successEnvelope(AgentConnectCalcomResultSchema), 409: ErrorEnvelopeSchema, 502: ErrorEnvelopeSchema },
      summary: "Connect an agent's private Cal.com key",
      description: "Checks the Cal.com API key with Cal.com, then stores it encrypted for this agent alone. An agent has a private key or an assigned org-level account, never both.",
    },
    disconnectAgentCalcom: {
      method: "POST",
      path: "/calcom/agents/:agent_id/disconnect",
      pathParams: AgentParams,
      query: OrgQuerySchema,
      body: c.noBody(),
      responses: { 200: successEnvelope(AgentDisconnectResultSchema) },
      summary: "Remove an agent's private Cal.com connection",
      description: "Removes the agent's private Cal.com key; the agent has no Cal.com account until one is connected or assigned.",
    },
    assignAgentCalcomAccount: {
      method: "PUT",
      path: "/calcom/agents/:agent_id/account",
      pathParams: AgentParams,
      query: OrgQuerySchema,
      body: AssignAccountBodySchema,
      responses: { 200: successEnvelope(AssignAccountResultSchema), 409: ErrorEnvelopeSchema },
      summary: "Assign (or with null, unassign) an org-level Cal.com account to an agent",
      description: "Gives the agent one of the organisation's org-level accounts (`provider_id`), or with null takes it away. An agent has a private key or an assigned org-level account, never both.",
    },
    getAgentCalcomInfo: {
      method: "GET",
      path: "/calcom/agents/:agent_id/info",
      pathParams: AgentParams,
      query: OrgQuerySchema,
      responses: { 200: successEnvelope(EffectiveInfoSchema) },
      summary: "Get Agent Cal.com Info",
      description: "The agent's effective Cal.com account with the Cal.com user behind it and the agent's event type (key masked).",
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
      description: "The agent's effective Cal.com account: its private key, else its assigned org-level account, else none.",
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
      description: "Whether the agent has a private Cal.com connection, and the state of each of its accounts.",
    },
    syncCalcomAccount: {
      method: "POST",
      path: "/calcom/accounts/:account_id/sync",
      pathParams: z.object({ account_id: uuid("account_id") }),
      query: OrgQuerySchema,
      body: c.noBody(),
      responses: { 200: successEnvelope(SyncResultSchema), 502: ErrorEnvelopeSchema },
      metadata: {
        examples: {
          200: {
            success: true,
            message: "Cal.com account reconciled",
            data: { account_id: "0192f5d4-8a1e-7c3b-9d2a-5b6c7d8e9f01", checked: 12, changed: 1, webhook: "present", reconciled_at: "2026-12-02T09:30:00.000Z" },
          },
        },
      },
      summary: "Reconcile a Cal.com account's mirror now",
      description:
        "Runs the account's reconciliation at once (it also runs every AGNI_RECONCILE_INTERVAL_MS): reads the Cal.com bookings changed since the last run, repairs the mirror of the calendar (each change recorded once and sent to the webhook subscriptions) and re-registers the account's Cal.com webhook if it went missing. Any of the organisation's accounts, org-level or an agent's private key.",
    },
  },
  { pathPrefix: "/api/v1", strictStatusCodes: true, commonResponses },
);
