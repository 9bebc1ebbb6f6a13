import { ERROR_STATUS, type ErrorCode } from "./common/errors.js";
import type { ToolType } from "./tools/tools.schemas.js";

// Example answers for the OpenAPI document, by operation id and status (error envelopes come from errorExample
// unless a route names its own). The seed routes carry theirs in the contract
// (copied from the original pages); these cover the rest. openapi.test.ts parses every one with its route's schema.

const ORG = "org_acme";
const AGENT_ID = "0192f5d4-7a10-7c3b-9d2a-5b6c7d8e9f01";
const TOOL_ID = "0192f5d4-7b20-7c3b-9d2a-5b6c7d8e9f02";
const ACCOUNT_ID = "0192f5d4-8a1e-7c3b-9d2a-5b6c7d8e9f01";
const APPOINTMENT_ID = "0192f5d5-1c40-7c3b-9d2a-5b6c7d8e9f03";
const KEY_ID = "0192f5d4-6f00-7c3b-9d2a-5b6c7d8e9f04";
const WEBHOOK_ID = "0192f5d6-0a10-7c3b-9d2a-5b6c7d8e9f06";
const DELIVERY_ID = "0192f5d6-2c30-7c3b-9d2a-5b6c7d8e9f08";
const CREATED = "2026-11-24T09:00:00.000Z";
const ok = (message: string, data: unknown, extra: Record<string, unknown> = {}) => ({ success: true, message, data, ...extra });
const page = { total: "1", limit: 50, offset: 0 };

const apiKey = { id: KEY_ID, name: "runtime", prefix: "agni_Xq3f", createdAt: CREATED, lastUsedAt: null, revokedAt: null };
const agent = {
  id: AGENT_ID,
  organizationId: ORG,
  agentName: "Front desk",
  status: "ACTIVE",
  calendarTimezone: "Europe/Berlin",
  calcomEventTypeId: 1234,
  selectedTools: [TOOL_ID],
  prompt: "You book appointments for Acme Dental.",
  beginMessage: "Hello, Acme Dental, how can I help?",
  settings: { voice: "alloy" },
  createdAt: CREATED,
  updatedAt: CREATED,
  calcomConnectionType: "agent",
  calcomAccountId: ACCOUNT_ID,
  calcomAccountName: "Default",
  calcomApiUrl: "https://api.cal.com",
  calcomStatus: "active",
  calcomApiKey: "cal_live_…9f3a",
};
const tool = {
  id: TOOL_ID,
  organizationId: ORG,
  name: "book_appointment",
  description: "Check availability and book appointments on the agent's Cal.com calendar",
  type: "calcom",
  definition: {},
  isActive: false,
  agentId: AGENT_ID,
  enabledFunctions: { values: ["suggest", "book", "reschedule"] },
  createdAt: CREATED,
  updatedAt: CREATED,
};
const calcomUser = { id: 48213, username: "acme-dental", email: "desk@acme.example", time_zone: "Europe/Berlin" };
const connected = {
  provider_id: ACCOUNT_ID,
  account_name: "Default",
  status: "active",
  connected_at: CREATED,
  api_base_url: "https://api.cal.com",
  api_key: "cal_live_…9f3a",
  calcom_user: calcomUser,
};
const appointment = {
  id: APPOINTMENT_ID,
  calcom_booking_uid: "8cTq2vXbN4rLkP7w",
  calcom_booking_uids: ["8cTq2vXbN4rLkP7w"],
  organization_id: ORG,
  agent_id: AGENT_ID,
  calcom_account_id: ACCOUNT_ID,
  attendee_name: "Mira Shah",
  attendee_email: "mira@example.com",
  attendee_phone: null,
  attendee_timezone: "Europe/Berlin",
  start_time: "2026-11-25T09:00:00.000Z",
  end_time: "2026-11-25T09:30:00.000Z",
  duration_minutes: 30,
  status: "accepted",
  host_name: "Dana Levi",
  calcom_team_id: null,
  call_session_id: "call_7f2c",
  source: "agni",
  no_show: false,
};
const eventType = {
  id: 1234,
  title: "Check-up",
  slug: "check-up",
  length_in_minutes: 30,
  length_options: [],
  hidden: false,
  required_questions: [{ slug: "reason", label: "Reason for the visit", type: "select", options: ["Check-up", "Pain", "Cleaning"] }],
};

