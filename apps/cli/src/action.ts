import { createAgniClient, type AgniClient } from "@agni/client";
import type { Command, OptionValues } from "commander";
import { version } from "../package.json";
import { resolveConfig, type CliConfig, type GlobalOptions } from "./config";
import { CliError, type CliContext } from "./context";
import { jsonText, type Output } from "./output";

/** What a command's handler gets besides its own arguments and options. */
export interface Run {
  ctx: CliContext;
  config: CliConfig;
  /** The API client; asking for it without credentials fails with a hint. */
  readonly client: AgniClient;
  /** The credential as the client sends it, for requests outside the contract (the MCP relay); same hint without one. */
  readonly authHeaders: Record<string, string>;
  /** The `org_id` query fallback (`--org`) that every authenticated route accepts. */
  query: { org_id?: string };
}

/**
 * A handler returns what to print, or null when it wrote nothing to stdout itself (a long-running server). `O` is the
 * shape of the command's options as its declaration makes commander parse them (flags in camelCase, parsed values).
 */
export type Handler<O> = (run: Run, args: string[], options: O) => Promise<Output | null>;

const USER_AGENT = { "user-agent": `agni-cli/${version}` };

/** The request headers that carry the configured credential (a Bearer token, else an API key); fails without one. */
function credentialHeaders(config: CliConfig): Record<string, string> {
  if (config.token !== undefined) return { authorization: `Bearer ${config.token}` };
  if (config.apiKey !== undefined) return { "x-api-key": config.apiKey };
  throw new CliError("not authenticated: set AGNI_TOKEN (export AGNI_TOKEN=$(agni auth token --org <id>)) or AGNI_API_KEY, or pass --token / --api-key");
}

function clientFor(ctx: CliContext, config: CliConfig): AgniClient {
  credentialHeaders(config);
  return createAgniClient({ baseUrl: config.apiUrl, token: config.token, apiKey: config.apiKey, fetch: ctx.fetch, headers: USER_AGENT });
}

function authHeadersFor(config: CliConfig): Record<string, string> {
  return { ...USER_AGENT, ...credentialHeaders(config) };
}

/**
 * Wraps a handler as a commander action: resolves the global options, hands the handler a Run, and prints what it
 * returns (raw JSON with `--json`). Errors propagate to `runCli`, which turns them into one stderr line and an exit code.
 */
export function action<O extends OptionValues = Record<string, unknown>>(ctx: CliContext, handler: Handler<O>) {
  return async (...params: unknown[]): Promise<void> => {
    // commander calls actions with (...positional arguments, options, command).
    const command = params.at(-1) as Command;
    const args = params.slice(0, -2) as string[];
    const config = resolveConfig(command.optsWithGlobals<GlobalOptions>(), ctx.env);
    let client: AgniClient | undefined;
    const run: Run = {
      ctx,
      config,
      get client() {
        return (client ??= clientFor(ctx, config));
      },
      get authHeaders() {
        return authHeadersFor(config);
      },
      query: config.org === undefined ? {} : { org_id: config.org },
    };
    const output = await handler(run, args, command.opts<O>());
    if (output) ctx.stdout(`${config.json ? jsonText(output.body) : output.human()}\n`);
  };
}
