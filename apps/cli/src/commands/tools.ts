import { readFileSync } from "node:fs";
import path from "node:path";
import { unwrap } from "@agni/client";
import { EXPORT_FORMATS, TOOL_TYPES, type ExportFormat, type Tool, type UpdateToolBody } from "@agni/contracts";
import { Option, type Command } from "commander";
import { action } from "../action";
import { UsageError, type CliContext } from "../context";
import { jsonObjectArg, noneToNull, parseList, withPaging, type PagingOptions } from "../options";
import { jsonText, listOutput, objectOutput, type Column } from "../output";

const COLUMNS: readonly Column<Tool>[] = [
  ["ID", (t) => t.id],
  ["NAME", (t) => t.name],
  ["TYPE", (t) => t.type],
  ["ACTIVE", (t) => t.isActive],
  ["AGENT", (t) => t.agentId],
  ["FUNCTIONS", (t) => t.enabledFunctions.values],
];

/** The tool fields both `create` and `update` take. */
function withToolFields(command: Command): Command {
  return command
    .option("--description <text>", "what the tool does, for the model")
    .option("--definition <json>", "the type's definition as JSON (null to clear)")
    .option("--definition-file <path>", "read the definition from a JSON file")
    .option("--agent <id>", "attach to an agent (none to detach)")
    .option("--enabled-functions <list>", "for calcom tools: book,reschedule,cancel,suggest,availability", parseList);
}

type ToolFieldOptions = {
  name?: string;
  type?: Tool["type"];
  description?: string;
  definition?: string;
  definitionFile?: string;
  agent?: string;
  enabledFunctions?: string[];
  active?: boolean;
};

function definitionFrom(options: ToolFieldOptions, cwd: string): Record<string, unknown> | null | undefined {
  if (options.definitionFile === undefined) return jsonObjectArg("--definition", options.definition);
  if (options.definition !== undefined) throw new UsageError("pass --definition or --definition-file, not both");
  const file = path.resolve(cwd, options.definitionFile);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new UsageError(`cannot read --definition-file ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return jsonObjectArg(`--definition-file ${file}`, text);
}

function toolFields(options: ToolFieldOptions, cwd: string): UpdateToolBody {
  return {
    name: options.name,
    type: options.type,
    description: options.description,
    definition: definitionFrom(options, cwd),
    agentId: noneToNull(options.agent),
    enabledFunctions: options.enabledFunctions === undefined ? undefined : { values: options.enabledFunctions },
    isActive: options.active,
  };
}

export function registerTools(program: Command, ctx: CliContext): void {
  const tools = program.command("tools").description("Manage agent tools");
  const typeOption = (description: string) => new Option("--type <type>", description).choices(TOOL_TYPES);

  withPaging(tools.command("list").description("List tools").option("--agent <id>", "only this agent's tools")).action(
    action<PagingOptions & { agent?: string }>(ctx, async ({ client, query }, _args, options) => {
      const body = await unwrap(
        client.tools.listTools({ query: { ...query, agentId: options.agent, limit: options.limit, offset: options.offset } }),
      );
      return listOutput(body, COLUMNS, "tools");
    }),
  );

  tools
    .command("get <id>")
    .description("Show a tool")
    .action(action(ctx, async ({ client, query }, [id]) => objectOutput(await unwrap(client.tools.getTool({ params: { id }, query })))));

  tools
    .command("export <id>")
    .description("The tool as function definitions for a platform (paste-ready JSON; --json for the whole answer)")
    .addOption(new Option("--format <format>", "target platform").choices(EXPORT_FORMATS).makeOptionMandatory())
    .action(
      action<{ format: ExportFormat }>(ctx, async ({ client, query }, [id], options) => {
        const body = await unwrap(client.tools.exportTool({ params: { id }, query: { ...query, format: options.format } }));
        return { body, human: () => jsonText(body.data.tools) };
      }),
    );

  withToolFields(
    tools
      .command("create")
      .description("Create a tool (inactive until activated)")
      .requiredOption("--name <name>", "lowercase letters, digits and underscores")
      .addOption(typeOption("tool type").makeOptionMandatory()),
  ).action(
    action<ToolFieldOptions & { name: string; type: Tool["type"] }>(ctx, async ({ client, query }, _args, options) => {
      const { isActive: _ignored, ...fields } = toolFields(options, ctx.cwd);
      const body = await unwrap(client.tools.createTool({ query, body: { ...fields, name: options.name, type: options.type } }));
      return objectOutput(body, { withMessage: true });
    }),
  );

  withToolFields(
    tools
      .command("update <id>")
      .description("Change a tool's fields")
      .option("--name <name>", "new name")
      .addOption(typeOption("new type"))
      .option("--active", "activate the tool")
      .option("--no-active", "deactivate the tool"),
  ).action(
    action<ToolFieldOptions>(ctx, async ({ client, query }, [id], options) => {
      const fields = toolFields(options, ctx.cwd);
      if (Object.values(fields).every((v) => v === undefined)) throw new UsageError("tools update: pass at least one field to change (see --help)");
      return objectOutput(await unwrap(client.tools.updateTool({ params: { id }, query, body: fields })), { withMessage: true });
    }),
  );

  for (const [verb, isActive] of [["activate", true], ["deactivate", false]] as const) {
    tools
      .command(`${verb} <id>`)
      .description(isActive ? "Activate a tool: agents may call it, and it can be exported" : "Deactivate a tool: it serves no call and no export")
      .action(
        action(ctx, async ({ client, query }, [id]) => {
          const body = await unwrap(client.tools.updateTool({ params: { id }, query, body: { isActive } }));
          return { body, human: () => `Tool ${verb}d\n${objectOutput(body).human()}` };
        }),
      );
  }

  tools
    .command("delete <id>")
    .description("Delete a tool")
    .action(
      action(ctx, async ({ client, query }, [id]) =>
        objectOutput(await unwrap(client.tools.deleteTool({ params: { id }, query })), { withMessage: true }),
      ),
    );
}