const webhook = {
  id: WEBHOOK_ID,
  url: "https://crm.acme.example/agni/events",
  events: ["appointment.booked", "appointment.rescheduled", "appointment.cancelled"],
  description: "CRM sync",
  created_at: CREATED,
};
const delivery = {
  id: DELIVERY_ID,
  subscription_id: WEBHOOK_ID,
  event_id: "0192f5d6-1b20-7c3b-9d2a-5b6c7d8e9f07",
  event_type: "appointment.booked",
  status: "succeeded",
  attempt_count: 2,
  created_at: "2026-11-24T09:05:00.000Z",
  next_attempt_at: null,
  last_attempt_at: "2026-11-24T09:05:41.000Z",
  last_status_code: 200,
  last_error: null,
  attempts: [
    { at: "2026-11-24T09:05:00.120Z", status_code: 503, error: "The endpoint answered 503", duration_ms: 84 },
    { at: "2026-11-24T09:05:41.000Z", status_code: 200, error: null, duration_ms: 61 },
  ],
};

const booked = {
  success: true,
  message: "You're booked for tomorrow at 10:00 AM.",
  summary: "Appointment confirmed",
  action: "book",
  appointment_id: APPOINTMENT_ID,
  date_time: "2026-11-25T09:00:00.000Z",
  local_date_time: "2026-11-25T10:00:00+01:00",
  timezone: "Europe/Berlin",
  agent_name: "Front desk",
  available_slots: [],
};

const creditSettings = { enabled: true, mode: "hard", credits_per_action: { book: 1, reschedule: 1 }, updated_at: "2026-11-24T09:00:00.000Z" };
const creditCharge = {
  id: "0192f5d6-1b20-7c3b-9d2a-5b6c7d8e9f11",
  agent_id: AGENT_ID,
  call_session_id: "call_7f2c",
  credits: 2,
  actions: 2,
  status: "charged",
  no_credits_at_check: false,
  external_ref: `agni:${AGENT_ID}:call_7f2c`,
  last_error: null,
  charged_at: "2026-11-24T09:12:00.000Z",
  created_at: "2026-11-24T09:05:00.000Z",
};

const WAITLIST_ID = "0192f5d6-1b20-7c3b-9d2a-5b6c7d8e9f21";
const waitlistEntry = {
  id: WAITLIST_ID,
  agent_id: AGENT_ID,
  calcom_account_id: ACCOUNT_ID,
  event_type_id: 1234,
  attendee_name: "Ada Lovelace",
  attendee_email: null,
  attendee_phone: "+14155550100",
  attendee_timezone: "Europe/Berlin",
  window_start: "2026-11-25T07:00:00.000Z",
  window_end: "2026-11-25T11:00:00.000Z",
  expires_at: "2026-11-25T11:00:00.000Z",
  status: "waiting",
  offered_start: null,
  offered_end: null,
  offer_expires_at: null,
  held_in_calcom: false,
  call_session_id: "call_7f2c",
  created_at: "2026-11-24T09:05:00.000Z",
};

