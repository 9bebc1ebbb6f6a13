import type { PrismaClient } from "../../db/prisma";
import { AGENT_ACCOUNT_INCLUDE, effectiveAccountOf } from "../calcom/effective-account";
import type { MirrorAccount } from "./mirror.repository";

export interface StoredEventTypeWebhook {
  id: string;
  teamId: number;
  eventTypeId: number;
  calcomWebhookId: number | null;
  error: string | null;
}

/** The event-type webhooks the mirror registered on team event types (see team-webhooks.ts), and what decides them. */
export class EventTypeWebhookRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** The event types the agents whose effective account this is are set to book (distinct, ascending). */
  async agentEventTypeIds(account: Pick<MirrorAccount, "id" | "organizationId">): Promise<number[]> {
    const agents = await this.prisma.agent.findMany({
      where: { organizationId: account.organizationId, calcomEventTypeId: { not: null }, OR: [{ calcomAccountId: account.id }, { privateAccounts: { some: { id: account.id } } }] },
      include: AGENT_ACCOUNT_INCLUDE,
    });
    const ids = agents.filter((a) => effectiveAccountOf(a).account?.id === account.id).flatMap((a) => (a.calcomEventTypeId === null ? [] : [a.calcomEventTypeId]));
    return [...new Set(ids)].sort((a, b) => a - b);
  }

  list(accountId: string): Promise<StoredEventTypeWebhook[]> {
    return this.prisma.calcomEventTypeWebhook.findMany({ where: { calcomAccountId: accountId }, orderBy: { eventTypeId: "asc" } });
  }

  /** Records the outcome for one team event type: the webhook Cal.com registered, or why it could not. */
  async record(accountId: string, teamId: number, eventTypeId: number, outcome: { calcomWebhookId: number | null; error: string | null }): Promise<void> {
    await this.prisma.calcomEventTypeWebhook.upsert({
      where: { calcomAccountId_eventTypeId: { calcomAccountId: accountId, eventTypeId } },
      create: { calcomAccountId: accountId, teamId, eventTypeId, ...outcome },
      update: { teamId, ...outcome },
    });
  }

  async forget(id: string): Promise<void> {
    await this.prisma.calcomEventTypeWebhook.deleteMany({ where: { id } });
  }
}
