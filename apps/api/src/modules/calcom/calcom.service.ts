import {
  DEFAULT_CALCOM_API_BASE_URL,
  maskSecret,
  type ConnectCalcomBody,
  type EffectiveAccount,
} from "@agni/contracts";
import type { CalcomAccount } from "../../db/prisma";
import { conflict, notFound } from "../../errors/app-error";
import type { SecretBox } from "../../lib/crypto";
import type { CalcomAccountsRepository, NewAccount } from "./calcom-accounts.repository";
import type { CalcomGateway } from "./calcom-gateway";
import { effectiveAccountOf, toEffectiveAccount, type AgentWithAccounts } from "./effective-account";

const DEFAULT_ACCOUNT_NAME = "Default";

function calcomUserOf(a: CalcomAccount) {
  return a.calcomUserId === null
    ? null
    : { id: a.calcomUserId, username: a.calcomUsername, email: a.calcomEmail, time_zone: a.calcomTimeZone };
}

function summaryOf(a: CalcomAccount) {
  return {
    id: a.id,
    account_name: a.accountName,
    status: a.status,
    error: a.error,
    api_base_url: a.apiBaseUrl,
    api_key: a.apiKeyMasked,
    connected_at: a.connectedAt.toISOString(),
    disconnected_at: a.disconnectedAt?.toISOString() ?? null,
    calcom_user: calcomUserOf(a),
  };
}

function connectResultOf(a: CalcomAccount) {
  return {
    provider_id: a.id,
    account_name: a.accountName,
    status: a.status,
    connected_at: a.connectedAt.toISOString(),
    api_base_url: a.apiBaseUrl,
    api_key: a.apiKeyMasked ?? "",
    calcom_user: calcomUserOf(a),
  };
}

/**
 * Told about connections after they commit (the Cal.com mirror registers the account's webhook, and removes it with
 * the key the account had). Must not throw: a connect succeeds whatever it does.
 */
export interface CalcomAccountObserver {
  connected(accountId: string): Promise<void>;
  disconnected(accounts: CalcomAccount[]): Promise<void>;
}

/** Cal.com connections: org-level accounts, agents' private keys, assignment and the effective-account reads. */
export class CalcomService {
  constructor(
    private readonly repo: CalcomAccountsRepository,
    private readonly gateway: CalcomGateway,
    private readonly box: SecretBox,
    private readonly observer?: CalcomAccountObserver,
  ) {}

  private async connected<T extends { result: { provider_id: string } }>(outcome: T): Promise<T> {
    await this.observer?.connected(outcome.result.provider_id).catch(() => undefined);
    return outcome;
  }

  private async disconnected<T>(outcome: { value: T; accounts: CalcomAccount[] }): Promise<T> {
    await this.observer?.disconnected(outcome.accounts).catch(() => undefined);
    return outcome.value;
  }

  /** Validates the key with Cal.com, then seals it. Nothing is written when Cal.com says no. */
  private async verifiedAccountData(organizationId: string, body: ConnectCalcomBody) {
    const apiBaseUrl = body.api_base_url ?? DEFAULT_CALCOM_API_BASE_URL;
    const user = await this.gateway.verifyKey(apiBaseUrl, body.api_key);
    return {
      accountName: body.account_name ?? DEFAULT_ACCOUNT_NAME,
      apiBaseUrl,
      apiKeyEncrypted: this.box.encrypt(body.api_key, organizationId),
      apiKeyMasked: maskSecret(body.api_key),
      calcomUserId: user.id,
      calcomUsername: user.username,
      calcomEmail: user.email,
      calcomTimeZone: user.timeZone,
    } satisfies Omit<NewAccount, "organizationId" | "kind">;
  }

  /** Connects an org-level account; connecting again under the same account_name replaces that account's key. */
  async connectOrg(organizationId: string, body: ConnectCalcomBody) {
    const data = await this.verifiedAccountData(organizationId, body);
    const { replaced, ...outcome } = await this.repo.transaction(async (tx) => {
      const existing = await this.repo.findOrgAccountByName(organizationId, data.accountName, tx);
      if (existing) return { created: false, result: connectResultOf(await this.repo.reconnect(existing.id, data, tx)), replaced: otherUser(existing, data) };
      return { created: true, result: connectResultOf(await this.repo.create({ ...data, organizationId, kind: "org" }, tx)), replaced: [] };
    });
    await this.disconnected({ value: null, accounts: replaced });
    return this.connected(outcome);
  }

  async orgStatus(organizationId: string) {
    const accounts = await this.repo.listOrgAccounts(organizationId);
    const active = accounts.some((a) => a.status === "active");
    return {
      connected: active,
      status: active ? "active" : (accounts[0]?.status ?? "not_connected"),
      accounts: accounts.map(summaryOf),
    };
  }