export const EXAMPLES: Record<string, Record<number, unknown>> = {
  health: { 200: { status: "ok" } },
  ready: { 200: { status: "ok", checks: { database: "ok" } }, 503: { status: "unavailable", checks: { database: "unavailable" } } },
  createApiKey: { 201: ok("API key created; store it now, it will not be shown again", { ...apiKey, key: "agni_Xq3fV9mB2kT7wR1yZ5cH8nJ4pL6sD0gA3eU9iO2tQ7x" }) },
  listApiKeys: { 200: ok("API keys fetched successfully", [apiKey], { meta: page }) },
  revokeApiKey: { 200: ok("API key revoked", { ...apiKey, revokedAt: "2026-11-24T12:00:00.000Z" }) },
  createAgent: { 201: ok("Agent created successfully", agent) },
  listAgents: { 200: ok("Agents fetched successfully", [agent], { meta: page }) },
  getAgent: { 200: ok("Agent fetched successfully", agent) },
  updateAgent: { 200: ok("Agent updated successfully", { ...agent, status: "INACTIVE", updatedAt: "2026-11-24T12:00:00.000Z" }) },
  deleteAgent: { 200: ok("Agent deleted successfully", { id: AGENT_ID }) },
  createTool: { 201: ok("Tool created successfully", tool) },
  listTools: { 200: ok("Tools fetched successfully", [tool], { meta: page }) },
  getTool: { 200: ok("Tool fetched successfully", tool) },
  updateTool: { 200: ok("Tool updated successfully", { ...tool, isActive: true, updatedAt: "2026-11-24T12:00:00.000Z" }) },
  deleteTool: { 200: ok("Tool deleted successfully", { id: TOOL_ID }) },
  exportTool: {
    200: ok("Tool exported", {
      format: "openai",
      tool_id: TOOL_ID,
      event_type_id: 1234,
      tools: [
        {
          type: "function",
          function: {
            name: "book_appointment",
            description: "Book the appointment at a time the caller chose.",
            parameters: {
              type: "object",
              properties: {
                appointment_datetime: { type: "string", description: "The chosen start time, as offered (ISO 8601)." },
                timezone: { type: "string", description: "The caller's IANA time zone." },
                name: { type: "string", description: "The caller's full name." },
                email: { type: "string", format: "email", description: "The caller's email address." },
                reason: { type: "string", enum: ["Check-up", "Pain", "Cleaning"], description: "Reason for the visit" },
              },
              required: ["appointment_datetime", "timezone", "name", "email", "reason"],
            },
          },
        },
      ],
    }),
  },
  invokeTool: { 200: { success: true, result: booked.message, data: booked } },
  connectCalcom: { 201: ok("Cal.com account connected", connected), 200: ok("Cal.com account reconnected", connected) },
  getCalcomStatus: {
    200: ok("Cal.com status retrieved", {
      connected: true,
      status: "active",
      accounts: [{ id: ACCOUNT_ID, account_name: "Default", status: "active", error: null, api_base_url: "https://api.cal.com", api_key: "cal_live_…9f3a", connected_at: CREATED, disconnected_at: null, calcom_user: calcomUser }],
    }),
  },
  disconnectCalcom: { 200: ok("Cal.com account disconnected", { disconnected: 1, provider_ids: [ACCOUNT_ID] }) },
  connectAgentCalcom: {
    201: ok("Agent Cal.com account connected", { ...connected, agent_id: AGENT_ID }),
    200: ok("Agent Cal.com account reconnected", { ...connected, agent_id: AGENT_ID }),
  },
  disconnectAgentCalcom: { 200: ok("Agent Cal.com account disconnected", { disconnected: 1, provider_ids: [ACCOUNT_ID], agent_id: AGENT_ID }) },
  assignAgentCalcomAccount: { 200: ok("Agent Cal.com account updated", { agent_id: AGENT_ID, agent_name: "Front desk", calcom_account_id: ACCOUNT_ID }) },
  getAgentCalcomInfo: {
    200: ok("Agent Cal.com info retrieved", {
      connected: true,
      type: "agent",
      calcom_account_id: ACCOUNT_ID,
      account_name: "Default",
      status: "active",
      api_base_url: "https://api.cal.com",
      agent_id: AGENT_ID,
      agent_name: "Front desk",
      error: null,
      api_key: "cal_live_…9f3a",
      calcom_user: calcomUser,
      event_type_id: 1234,
    }),
  },
  manageAppointment: { 200: ok(booked.message, booked) },
  listAppointments: { 200: ok("Appointments retrieved", { appointments: [appointment], count: 1, org_id: ORG, agent_id: AGENT_ID }) },
  getAppointment: { 200: ok("Appointment retrieved", { appointment }) },
  listEventTypes: { 200: ok("Event types retrieved", { event_types: [eventType] }) },
  lookupEventType: { 200: ok("Event type retrieved", { event_type: eventType }) },
  createWebhook: { 201: ok("Webhook created; store the secret now, it will not be shown again", { ...webhook, secret: "whsec_Kq8vN2mB5kT7wR1yZ4cH9nJ3pL6sD0gA2eU8iO1tQ5x" }) },
  listWebhooks: { 200: ok("Webhooks fetched successfully", [webhook], { meta: page }) },
  getWebhook: { 200: ok("Webhook fetched successfully", webhook) },
  deleteWebhook: { 200: ok("Webhook deleted; its deliveries have stopped", webhook) },
  listWebhookDeliveries: { 200: ok("Deliveries fetched successfully", [delivery], { meta: page }) },
  getCreditSettings: { 200: ok("Credit settings fetched successfully", creditSettings) },
  updateCreditSettings: { 200: ok("Credit metering is on (hard mode)", creditSettings) },
  listCreditCharges: { 200: ok("Credit charges fetched successfully", [creditCharge], { meta: page }) },
  completeCall: { 200: ok("Call completed; 2 credits charged", creditCharge) },
  listWaitlist: { 200: ok("Waitlist entries fetched successfully", [waitlistEntry], { meta: page }) },
  getWaitlistEntry: { 200: ok("Waitlist entry fetched successfully", waitlistEntry) },
  cancelWaitlistEntry: { 200: ok("Waitlist entry cancelled", { ...waitlistEntry, status: "cancelled" }) },
  redeliverWebhookDelivery: { 202: ok("Delivery queued", { ...delivery, status: "pending", next_attempt_at: "2026-11-24T12:00:00.000Z" }) },
};

