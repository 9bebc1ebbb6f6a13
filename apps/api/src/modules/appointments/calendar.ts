import type { CalcomClient } from "@agni/calcom";
import type { AppointmentAction } from "@agni/contracts";
import { forbidden, notConnected, notFound } from "../../errors/app-error";
import type { SecretBox } from "../../lib/crypto";
import type { CalcomGateway } from "../calcom/calcom-gateway";
import { effectiveAccountOf } from "../calcom/effective-account";
import { inactiveToolError } from "../tools/tools.service";
import type { AppointmentsRepository } from "./appointments.repository";

export type AgentRow = NonNullable<Awaited<ReturnType<AppointmentsRepository["agent"]>>>;

/** An agent's live calendar: the agent, its effective Cal.com account and a client for it. */
export interface Calendar {
  agent: AgentRow;
  accountId: string;
  cal: CalcomClient;
}

/** Opens agents' calendars: the agent (of this organisation), its tool's permission, its effective account's client. */
export class Calendars {
  constructor(
    private readonly repo: AppointmentsRepository,
    private readonly gateway: CalcomGateway,
    private readonly box: SecretBox,
  ) {}

  /** 404 unless the agent belongs to the organisation. */
  async assertAgent(organizationId: string, agentId: string): Promise<void> {
    if (!(await this.repo.agent(organizationId, agentId))) throw notFound("Agent");
  }

  /** With `action`, the agent's active calendar tool must enable it (403 otherwise). The Cal.com key is decrypted only here. */
  async open(organizationId: string, agentId: string, action?: AppointmentAction): Promise<Calendar> {
    const agent = await this.repo.agent(organizationId, agentId);
    if (!agent) throw notFound("Agent");
    if (action) {
      const tool = agent.tools[0];
      if (!tool) throw forbidden(`${agent.agentName} has no calendar tool; add a tool of type calcom with enabledFunctions`);
      if (!tool.isActive) throw inactiveToolError(tool.id);
      if (!tool.enabledFunctions.includes(action)) {
        throw forbidden(`${agent.agentName}'s calendar tool does not allow "${action}" (enabled: ${tool.enabledFunctions.join(", ") || "none"})`);
      }
    }
    const { account } = effectiveAccountOf(agent);
    if (!account?.apiKeyEncrypted) {
      throw notConnected("The agent has no effective Cal.com account: connect one for the agent or assign an org-level account");
    }
    let apiKey: string;
    try {
      apiKey = this.box.decrypt(account.apiKeyEncrypted, organizationId);
    } catch {
      throw notConnected(
        `The stored Cal.com key of account ${account.id} does not decrypt with this deployment's encryption keys (AGNI_ENCRYPTION_KEY changed without AGNI_ENCRYPTION_KEY_PREVIOUS?); configure the key it was stored with, or reconnect the account`,
      );
    }
    return { agent, accountId: account.id, cal: this.gateway.client(account.apiBaseUrl, apiKey, agent.id) };
  }
}
