import type { OrgCache } from "../../lib/org-cache";
import type { Prisma, PrismaClient } from "../../db/prisma";
import { AGENT_ACCOUNT_INCLUDE } from "./effective-account";

type Tx = Prisma.TransactionClient;

export interface NewAccount {
  organizationId: string;
  kind: "org" | "agent";
  ownerAgentId?: string;
  accountName: string;
  apiBaseUrl: string;
  apiKeyEncrypted: string;
  apiKeyMasked: string;
  calcomUserId: number;
  calcomUsername: string | null;
  calcomEmail: string | null;
  calcomTimeZone: string | null;
}

const DISCONNECTED = (at: Date) =>
  ({ status: "inactive", apiKeyEncrypted: null, disconnectedAt: at, error: null, webhookSecretEncrypted: null, calcomWebhookId: null, webhookError: null }) as const;

export class CalcomAccountsRepository {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly cache?: OrgCache,
  ) {}

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(fn);
  }

  /** Loads an agent with its accounts; inside a transaction, also locks the agent row against concurrent changes. */
  async agentWithAccounts(organizationId: string, agentId: string, tx?: Tx) {
    if (tx) {
      await tx.$queryRaw`SELECT id FROM agents WHERE id = ${agentId}::uuid AND organization_id = ${organizationId} FOR UPDATE`;
      return tx.agent.findFirst({ where: { id: agentId, organizationId }, include: AGENT_ACCOUNT_INCLUDE });
    }
    const load = () => this.prisma.agent.findFirst({ where: { id: agentId, organizationId }, include: AGENT_ACCOUNT_INCLUDE });
    return this.cache ? this.cache.get(organizationId, `accounts:${agentId}`, load) : load();
  }

  listOrgAccounts(organizationId: string, tx?: Tx) {
    return (tx ?? this.prisma).calcomAccount.findMany({
      where: { organizationId, kind: "org", status: { not: "inactive" } },
      orderBy: [{ connectedAt: "asc" }, { id: "asc" }],
    });
  }

  findOrgAccount(organizationId: string, id: string, tx?: Tx) {
    return (tx ?? this.prisma).calcomAccount.findFirst({ where: { id, organizationId, kind: "org" } });
  }

  /**
   * The organisation's account of that name, holding the name until the transaction ends: a concurrent connect under
   * the same name waits here and then finds this one's row, instead of both creating one.
   */
  async findOrgAccountByName(organizationId: string, accountName: string, tx: Tx) {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`calcom-account:${organizationId}:${accountName}`}, 0))`;
    return tx.calcomAccount.findFirst({
      where: { organizationId, kind: "org", accountName },
      orderBy: { connectedAt: "desc" },
    });
  }

  create(data: NewAccount, tx: Tx) {
    return tx.calcomAccount.create({ data: { ...data, status: "active" } });
  }

  /**
   * Puts a fresh key on an existing row (reconnect): active again, error cleared, and the Cal.com mirror's next
   * reconciliation a first run again (the key may be another Cal.com user's).
   */
  reconnect(id: string, data: Omit<NewAccount, "organizationId" | "kind" | "ownerAgentId">, tx: Tx) {
    return tx.calcomAccount.update({
      where: { id },
      // A new key may be another Cal.com user or instance: the version bump tells slot caches the calendar changed,
      // and reconciliation starts afresh.
      data: { ...data, status: "active", error: null, connectedAt: new Date(), disconnectedAt: null, reconcileCursor: null, calendarVersion: { increment: 1 } },
    });
  }

  /** Soft-disconnects accounts: status inactive, key cleared; agents assigned to them fall back to none. */
  async disconnect(ids: string[], tx: Tx) {
    if (ids.length === 0) return;
    await tx.agent.updateMany({ where: { calcomAccountId: { in: ids } }, data: { calcomAccountId: null } });
    await tx.calcomAccount.updateMany({ where: { id: { in: ids } }, data: DISCONNECTED(new Date()) });
  }

  assign(agentId: string, calcomAccountId: string | null, tx: Tx) {
    return tx.agent.update({ where: { id: agentId }, data: { calcomAccountId } });
  }
}
