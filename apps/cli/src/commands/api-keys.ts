import { unwrap } from "@agni/client";
import type { ApiKey } from "@agni/contracts";
import type { Command } from "commander";
import { action } from "../action";
import type { CliContext } from "../context";
import { withPaging, type PagingOptions } from "../options";
import { listOutput, objectOutput, type Column } from "../output";

const COLUMNS: readonly Column<ApiKey>[] = [
  ["ID", (k) => k.id],
  ["NAME", (k) => k.name],
  ["PREFIX", (k) => k.prefix],
  ["CREATED", (k) => k.createdAt],
  ["LAST USED", (k) => k.lastUsedAt],
  ["REVOKED", (k) => k.revokedAt],
];

/** API-key management needs a JWT (`--token` / AGNI_TOKEN): an API key cannot manage keys. */
export function registerApiKeys(program: Command, ctx: CliContext): void {
  const apiKeys = program.command("api-keys").description("Organisation API keys for agent runtimes and servers (needs a JWT)");

  apiKeys
    .command("create")
    .description("Create an API key; the key is shown once")
    .requiredOption("--name <name>", "what the key is for")
    .action(
      action<{ name: string }>(ctx, async ({ client, query }, _args, options) =>
        objectOutput(await unwrap(client.apiKeys.createApiKey({ query, body: { name: options.name } })), { withMessage: true }),
      ),
    );

  withPaging(apiKeys.command("list").description("List API keys (never the secrets)")).action(
    action<PagingOptions>(ctx, async ({ client, query }, _args, options) => {
      const body = await unwrap(client.apiKeys.listApiKeys({ query: { ...query, limit: options.limit, offset: options.offset } }));
      return listOutput(body, COLUMNS, "API keys");
    }),
  );

  apiKeys
    .command("revoke <id>")
    .description("Revoke an API key; it stops working at once")
    .action(
      action(ctx, async ({ client, query }, [id]) =>
        objectOutput(await unwrap(client.apiKeys.revokeApiKey({ params: { id }, query })), { withMessage: true }),
      ),
    );
}
