import { unwrap, type AgniClient } from "@agni/client";
import { AgentStatusSchema, MAX_LIMIT, type Agent, type UpdateAgentBody } from "@agni/contracts";
import { InvalidArgumentError, type Command } from "commander";
import { action, type Run } from "../action";
import { UsageError, type CliContext } from "../context";
import { integerOrNoneArg, jsonObjectArg, parseList, withPaging, type PagingOptions } from "../options";
import { listOutput, objectOutput, type Column } from "../output";

/** The list's columns; TOOLS counts each agent's tools (`toolsOf`). */
const columns = (toolsOf: Map<string, Set<string>>): readonly Column<Agent>[] => [
  ["ID", (a) => a.id],
  ["NAME", (a) => a.agentName],
  ["STATUS", (a) => a.status],
  ["TIMEZONE", (a) => a.calendarTimezone],
  ["CALCOM", (a) => a.calcomConnectionType],
  ["TOOLS", (a) => toolsOf.get(a.id)?.size ?? 0],
];

/** Each agent's tools: those attached to it (a tool's `agentId`, as `tools create --agent` does) and those it selects (`selectedTools`). */
async function toolsOfAgents(client: AgniClient, query: Run["query"], agents: Agent[]): Promise<Map<string, Set<string>>> {
  const toolsOf = new Map(agents.map((a) => [a.id, new Set(a.selectedTools)]));
  for (let offset = 0; ; ) {
    const page = await unwrap(client.tools.listTools({ query: { ...query, limit: MAX_LIMIT, offset } }));
    for (const tool of page.data) if (tool.agentId !== null) toolsOf.get(tool.agentId)?.add(tool.id);
    offset += page.data.length;
    if (page.data.length === 0 || offset >= Number(page.meta.total)) return toolsOf;
  }
}

function parseStatus(value: string): Agent["status"] {
  const parsed = AgentStatusSchema.safeParse(value.toUpperCase());
  if (!parsed.success) throw new InvalidArgumentError(`Expected one of ${AgentStatusSchema.options.join(", ")}.`);
  return parsed.data;
}

/** The agent fields both `create` and `update` take. */
function withAgentFields(command: Command): Command {
  return command
    .option("--timezone <iana>", "calendar time zone, e.g. Europe/Berlin")
    .option("--status <status>", "ACTIVE or INACTIVE", parseStatus)
    .option("--event-type-id <id>", "Cal.com event type id (none to clear)")
    .option("--prompt <text>", "system prompt")
    .option("--begin-message <text>", "first thing the agent says")
    .option("--tools <ids>", "selected tool ids, comma-separated", parseList)
    .option("--settings <json>", "free-form settings object (null to clear)");
}

type AgentFieldOptions = {
  name?: string;
  timezone?: string;
  status?: Agent["status"];
  eventTypeId?: string;
  prompt?: string;
  beginMessage?: string;
  tools?: string[];
  settings?: string;
};

function agentFields(options: AgentFieldOptions): UpdateAgentBody {
  return {
    agentName: options.name,
    calendarTimezone: options.timezone,
    status: options.status,
    calcomEventTypeId: integerOrNoneArg("--event-type-id", options.eventTypeId),
    prompt: options.prompt,
    beginMessage: options.beginMessage,
    selectedTools: options.tools,
    settings: jsonObjectArg("--settings", options.settings),
  };
}

export function registerAgents(program: Command, ctx: CliContext): void {
  const agents = program.command("agents").description("Manage agents");

  withPaging(agents.command("list").description("List the organisation's agents")).action(
    action<PagingOptions>(ctx, async ({ client, query, config }, _args, options) => {
      const body = await unwrap(client.agents.listAgents({ query: { ...query, limit: options.limit, offset: options.offset } }));
      const toolsOf = config.json || body.data.length === 0 ? new Map<string, Set<string>>() : await toolsOfAgents(client, query, body.data);
      return listOutput(body, columns(toolsOf), "agents");
    }),
  );

  agents
    .command("get <id>")
    .description("Show an agent")
    .action(action(ctx, async ({ client, query }, [id]) => objectOutput(await unwrap(client.agents.getAgent({ params: { id }, query })))));

  withAgentFields(agents.command("create").description("Create an agent").requiredOption("--name <name>", "agent name")).action(
    action<AgentFieldOptions & { name: string }>(ctx, async ({ client, query }, _args, options) => {
      const body = await unwrap(client.agents.createAgent({ query, body: { ...agentFields(options), agentName: options.name } }));
      return objectOutput(body, { withMessage: true });
    }),
  );

  withAgentFields(agents.command("update <id>").description("Change an agent's fields").option("--name <name>", "agent name")).action(
    action<AgentFieldOptions>(ctx, async ({ client, query }, [id], options) => {
      const fields = agentFields(options);
      if (Object.values(fields).every((v) => v === undefined)) throw new UsageError("agents update: pass at least one field to change (see --help)");
      return objectOutput(await unwrap(client.agents.updateAgent({ params: { id }, query, body: fields })), { withMessage: true });
    }),
  );

  agents
    .command("delete <id>")
    .description("Delete an agent (its private Cal.com connection goes with it; its tools are detached)")
    .action(
      action(ctx, async ({ client, query }, [id]) =>
        objectOutput(await unwrap(client.agents.deleteAgent({ params: { id }, query })), { withMessage: true }),
      ),
    );
}
