import { ManageAppointmentBodySchema, type AppointmentAction } from "../appointments/appointments.schemas.js";

/** The function an exported `calcom` tool offers for each action (one per enabled function). */
export const CALCOM_FUNCTION_NAMES = {
  availability: "check_availability",
  suggest: "suggest_appointment_times",
  book: "book_appointment",
  reschedule: "reschedule_appointment",
  cancel: "cancel_appointment",
  link: "get_booking_link",
  confirm: "confirm_appointment",
  decline: "decline_appointment",
  find: "find_appointment",
  instant: "book_instant_meeting",
  waitlist: "join_waitlist",
} as const satisfies Record<AppointmentAction, string>;

/** The action each exported function runs (the inverse of CALCOM_FUNCTION_NAMES). */
export const CALCOM_FUNCTION_ACTIONS: Record<string, AppointmentAction> = Object.fromEntries(
  Object.entries(CALCOM_FUNCTION_NAMES).map(([action, name]) => [name, action as AppointmentAction]),
);

/** Manage fields a function call does not pass as arguments: the function and the caller bind them, or they hold the other arguments. */
const BOUND_FIELDS = new Set(["action", "agent_id", "org_id", "responses"]);
/** The manage body's fields a function call may pass as arguments, read from the manage schema itself. */
const MANAGE_FIELDS = new Set(Object.keys(ManageAppointmentBodySchema.innerType().shape).filter((field) => !BOUND_FIELDS.has(field)));

/**
 * The manage-endpoint body for a call of an exported calcom function (from an MCP client or an LLM's function call):
 * the function names the action, the agent is bound by the caller, and arguments that are not manage fields are the
 * event type's booking questions. Returns null for a name that is not a calcom function. The result is validated by
 * the manage endpoint's schema like any other request.
 */
export function manageBodyFromToolCall(name: string, args: Record<string, unknown>, agentId: string): Record<string, unknown> | null {
  const action = CALCOM_FUNCTION_ACTIONS[name];
  if (!action) return null;
  const body: Record<string, unknown> = { action, agent_id: agentId };
  const responses: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(args ?? {})) {
    if (value === undefined || value === null) continue;
    if (MANAGE_FIELDS.has(key)) body[key] = value;
    else responses[key] = value;
  }
  if (Object.keys(responses).length > 0) body.responses = responses;
  return body;
}
