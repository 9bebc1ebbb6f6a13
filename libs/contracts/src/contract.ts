import { initContract } from "@ts-rest/core";
import { agentsContract } from "./agents/agents.contract.js";
import { apiKeysContract } from "./api-keys/api-keys.contract.js";
import { appointmentsContract } from "./appointments/appointments.contract.js";
import { calcomContract } from "./calcom/calcom.contract.js";
import { creditsContract } from "./credits/credits.contract.js";
import { healthContract } from "./health/health.contract.js";
import { toolsContract } from "./tools/tools.contract.js";
import { waitlistContract } from "./waitlist/waitlist.contract.js";
import { webhooksContract } from "./webhooks/webhooks.contract.js";

const c = initContract();

/** The whole Agni API surface. The API implements it, the client and CLI consume it. */
export const contract = c.router({
  health: healthContract,
  apiKeys: apiKeysContract,
  agents: agentsContract,
  tools: toolsContract,
  calcom: calcomContract,
  appointments: appointmentsContract,
  webhooks: webhooksContract,
  credits: creditsContract,
  waitlist: waitlistContract,
});

export type AgniContract = typeof contract;
