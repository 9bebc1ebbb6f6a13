import { contract } from "@agni/contracts";
import { initServer } from "@ts-rest/express";
import { notFound } from "../../errors/app-error";
import { authOf } from "../../http/auth";
import type { WaitlistRepository } from "./waitlist.repository";
import { toWaitlistEntry } from "./waitlist-view";

const s = initServer();

/** `/waitlist`: the organisation's waiting callers, listed, read and cancelled (joining is the `waitlist` action). */
export function waitlistRouter(repo: WaitlistRepository, now: () => Date = () => new Date()) {
  const entry = async (orgId: string, id: string) => {
    const row = await repo.get(orgId, id);
    if (!row) throw notFound("Waitlist entry");
    return row;
  };
  return s.router(contract.waitlist, {
    listWaitlist: async ({ query, res }) => {
      const at = now();
      const { rows, total } = await repo.list(authOf(res).orgId, { agentId: query.agent_id, status: query.status }, query, at);
      const data = rows.map((r) => toWaitlistEntry(r, at));
      return { status: 200, body: { success: true, message: "Waitlist entries fetched successfully", data, meta: { total: String(total), limit: query.limit, offset: query.offset } } };
    },
    getWaitlistEntry: async ({ params, res }) => {
      const row = await entry(authOf(res).orgId, params.id);
      return { status: 200, body: { success: true, message: "Waitlist entry fetched successfully", data: toWaitlistEntry(row, now()) } };
    },
    cancelWaitlistEntry: async ({ params, res }) => {
      const row = await repo.cancel(authOf(res).orgId, params.id, now());
      if (!row) throw notFound("Waitlist entry");
      const data = toWaitlistEntry(row, now());
      const message = data.status === "cancelled" ? "Waitlist entry cancelled" : `The entry is already ${data.status}; nothing to cancel`;
      return { status: 200, body: { success: true, message, data } };
    },
  });
}
