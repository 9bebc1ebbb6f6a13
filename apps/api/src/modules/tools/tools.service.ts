import type { CreateToolBody, Tool, ToolType, UpdateToolBody } from "@agni/contracts";
import type { Tool as ToolRow } from "../../db/prisma";
import { AppError, notFound } from "../../errors/app-error";
import type { ToolsRepository } from "./tools.repository";
import { defaultEnabledFunctions, validateTool } from "./tool-definition";

export function toTool(row: ToolRow): Tool {
  return {
    id: row.id,
    organizationId: row.organizationId,
    name: row.name,
    description: row.description,
    type: row.type as ToolType,
    definition: (row.definition as Record<string, unknown> | null) ?? null,
    isActive: row.isActive,
    agentId: row.agentId,
    enabledFunctions: { values: row.enabledFunctions },
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** How an operator activates a tool (tools are created inactive, and an inactive tool serves no call and no export). */
export function inactiveToolMessage(toolId: string): string {
  return `Tool ${toolId} is inactive: activate it with \`agni tools activate ${toolId}\` or PATCH /api/v1/tools/${toolId}/ {"isActive": true}`;
}

/** A call through an inactive calendar tool: a sentence the agent can say, and the operator's fix in `details`. */
export function inactiveToolError(toolId: string): AppError {
  return new AppError("FORBIDDEN", "I'm not able to use the calendar right now, so I can't check or book times.", {
    reason: inactiveToolMessage(toolId),
    tool_id: toolId,
  });
}

function nameTaken(name: string) {
  return new AppError("CONFLICT", `A tool named ${name} already exists for this agent`);
}

export class ToolsService {
  constructor(private readonly repo: ToolsRepository) {}

  private async checkAgent(organizationId: string, agentId: string | null | undefined) {
    if (agentId && !(await this.repo.agentExists(organizationId, agentId))) throw notFound("Agent");
  }

  async create(organizationId: string, body: CreateToolBody) {
    await this.checkAgent(organizationId, body.agentId);
    const enabledFunctions = body.enabledFunctions?.values ?? defaultEnabledFunctions(body.type);
    const definition = validateTool({ type: body.type, definition: body.definition ?? null, enabledFunctions });
    const row = await this.repo.create({
      organizationId,
      name: body.name,
      description: body.description ?? "",
      type: body.type,
      definition,
      agentId: body.agentId ?? null,
      enabledFunctions: [...new Set(enabledFunctions)],
      isActive: false,
    });
    if (!row) throw nameTaken(body.name);
    return toTool(row);
  }

  async list(organizationId: string, agentId: string | undefined, limit: number, offset: number) {
    const { items, total } = await this.repo.list(organizationId, agentId, limit, offset);
    return { items: items.map(toTool), total };
  }

  async get(organizationId: string, id: string) {
    const row = await this.repo.find(organizationId, id);
    if (!row) throw notFound("Tool");
    return toTool(row);
  }

  /** Validates the tool as it will be after the change, not just the fields sent. */
  async update(organizationId: string, id: string, body: UpdateToolBody) {
    const current = await this.get(organizationId, id);
    if (body.agentId !== undefined) await this.checkAgent(organizationId, body.agentId);
    const type = body.type ?? current.type;
    const enabledFunctions = body.enabledFunctions?.values ?? current.enabledFunctions.values;
    const definition = validateTool({
      type,
      definition: body.definition !== undefined ? body.definition : current.definition,
      enabledFunctions,
    });
    const row = await this.repo.update(id, {
      name: body.name,
      description: body.description,
      type,
      definition,
      isActive: body.isActive,
      agentId: body.agentId,
      enabledFunctions: [...new Set(enabledFunctions)],
    });
    if (!row) throw nameTaken(body.name ?? current.name);
    return toTool(row);
  }

  async delete(organizationId: string, id: string) {
    if (!(await this.repo.delete(organizationId, id))) throw notFound("Tool");
    return { id };
  }
}
