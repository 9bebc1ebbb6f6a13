import { unwrap } from "@agni/client";
import type { Command } from "commander";
import { action, type Run } from "../action";
import type { CliContext } from "../context";
import { noneToNull } from "../options";
import { objectOutput } from "../output";
import { AGENT_ACCOUNT_COLUMNS, connectBody, statusOutput, withConnectOptions, type ConnectOptions } from "./calcom";

async function assign({ client, query }: Run, agentId: string, accountId: string | null) {
  const body = await unwrap(client.calcom.assignAgentCalcomAccount({ params: { agent_id: agentId }, query, body: { calcom_account_id: accountId } }));
  return objectOutput(body, { withMessage: true });
}

export function registerAgentCalcom(program: Command, ctx: CliContext): void {
  const agentCalcom = program.command("agent-calcom").description("An agent's Cal.com connection (its private key, or an org account assigned to it)");

  agentCalcom
    .command("info <agentId>")
    .description("The agent's effective connection, with the Cal.com user and event type")
    .action(
      action(ctx, async ({ client, query }, [agentId]) =>
        objectOutput(await unwrap(client.calcom.getAgentCalcomInfo({ params: { agent_id: agentId }, query }))),
      ),
    );

  agentCalcom
    .command("account <agentId>")
    .description("The agent's effective account: private key, else assigned org account, else none")
    .action(
      action(ctx, async ({ client, query }, [agentId]) =>
        objectOutput(await unwrap(client.calcom.getAgentCalcomAccount({ params: { agent_id: agentId }, query }))),
      ),
    );

  agentCalcom
    .command("status <agentId>")
    .description("The agent's private connection(s)")
    .action(
      action(ctx, async ({ client, query }, [agentId]) =>
        statusOutput(await unwrap(client.calcom.getAgentCalcomStatus({ params: { agent_id: agentId }, query })), AGENT_ACCOUNT_COLUMNS),
      ),
    );

  withConnectOptions(agentCalcom.command("connect <agentId>").description("Give the agent its own Cal.com key")).action(
    action<ConnectOptions>(ctx, async ({ client, query }, [agentId], options) => {
      const body = await unwrap(client.calcom.connectAgentCalcom({ params: { agent_id: agentId }, query, body: connectBody(options, ctx) }));
      return objectOutput(body, { withMessage: true });
    }),
  );

  agentCalcom
    .command("disconnect <agentId>")
    .description("Remove the agent's private Cal.com connection")
    .action(
      action(ctx, async ({ client, query }, [agentId]) =>
        objectOutput(await unwrap(client.calcom.disconnectAgentCalcom({ params: { agent_id: agentId }, query })), {
          withMessage: true,
        }),
      ),
    );

  agentCalcom
    .command("assign <agentId>")
    .description("Assign an org-level account to the agent (--account none unassigns)")
    .requiredOption("--account <id>", "the org-level account id (see calcom status), or none")
    .action(action<{ account: string }>(ctx, async (run, [agentId], options) => assign(run, agentId, noneToNull(options.account))));

  agentCalcom
    .command("unassign <agentId>")
    .description("Unassign the agent's org-level account")
    .action(action(ctx, async (run, [agentId]) => assign(run, agentId, null)));
}