  async disconnectOrg(organizationId: string, providerId?: string) {
    const outcome = await this.repo.transaction(async (tx) => {
      let accounts: CalcomAccount[];
      if (providerId) {
        const account = await this.repo.findOrgAccount(organizationId, providerId, tx);
        if (!account) throw notFound("Cal.com account");
        accounts = account.status === "inactive" ? [] : [account];
      } else {
        accounts = await this.repo.listOrgAccounts(organizationId, tx);
      }
      const ids = accounts.map((a) => a.id);
      await this.repo.disconnect(ids, tx);
      return { value: { disconnected: ids.length, provider_ids: ids }, accounts };
    });
    return this.disconnected(outcome);
  }

  private async agentOrThrow(organizationId: string, agentId: string, tx?: Parameters<CalcomAccountsRepository["agentWithAccounts"]>[2]) {
    const agent = await this.repo.agentWithAccounts(organizationId, agentId, tx);
    if (!agent) throw notFound("Agent");
    return agent;
  }

  /** Stores an agent's private key. 409 while an org-level account is assigned to the agent. */
  async connectAgent(organizationId: string, agentId: string, body: ConnectCalcomBody) {
    const before = await this.agentOrThrow(organizationId, agentId);
    if (before.calcomAccountId) throw assignedConflict();
    const data = await this.verifiedAccountData(organizationId, body);
    const { older, ...outcome } = await this.repo.transaction(async (tx) => {
      const agent = await this.agentOrThrow(organizationId, agentId, tx);
      if (agent.calcomAccountId) throw assignedConflict();
      const [current, ...older] = agent.privateAccounts;
      await this.repo.disconnect(older.map((a) => a.id), tx);
      const account = current
        ? await this.repo.reconnect(current.id, data, tx)
        : await this.repo.create({ ...data, organizationId, kind: "agent", ownerAgentId: agentId }, tx);
      return { created: !current, result: { agent_id: agentId, ...connectResultOf(account) }, older: [...older, ...(current ? otherUser(current, data) : [])] };
    });
    await this.disconnected({ value: null, accounts: older });
    return this.connected(outcome);
  }

  async disconnectAgent(organizationId: string, agentId: string) {
    const outcome = await this.repo.transaction(async (tx) => {
      const agent = await this.agentOrThrow(organizationId, agentId, tx);
      const ids = agent.privateAccounts.map((a) => a.id);
      await this.repo.disconnect(ids, tx);
      return { value: { agent_id: agentId, disconnected: ids.length, provider_ids: ids }, accounts: agent.privateAccounts };
    });
    return this.disconnected(outcome);
  }

  /** Assigns an org-level account to an agent (null unassigns). 409 while the agent has a private key. */
  async assign(organizationId: string, agentId: string, calcomAccountId: string | null) {
    return this.repo.transaction(async (tx) => {
      const agent = await this.agentOrThrow(organizationId, agentId, tx);
      if (calcomAccountId !== null) {
        if (agent.privateAccounts.length > 0) {
          throw conflict(
            "Agent has its own Cal.com API key; disconnect it (POST /api/v1/calcom/agents/{agent_id}/disconnect) before assigning an org account",
          );
        }
        const account = await this.repo.findOrgAccount(organizationId, calcomAccountId, tx);
        if (!account || account.status === "inactive") throw notFound("Cal.com account");
      }
      const updated = await this.repo.assign(agentId, calcomAccountId, tx);
      return { agent_id: updated.id, agent_name: updated.agentName, calcom_account_id: updated.calcomAccountId };
    });
  }

  async effective(organizationId: string, agentId: string): Promise<EffectiveAccount> {
    return toEffectiveAccount(effectiveAccountOf(await this.agentOrThrow(organizationId, agentId)));
  }

  async info(organizationId: string, agentId: string) {
    const agent: AgentWithAccounts = await this.agentOrThrow(organizationId, agentId);
    const e = effectiveAccountOf(agent);
    return {
      ...toEffectiveAccount(e),
      agent_id: agent.id,
      agent_name: agent.agentName,
      event_type_id: agent.calcomEventTypeId,
      ...(e.account ? { error: e.account.error, api_key: e.account.apiKeyMasked, calcom_user: calcomUserOf(e.account) } : {}),
    };
  }

  async agentStatus(organizationId: string, agentId: string) {
    const agent = await this.agentOrThrow(organizationId, agentId);
    const accounts = agent.privateAccounts.map((a) => ({ id: a.id, account_name: a.accountName, status: a.status, error: a.error }));
    const active = accounts.some((a) => a.status === "active");
    return {
      connected: active,
      status: active ? "active" : (accounts[0]?.status ?? "not_connected"),
      accounts,
    };
  }
}

/** The account as it was, when a reconnect puts another Cal.com user's key on it: its webhook (on that user) must go. */
const otherUser = (before: CalcomAccount, after: { calcomUserId: number }) => (before.calcomUserId !== null && before.calcomUserId !== after.calcomUserId ? [before] : []);

function assignedConflict() {
  return conflict(
    "Agent uses an org-level Cal.com account; unassign it (PUT /api/v1/calcom/agents/{agent_id}/account with calcom_account_id null) before connecting a private key",
  );
}
