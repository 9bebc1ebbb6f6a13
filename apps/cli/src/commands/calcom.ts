import { unwrap } from "@agni/client";
import type { ConnectCalcomBody } from "@agni/contracts";
import type { Command } from "commander";
import { action } from "../action";
import { envValue } from "../config";
import { UsageError, type CliContext } from "../context";
import { keyValues, objectOutput, table, type Column, type Output } from "../output";

interface AccountRow {
  id: string;
  account_name: string;
  status: string;
  error: string | null;
  api_key?: string | null;
  api_base_url?: string;
}

/** The org status's accounts carry the masked key and the base URL; an agent's private status (the seed's shape) does not. */
const ORG_ACCOUNT_COLUMNS: readonly Column<AccountRow>[] = [
  ["ID", (a) => a.id],
  ["NAME", (a) => a.account_name],
  ["STATUS", (a) => a.status],
  ["KEY", (a) => a.api_key],
  ["API", (a) => a.api_base_url],
  ["ERROR", (a) => a.error],
];
export const AGENT_ACCOUNT_COLUMNS: readonly Column<AccountRow>[] = [
  ["ID", (a) => a.id],
  ["NAME", (a) => a.account_name],
  ["STATUS", (a) => a.status],
  ["ERROR", (a) => a.error],
];

/** `connected`/`status` and a table of accounts: the shape of both the org status and an agent's private status. */
export function statusOutput(
  body: { message: string; data: { connected: boolean; status: string; accounts: AccountRow[] } },
  columns: readonly Column<AccountRow>[] = ORG_ACCOUNT_COLUMNS,
): Output {
  return {
    body,
    human: () => {
      const { connected, status, accounts } = body.data;
      const head = keyValues([
        ["connected", connected],
        ["status", status],
      ]);
      return accounts.length === 0 ? head : `${head}\n\n${table(accounts, columns)}`;
    },
  };
}

/** The options of both connect commands (org-level and agent private key). */
export function withConnectOptions(command: Command): Command {
  // Not --api-key: that global option is the Agni API key this command authenticates with.
  return command
    .option("--calcom-api-key <key>", "the Cal.com API key (default: $CALCOM_API_KEY, which keeps it out of shell history)")
    .option("--account-name <name>", 'a label for the account (default "Default")')
    .option("--api-base-url <url>", "Cal.com API base URL (default https://api.cal.com)");
}

/** The options `withConnectOptions` adds. */
export type ConnectOptions = { calcomApiKey?: string; accountName?: string; apiBaseUrl?: string };

export function connectBody(options: ConnectOptions, ctx: CliContext): ConnectCalcomBody {
  const apiKey = options.calcomApiKey ?? envValue(ctx.env, "CALCOM_API_KEY");
  if (apiKey === undefined) throw new UsageError("pass --calcom-api-key <key> or set CALCOM_API_KEY");
  return { api_key: apiKey, account_name: options.accountName, api_base_url: options.apiBaseUrl };
}

export function registerCalcom(program: Command, ctx: CliContext): void {
  const calcom = program.command("calcom").description("The organisation's Cal.com connection");

  withConnectOptions(calcom.command("connect").description("Connect an org-level Cal.com account (the key is checked with Cal.com)")).action(
    action<ConnectOptions>(ctx, async ({ client, query }, _args, options) => {
      const body = await unwrap(client.calcom.connectCalcom({ query, body: connectBody(options, ctx) }));
      return objectOutput(body, { withMessage: true });
    }),
  );

  calcom
    .command("status")
    .description("Org-level connection status and accounts")
    .action(action(ctx, async ({ client, query }) => statusOutput(await unwrap(client.calcom.getCalcomStatus({ query })))));

  calcom
    .command("disconnect")
    .description("Disconnect org-level accounts (all, or one with --provider-id)")
    .option("--provider-id <id>", "only this account")
    .action(
      action<{ providerId?: string }>(ctx, async ({ client, query }, _args, options) => {
        const body = await unwrap(client.calcom.disconnectCalcom({ query, body: { provider_id: options.providerId } }));
        return objectOutput(body, { withMessage: true });
      }),
    );

  calcom
    .command("sync <account>")
    .description("Reconcile a Cal.com account's mirror now (an org-level account or an agent's private one, by id)")
    .action(
      action(ctx, async ({ client, query }, [account]) =>
        objectOutput(await unwrap(client.calcom.syncCalcomAccount({ params: { account_id: account }, query })), { withMessage: true }),
      ),
    );
}
