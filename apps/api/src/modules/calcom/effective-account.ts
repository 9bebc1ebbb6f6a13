import type { EffectiveAccount } from "@agni/contracts";
import type { Agent, CalcomAccount } from "../../db/prisma";

/** An agent loaded with what decides its Cal.com account (see AGENT_ACCOUNT_INCLUDE). */
export type AgentWithAccounts = Agent & { calcomAccount: CalcomAccount | null; privateAccounts: CalcomAccount[] };

/** The Prisma `include` that loads AgentWithAccounts: the assigned account and live private connections. */
export const AGENT_ACCOUNT_INCLUDE = {
  calcomAccount: true,
  privateAccounts: { where: { status: { not: "inactive" } }, orderBy: { connectedAt: "desc" } },
} as const;

export interface Effective {
  type: EffectiveAccount["type"];
  account: CalcomAccount | null;
}

/** Effective account rule: the agent's private key, else the org-level account assigned to it, else none. */
export function effectiveAccountOf(agent: AgentWithAccounts): Effective {
  const own = agent.privateAccounts.find((a) => a.status !== "inactive");
  if (own) return { type: "agent", account: own };
  if (agent.calcomAccount && agent.calcomAccount.status !== "inactive") {
    return { type: "org_linked", account: agent.calcomAccount };
  }
  return { type: "none", account: null };
}

export function toEffectiveAccount(e: Effective): EffectiveAccount {
  if (!e.account) return { connected: false, type: "none" };
  return {
    connected: true,
    type: e.type,
    calcom_account_id: e.account.id,
    account_name: e.account.accountName,
    status: e.account.status,
    api_base_url: e.account.apiBaseUrl,
  };
}
