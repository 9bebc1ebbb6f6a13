import { unwrap } from "@agni/client";
import { APPOINTMENT_ACTIONS, CREDIT_CHARGE_STATUSES, CREDIT_MODES, type CreditCharge, type CreditMode, type UpdateCreditSettingsBody } from "@agni/contracts";
import { InvalidArgumentError, Option, type Command } from "commander";
import { action } from "../action";
import type { CliContext } from "../context";
import { parseList, withPaging, type PagingOptions } from "../options";
import { listOutput, objectOutput, type Column } from "../output";

const COLUMNS: readonly Column<CreditCharge>[] = [
  ["ID", (c) => c.id],
  ["AGENT", (c) => c.agent_id],
  ["CALL", (c) => c.call_session_id],
  ["CREDITS", (c) => c.credits],
  ["STATUS", (c) => c.status],
  ["CHARGED", (c) => c.charged_at],
];

/** `book=1,reschedule=1` → `{book: 1, reschedule: 1}`. */
function parseCosts(value: string): Record<string, number> {
  const costs: Record<string, number> = {};
  for (const item of parseList(value)) {
    const [name, amount, ...rest] = item.split("=");
    if (!name || amount === undefined || rest.length > 0 || !/^\d+$/.test(amount.trim())) throw new InvalidArgumentError(`Expected action=credits pairs such as book=1,reschedule=1 (actions: ${APPOINTMENT_ACTIONS.join(", ")}).`);
    costs[name.trim()] = Number(amount);
  }
  return costs;
}

/** Credits per interaction: metering agent actions against the Cal.com credit balance, charged once per call. */
export function registerCredits(program: Command, ctx: CliContext): void {
  const credits = program.command("credits").description("Credits per interaction: metering settings, charges, completing a call");

  credits
    .command("settings")
    .description("Show the credit metering settings, or change them with the options")
    .option("--enable", "meter agent actions against the Cal.com credit balance")
    .option("--disable", "stop metering")
    .addOption(new Option("--mode <mode>", "hard: refuse without credits; soft: go on and record unpaid").choices(CREDIT_MODES))
    .option("--costs <pairs>", "credits per action, replacing the whole map, e.g. book=1,reschedule=1,cancel=0", parseCosts)
    .action(
      action<{ enable?: boolean; disable?: boolean; mode?: CreditMode; costs?: Record<string, number> }>(ctx, async ({ client, query }, _args, options) => {
        if (options.enable === undefined && options.disable === undefined && options.mode === undefined && options.costs === undefined) {
          return objectOutput(await unwrap(client.credits.getCreditSettings({ query })));
        }
        const body: UpdateCreditSettingsBody = {
          ...(options.enable || options.disable ? { enabled: options.enable === true && options.disable !== true } : {}),
          ...(options.mode ? { mode: options.mode } : {}),
          ...(options.costs ? { credits_per_action: options.costs as UpdateCreditSettingsBody["credits_per_action"] } : {}),
        };
        return objectOutput(await unwrap(client.credits.updateCreditSettings({ query, body })), { withMessage: true });
      }),
    );

  withPaging(
    credits
      .command("charges")
      .description("Call sessions' credits and charges, newest first")
      .addOption(new Option("--status <status>", "only charges with this status").choices(CREDIT_CHARGE_STATUSES)),
  ).action(
    action<PagingOptions & { status?: CreditCharge["status"] }>(ctx, async ({ client, query }, _args, options) =>
      listOutput(await unwrap(client.credits.listCreditCharges({ query: { ...query, limit: options.limit, offset: options.offset, status: options.status } })), COLUMNS, "charges"),
    ),
  );

  credits
    .command("complete <agent-id> <call-session-id>")
    .description("Call completed: charge the call's credits in Cal.com, once (safe to repeat)")
    .action(
      action(ctx, async ({ client, query }, [agentId, callSessionId]) =>
        objectOutput(await unwrap(client.credits.completeCall({ params: { agent_id: agentId, call_session_id: callSessionId }, query })), { withMessage: true }),
      ),
    );
}
