import { AgniApiError } from "@agni/client";
import { Command, CommanderError, Help, type Option } from "commander";
import { version } from "../package.json";
import { registerAgentCalcom } from "./commands/agent-calcom";
import { registerAgents } from "./commands/agents";
import { registerApiKeys } from "./commands/api-keys";
import { registerAppointments, registerEventTypes } from "./commands/appointments";
import { registerAuth } from "./commands/auth";
import { registerCalcom } from "./commands/calcom";
import { registerCredits } from "./commands/credits";
import { registerMcp } from "./commands/mcp";
import { registerTools } from "./commands/tools";
import { registerWaitlist } from "./commands/waitlist";
import { registerWebhooks } from "./commands/webhooks";
import { DEFAULT_API_URL } from "./config";
import { describeError, errorEnvelope, UsageError, type CliContext } from "./context";
import { jsonText } from "./output";

/** Commander's description of an option, marked when the option must be given. */
function optionDescription(this: Help, option: Option): string {
  const text = Help.prototype.optionDescription.call(this, option);
  return option.mandatory ? `${text} (required)` : text;
}

/** Builds the `agni` command tree. Settings made here before the commands are added are inherited by all of them. */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command("agni")
    .description("Developer CLI for the Agni API")
    .version(version)
    .exitOverride()
    .configureHelp({ showGlobalOptions: true, optionDescription })
    .configureOutput({ writeOut: (text) => ctx.stdout(text), writeErr: (text) => ctx.stderr(text) })
    .option("--api-url <url>", `API base URL (env AGNI_API_URL, default ${DEFAULT_API_URL})`)
    .option("--token <jwt>", "JWT sent as Authorization: Bearer (env AGNI_TOKEN)")
    .option("--api-key <key>", "organisation API key sent as X-Api-Key (env AGNI_API_KEY)")
    .option("--org <id>", "organisation: the claim of `auth token`; elsewhere the org_id query fallback")
    .option("--json", "print the raw JSON response body");

  registerAuth(program, ctx);
  registerAgents(program, ctx);
  registerTools(program, ctx);
  registerCalcom(program, ctx);
  registerAgentCalcom(program, ctx);
  registerApiKeys(program, ctx);
  registerAppointments(program, ctx);
  registerEventTypes(program, ctx);
  registerWebhooks(program, ctx);
  registerCredits(program, ctx);
  registerWaitlist(program, ctx);
  registerMcp(program, ctx);
  return program;
}

export { describeError };

/**
 * Runs the CLI on `argv` (without `node` and the script) and returns the exit code: 0 success, 1 failure (the API
 * said no, or could not be reached), 2 usage error. Never calls process.exit.
 */
export async function runCli(argv: readonly string[], ctx: CliContext): Promise<number> {
  const program = buildProgram(ctx);
  try {
    await program.parseAsync([...argv], { from: "user" });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander has already printed the help, the version or its own "error: …" line.
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof AgniApiError && program.opts<{ json?: boolean }>().json) {
      // --json: the API's error envelope (details included) on stdout, as its answers are; the exit code is the same.
      ctx.stdout(`${jsonText(errorEnvelope(err))}\n`);
      return 1;
    }
    ctx.stderr(`error: ${describeError(err)}\n`);
    return err instanceof UsageError ? 2 : 1;
  }
}
