import { unwrap } from "@agni/client";
import { WAITLIST_STATUSES, type WaitlistEntry, type WaitlistStatus } from "@agni/contracts";
import { Option, type Command } from "commander";
import { action } from "../action";
import type { CliContext } from "../context";
import { withPaging, type PagingOptions } from "../options";
import { listOutput, objectOutput, type Column } from "../output";

const COLUMNS: readonly Column<WaitlistEntry>[] = [
  ["ID", (e) => e.id],
  ["AGENT", (e) => e.agent_id],
  ["ATTENDEE", (e) => e.attendee_name],
  ["CONTACT", (e) => e.attendee_phone ?? e.attendee_email],
  ["WINDOW", (e) => `${e.window_start} – ${e.window_end}`],
  ["STATUS", (e) => e.status],
  ["OFFERED", (e) => e.offered_start],
];

/** Callers waiting for an earlier time (they join with `appointments waitlist`): listed, read, taken off. */
export function registerWaitlist(program: Command, ctx: CliContext): void {
  const waitlist = program.command("waitlist").description("Callers waiting for an earlier time: list, get, cancel (join with `appointments waitlist`)");

  withPaging(
    waitlist
      .command("list")
      .description("Waitlist entries, oldest first (the order freed times are offered in)")
      .option("--agent <id>", "only this agent's")
      .addOption(new Option("--status <status>", "only entries with this status").choices(WAITLIST_STATUSES)),
  ).action(
    action<PagingOptions & { agent?: string; status?: WaitlistStatus }>(ctx, async ({ client, query }, _args, options) =>
      listOutput(
        await unwrap(client.waitlist.listWaitlist({ query: { ...query, agent_id: options.agent, status: options.status, limit: options.limit, offset: options.offset } })),
        COLUMNS,
        "waitlist entries",
      ),
    ),
  );

  waitlist
    .command("get <id>")
    .description("One waitlist entry")
    .action(action(ctx, async ({ client, query }, [id]) => objectOutput(await unwrap(client.waitlist.getWaitlistEntry({ params: { id }, query })))));

  waitlist
    .command("cancel <id>")
    .description("Take the caller off the waitlist: no time is offered to them")
    .action(
      action(ctx, async ({ client, query }, [id]) => objectOutput(await unwrap(client.waitlist.cancelWaitlistEntry({ params: { id }, query })), { withMessage: true })),
    );
}
