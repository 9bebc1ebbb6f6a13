import type { Agent, CreateAgentBody, UpdateAgentBody } from "@agni/contracts";
import { invalidRequest, notFound } from "../../errors/app-error";
import { effectiveAccountOf, type AgentWithAccounts } from "../calcom/effective-account";
import type { AgentsRepository } from "./agents.repository";

export function toAgent(row: AgentWithAccounts): Agent {
  const { type, account } = effectiveAccountOf(row);
  return {
    id: row.id,
    organizationId: row.organizationId,
    agentName: row.agentName,
    status: row.status,
    calendarTimezone: row.calendarTimezone,
    calcomEventTypeId: row.calcomEventTypeId,
    selectedTools: row.selectedTools,
    prompt: row.prompt,
    beginMessage: row.beginMessage,
    settings: (row.settings as Record<string, unknown> | null) ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    calcomConnectionType: type,
    calcomAccountId: account?.id ?? null,
    calcomAccountName: account?.accountName ?? null,
    calcomApiUrl: account?.apiBaseUrl ?? null,
    calcomStatus: account?.status ?? null,
    calcomApiKey: account?.apiKeyMasked ?? null,
  };
}

export class AgentsService {
  constructor(
    private readonly repo: AgentsRepository,
    /** Told the account whose agent now books another event type (the mirror moves its team event-type webhooks); never fails a call. */
    private readonly eventTypeChanged?: (accountId: string) => Promise<void>,
  ) {}

  private async announce(row: AgentWithAccounts, before: number | null | undefined): Promise<void> {
    const account = effectiveAccountOf(row).account;
    if (account && row.calcomEventTypeId !== before) await this.eventTypeChanged?.(account.id).catch(() => undefined);
  }

  private async checkTools(organizationId: string, ids: string[] | undefined) {
    if (!ids || ids.length === 0) return ids && [...new Set(ids)];
    const unique = [...new Set(ids)];
    const found = await this.repo.existingToolIds(organizationId, unique);
    const missing = unique.filter((id) => !found.has(id));
    if (missing.length > 0) throw invalidRequest(`selectedTools contains unknown tool ids: ${missing.join(", ")}`, { missing });
    return unique;
  }

  async create(organizationId: string, body: CreateAgentBody) {
    const selectedTools = await this.checkTools(organizationId, body.selectedTools);
    const row = await this.repo.create({
      organizationId,
      agentName: body.agentName,
      status: body.status,
      calendarTimezone: body.calendarTimezone,
      calcomEventTypeId: body.calcomEventTypeId,
      selectedTools,
      prompt: body.prompt,
      beginMessage: body.beginMessage,
      settings: body.settings,
    });
    return toAgent(row);
  }

  async list(organizationId: string, limit: number, offset: number) {
    const { items, total } = await this.repo.list(organizationId, limit, offset);
    return { items: items.map(toAgent), total };
  }

  async get(organizationId: string, id: string) {
    const row = await this.repo.find(organizationId, id);
    if (!row) throw notFound("Agent");
    return toAgent(row);
  }

  async update(organizationId: string, id: string, body: UpdateAgentBody) {
    const selectedTools = await this.checkTools(organizationId, body.selectedTools);
    const before = body.calcomEventTypeId === undefined ? undefined : (await this.repo.find(organizationId, id))?.calcomEventTypeId;
    const row = await this.repo.update(organizationId, id, {
      ...body,
      selectedTools,
    });
    if (!row) throw notFound("Agent");
    if (body.calcomEventTypeId !== undefined) await this.announce(row, before);
    return toAgent(row);
  }

  async delete(organizationId: string, id: string) {
    if (!(await this.repo.delete(organizationId, id))) throw notFound("Agent");
    return { id };
  }
}
