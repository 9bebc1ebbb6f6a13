import { manageBodyFromToolCall, ManageAppointmentBodySchema, type ManageResult } from "@agni/contracts";
import { AppError, invalidRequest } from "../../errors/app-error";
import type { AppointmentsService } from "./appointments.service";

/** How a function call ended: not a calendar function, refused or failed (an error to say), or done. */
export type FunctionCallOutcome = { kind: "unknown" } | { kind: "failed"; error: AppError } | { kind: "done"; result: ManageResult };

/**
 * The one runner for calendar function calls — a voice platform's webhook (`/tools/{id}/invoke`) and an MCP
 * `tools/call` — through the manage endpoint's own code path: the function names the action, the arguments are
 * checked by the manage schema, then validation, idempotency and messages are the manage endpoint's.
 */
export class FunctionCalls {
  constructor(private readonly appointments: AppointmentsService) {}

  /** `callSessionId` (the platform's call id) makes retries within one phone call idempotent, unless the arguments name one. */
  async run(organizationId: string, agentId: string, name: string, args: Record<string, unknown>, callSessionId?: string): Promise<FunctionCallOutcome> {
    const body = manageBodyFromToolCall(name, args, agentId);
    if (!body) return { kind: "unknown" };
    if (callSessionId && body.call_session_id === undefined) body.call_session_id = callSessionId;
    try {
      const parsed = ManageAppointmentBodySchema.safeParse(body);
      if (!parsed.success) throw invalidRequest(parsed.error.issues.map((i) => `${i.path.join(".") || "arguments"}: ${i.message}`).join("; "));
      return { kind: "done", result: await this.appointments.manage(organizationId, parsed.data) };
    } catch (err) {
      if (err instanceof AppError) return { kind: "failed", error: err };
      throw err;
    }
  }
}
