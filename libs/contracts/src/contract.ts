import { initContract } from "@ts-rest/core";
import { agentsContract } from "./agents/agents.contract";
import { apiKeysContract } from "./api-keys/api-keys.contract";
import { appointmentsContract } from "./appointments/appointments.contract";
import { calcomContract } from "./calcom/calcom.contract";
import { healthContract } from "./health/health.contract";
import { toolsContract } from "./tools/tools.contract";

const c = initContract();

/** The whole Agni API surface. The API implements it, the client and CLI consume it. */
export const contract = c.router({
  health: healthContract,
  apiKeys: apiKeysContract,
  agents: agentsContract,
  tools: toolsContract,
  calcom: calcomContract,
  appointments: appointmentsContract,
});

export type AgniContract = typeof contract;