/**
 * Examples of path and required query parameters, by the operation's tag and the parameter's name: the sample
 * resources above, so that a contract tester (Dredd, Schemathesis…) that creates them first can call every operation
 * with the document alone.
 */
const PARAMETER_EXAMPLES: Record<string, string> = {
  "api-keys.id": KEY_ID,
  "agents.id": AGENT_ID,
  "tools.id": TOOL_ID,
  "calcom.agent_id": AGENT_ID,
  "calcom.account_id": ACCOUNT_ID,
  "appointments.agent_id": AGENT_ID,
  "appointments.appointment_id": APPOINTMENT_ID,
  "calcom.platform_id": String(eventType.id),
  "webhooks.id": WEBHOOK_ID,
  "webhooks.delivery_id": DELIVERY_ID,
  "credits.agent_id": AGENT_ID,
  "credits.call_session_id": "call_7f2c",
  "waitlist.id": WAITLIST_ID,
};

/**
 * The example of a parameter of an operation with this tag: the first value of an enum, else PARAMETER_EXAMPLES'.
 * Throws for a parameter without one, so that no path or required parameter goes undocumented.
 */
export function parameterExample(tag: string, name: string, schema: { enum?: unknown[] } = {}): unknown {
  const example = schema.enum?.[0] ?? PARAMETER_EXAMPLES[`${tag}.${name}`];
  if (example === undefined) throw new Error(`no example for parameter ${name} of a "${tag}" operation: add one to PARAMETER_EXAMPLES`);
  return example;
}

const lookupPatient = {
  type: "object",
  properties: { phone: { type: "string", description: "The caller's phone number, E.164" } },
  required: ["phone"],
};

/** A tool definition for each tool type, as a client would send it (the API accepts each: openapi tests check). */
export const TOOL_DEFINITION_EXAMPLES: Record<ToolType, Record<string, unknown>> = {
  custom: { url: "https://crm.acme.example/patients/lookup", method: "POST", headers: { "X-Source": "agni" }, parameters: lookupPatient },
  function: { name: "lookup_patient", description: "Find the caller's patient record by phone number", parameters: lookupPatient },
  webhook: { name: "lookup_patient", description: "Find the caller's patient record by phone number", parameters: lookupPatient, url: "https://crm.acme.example/patients/lookup", method: "POST" },
  transfer_call: { phone_number: "+14155550123", message: "I'm transferring you to the front desk now." },
  end_call: { farewell: "Thank you for calling Acme Dental. Goodbye!" },
  ivr: { menu: [{ digit: "1", label: "Appointments" }, { digit: "2", label: "Billing" }] },
  calcom: {
    description: "Check availability and book, move or cancel appointments at Acme Dental",
    holding_messages: { book: { start: "One moment while I put that in the diary…" }, availability: { delayed: "The diary is slow today, bear with me…" } },
  },
};

const ERROR_MESSAGES: Partial<Record<ErrorCode, string>> = {
  INVALID_REQUEST: "agent_id must be a UUID",
  UNAUTHORIZED: "Missing credentials: send Authorization: Bearer <JWT> or X-Api-Key",
  FORBIDDEN: "Front desk's calendar tool does not allow \"cancel\" (enabled: suggest, book, reschedule)",
  NOT_FOUND: "Agent not found",
  CONFLICT: "This Idempotency-Key was already used for a different request; use a new key for a new request",
  PAYLOAD_TOO_LARGE: "Request body is too large",
  UNSUPPORTED_MEDIA_TYPE: "Request bodies must be JSON (Content-Type: application/json)",
  SLOT_UNAVAILABLE: "That time is no longer available.",
  RATE_LIMITED: "Too many requests for this credential; try again in 12 seconds",
  INTERNAL_ERROR: "Internal server error",
  BAD_GATEWAY: "I couldn't reach the calendar just now; please try again in a moment.",
  SERVICE_UNAVAILABLE: "The service's database is unavailable right now; try again in a moment",
};

/** An error envelope for a status: the first code that travels with it, with a message the API really sends. */
export function errorExample(status: number) {
  const code = (Object.keys(ERROR_STATUS) as ErrorCode[]).find((c) => ERROR_STATUS[c] === status);
  if (!code) return undefined;
  return { success: false, message: ERROR_MESSAGES[code] ?? code, code, request_id: "0192f5d5-2d50-7c3b-9d2a-5b6c7d8e9f05" };
}
