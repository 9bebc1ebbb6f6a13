import { jsonColumn } from "../../db/json";
import type { Prisma, PrismaClient } from "../../db/prisma";
import { AGENT_ACCOUNT_INCLUDE } from "../calcom/effective-account";

/** The agent's JSON settings as plain values (null clears them); the repository spells them for Prisma. */
type WithSettings<T> = Omit<T, "settings"> & { settings?: Record<string, unknown> | null };

export class AgentsRepository {
  constructor(private readonly prisma: PrismaClient) {}

  create(data: WithSettings<Prisma.AgentUncheckedCreateInput>) {
    return this.prisma.agent.create({ data: { ...data, settings: jsonColumn(data.settings) }, include: AGENT_ACCOUNT_INCLUDE });
  }

  find(organizationId: string, id: string) {
    return this.prisma.agent.findFirst({ where: { id, organizationId }, include: AGENT_ACCOUNT_INCLUDE });
  }

  async list(organizationId: string, limit: number, offset: number) {
    const where = { organizationId };
    const [items, total] = await this.prisma.$transaction([
      this.prisma.agent.findMany({
        where,
        include: AGENT_ACCOUNT_INCLUDE,
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
        take: limit,
        skip: offset,
      }),
      this.prisma.agent.count({ where }),
    ]);
    return { items, total };
  }

  /** Updates only within the organisation; null when the agent is not there. */
  async update(organizationId: string, id: string, data: WithSettings<Prisma.AgentUncheckedUpdateInput>) {
    const { count } = await this.prisma.agent.updateMany({ where: { id, organizationId }, data: { ...data, settings: jsonColumn(data.settings) } });
    return count === 0 ? null : this.find(organizationId, id);
  }

  async delete(organizationId: string, id: string): Promise<boolean> {
    const { count } = await this.prisma.agent.deleteMany({ where: { id, organizationId } });
    return count > 0;
  }

  /** The ids among `ids` that are tools of the organisation. */
  async existingToolIds(organizationId: string, ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.prisma.tool.findMany({ where: { organizationId, id: { in: ids } }, select: { id: true } });
    return new Set(rows.map((r) => r.id));
  }
}
