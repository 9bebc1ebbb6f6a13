import type { OrgCache } from "../../lib/org-cache";
import type { Prisma, PrismaClient } from "../../db/prisma";

export class ToolsRepository {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly cache?: OrgCache,
  ) {}

  create(data: Prisma.ToolUncheckedCreateInput) {
    return this.prisma.tool.create({ data });
  }

  find(organizationId: string, id: string) {
    const load = () => this.prisma.tool.findFirst({ where: { id, organizationId } });
    return this.cache ? this.cache.get(organizationId, `tool:${id}`, load) : load();
  }

  async list(organizationId: string, agentId: string | undefined, limit: number, offset: number) {
    const where = { organizationId, ...(agentId ? { agentId } : {}) };
    const [items, total] = await this.prisma.$transaction([
      this.prisma.tool.findMany({ where, orderBy: [{ createdAt: "asc" }, { id: "asc" }], take: limit, skip: offset }),
      this.prisma.tool.count({ where }),
    ]);
    return { items, total };
  }

  update(id: string, data: Prisma.ToolUncheckedUpdateInput) {
    return this.prisma.tool.update({ where: { id }, data });
  }

  /** Deletes the tool and removes it from every agent's selectedTools, atomically. */
  async delete(organizationId: string, id: string): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.tool.deleteMany({ where: { id, organizationId } });
      if (count === 0) return false;
      await tx.$executeRaw`UPDATE agents SET selected_tools = array_remove(selected_tools, ${id}), updated_at = now()
        WHERE organization_id = ${organizationId} AND ${id} = ANY(selected_tools)`;
      return true;
    });
  }

  agentExists(organizationId: string, agentId: string) {
    return this.prisma.agent.count({ where: { id: agentId, organizationId } }).then((n) => n > 0);
  }
}
