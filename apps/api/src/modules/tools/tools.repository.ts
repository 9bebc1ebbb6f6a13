import { isUniqueViolation } from "../../db/errors";
import { jsonColumn } from "../../db/json";
import type { Prisma, PrismaClient, Tool } from "../../db/prisma";
import type { OrgCache } from "../../lib/org-cache";

/** The tool's JSON definition as plain values (null clears it); the repository spells it for Prisma. */
type WithDefinition<T> = Omit<T, "definition"> & { definition?: Record<string, unknown> | null };

/** Null instead of the row when another tool of the agent already has the name. */
async function unlessNameTaken(write: Promise<Tool>): Promise<Tool | null> {
  try {
    return await write;
  } catch (err) {
    if (isUniqueViolation(err)) return null;
    throw err;
  }
}

export class ToolsRepository {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly cache?: OrgCache,
  ) {}

  /** The new tool, or null when the agent already has a tool of that name. */
  create(data: WithDefinition<Prisma.ToolUncheckedCreateInput>): Promise<Tool | null> {
    return unlessNameTaken(this.prisma.tool.create({ data: { ...data, definition: jsonColumn(data.definition) } }));
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

  /** The updated tool, or null when the agent already has another tool of that name. */
  update(id: string, data: WithDefinition<Prisma.ToolUncheckedUpdateInput>): Promise<Tool | null> {
    return unlessNameTaken(this.prisma.tool.update({ where: { id }, data: { ...data, definition: jsonColumn(data.definition) } }));
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
