import type { CalcomEventType } from "@agni/calcom";
import {
  API_KEY_PLACEHOLDER,
  CALCOM_FUNCTIONS,
  CALCOM_FUNCTION_NAMES as NAME,
  DEFAULT_HOLDING_MESSAGES,
  WEBHOOK_FORMATS,
  type CalcomFunction,
  type ExportFormat,
  type HoldingMessage,
  type Tool,
  type ToolExport,
} from "@agni/contracts";
import { AppError } from "../../errors/app-error";
import { acceptsPhoneOnly, requiredQuestions } from "../appointments/booking-fields";
import { calendarMcpTool } from "./mcp-tool";
import { ELEVENLABS, OPENAI_STRICT, strictSchema, translateSchema, VAPI } from "./platform-schemas";
import { inactiveToolMessage } from "./tools.service";

/** A platform-neutral function: a name, what it does, and a JSON Schema for its arguments. */
export interface FunctionSpec {
  name: string;
  description: string;
  parameters: { type: "object"; properties: Record<string, unknown>; required: string[]; additionalProperties?: boolean };
  /** What a voice agent says while it runs (calendar functions). */
  holding?: HoldingMessage;
}

interface ToolLike {
  name: string;
  description: string;
  type: string;
  definition: unknown;
  enabledFunctions: string[];
}


const str = (description: string, extra: Record<string, unknown> = {}) => ({ type: "string", description, ...extra });
const TIMEZONE = str("The caller's IANA time zone, e.g. America/New_York. Every time in the answer is spoken in it.");
const WHEN = str("The appointment time in ISO 8601. With an offset (Z, +05:30) it is that instant; without one it is wall-clock time in `timezone`, e.g. 2026-05-04T14:30.");
const DAYS = { type: "integer", minimum: 1, maximum: 30, description: "How many days ahead to look (default 7)." };
const APPOINTMENT = str("The appointment id returned when it was booked (or its Cal.com booking uid).");

/**
 * The arguments of a function that books for the caller (book, instant): who they are, `extra`, and the event type's
 * required questions as required arguments (label as description, options as enum); email is required unless the
 * event type lets phone-only callers book.
 */
function callerArguments(eventType: CalcomEventType | null, extra: Record<string, unknown>, requiredExtra: string[] = []): FunctionSpec["parameters"] {
  const questions = eventType ? requiredQuestions(eventType) : [];
  const phoneOnly = eventType ? acceptsPhoneOnly(eventType) : false;
  const properties: Record<string, unknown> = {
    name: str("The caller's full name."),
    email: str(phoneOnly ? "The caller's email address (or give phone)." : "The caller's email address.", { format: "email" }),
    phone: str("The caller's phone number in E.164 form, e.g. +14155550123.", { pattern: "^\\+[1-9]\\d{6,14}$" }),
    timezone: TIMEZONE,
    ...extra,
  };
  for (const q of questions) properties[q.slug] = str(q.label, q.options ? { enum: q.options } : {});
  return { type: "object", properties, required: ["name", ...(phoneOnly ? [] : ["email"]), "timezone", ...requiredExtra, ...questions.map((q) => q.slug)] };
}

/**
 * The functions of a `calcom` tool: one per enabled function, each with exactly the arguments it needs.
 */
export function calcomFunctions(tool: ToolLike, eventType: CalcomEventType | null): FunctionSpec[] {
  const definition = tool.definition as { description?: string; holding_messages?: Partial<Record<CalcomFunction, Partial<HoldingMessage>>> } | null;
  const about = definition?.description ?? tool.description;
  const suffix = about ? ` ${about}` : "";
  const fns: Record<CalcomFunction, () => FunctionSpec> = {
    availability: () => ({
      name: NAME.availability,
      description: `List every open appointment time for the next days, grouped by day.${suffix}`,
      parameters: { type: "object", properties: { timezone: TIMEZONE, days_ahead: DAYS }, required: ["timezone"] },
    }),
    suggest: () => ({
      name: NAME.suggest,
      description: `Offer a few well-spread open times to read to the caller.${suffix}`,
      parameters: { type: "object", properties: { timezone: TIMEZONE, days_ahead: DAYS }, required: ["timezone"] },
    }),
    book: () => ({
      name: NAME.book,
      description: `Book an appointment at a time the caller chose.${suffix}`,
      parameters: callerArguments(eventType, { appointment_datetime: WHEN, notes: str("Anything the host should know.") }, ["appointment_datetime"]),
    }),
    reschedule: () => ({
      name: NAME.reschedule,
      description: `Move an existing appointment to a new time.${suffix}`,
      parameters: { type: "object", properties: { appointment_id: APPOINTMENT, timezone: TIMEZONE, appointment_datetime: WHEN, notes: str("Why it moves.") }, required: ["appointment_id", "timezone", "appointment_datetime"] },
    }),
    cancel: () => ({
      name: NAME.cancel,
      description: `Cancel an existing appointment.${suffix}`,
      parameters: { type: "object", properties: { appointment_id: APPOINTMENT, timezone: TIMEZONE, notes: str("Why it is cancelled.") }, required: ["appointment_id", "timezone"] },
    }),
    confirm: () => ({
      name: NAME.confirm,
      description: `For the host: accept a booking request that awaits the host's confirmation.${suffix}`,
      parameters: { type: "object", properties: { appointment_id: APPOINTMENT, timezone: TIMEZONE }, required: ["appointment_id", "timezone"] },
    }),
    decline: () => ({
      name: NAME.decline,
      description: `For the host: decline a booking request that awaits the host's confirmation.${suffix}`,
      parameters: { type: "object", properties: { appointment_id: APPOINTMENT, timezone: TIMEZONE, notes: str("Why the host declines it; the caller is told.") }, required: ["appointment_id", "timezone"] },
    }),
    link: () => ({
      name: NAME.link,
      description: `Get a link to the booking page, with the caller's details and chosen time filled in, for the caller to confirm the booking themself.${suffix}`,
      parameters: {
        type: "object",
        properties: {
          name: str("The caller's full name."),
          email: str("The caller's email address.", { format: "email" }),
          timezone: TIMEZONE,
          appointment_datetime: WHEN,
          notes: str("Anything the host should know."),
        },
        required: ["timezone"],
      },
    }),
    instant: () => ({
      name: NAME.instant,
      description: `For an urgent request: start a video meeting right now with whoever on the team answers (event types set up for instant meetings only), and get the link the caller joins with. Not for booking a later time.${suffix}`,
      parameters: callerArguments(eventType, { notes: str("What the caller needs, for whoever on the team answers.") }),
    }),
    find: () => ({
      name: NAME.find,
      description: `Find the caller's upcoming appointments (their ids, for rescheduling or cancelling) by the phone number or email address they booked with, or by their name and the day of the appointment. A name alone is not enough.${suffix}`,
      parameters: {
        type: "object",
        properties: {
          phone: str("The phone number the caller booked with, in any format, e.g. (415) 555-0100 or +14155550100."),
          email: str("The email address the caller booked with.", { format: "email" }),
          name: str("The caller's full name (give date too)."),
          date: str("The day of the appointment, YYYY-MM-DD, in the caller's time zone.", { pattern: "^\\d{4}-\\d{2}-\\d{2}$" }),
          timezone: TIMEZONE,
        },
        required: ["timezone"],
      },
    }),
    waitlist: () => ({
      name: NAME.waitlist,
      description: `When none of the offered times suits the caller: put them on the waitlist to be called or texted back if a time inside the window they would take opens up. If the window has open times already, they are returned to offer instead.${suffix}`,
      parameters: {
        type: "object",
        properties: {
          name: str("The caller's full name."),
          phone: str("The phone number to call or text back, in any format, e.g. (415) 555-0100 or +14155550100."),
          email: str("The email address to write to (if no phone).", { format: "email" }),
          window_start: str("The earliest start the caller would take, ISO 8601 (without an offset: wall-clock time in `timezone`)."),
          window_end: str("The latest start the caller would take, ISO 8601, at most 30 days after window_start."),
          expires_at: str("Optional: stop looking after this time (default and latest: window_end)."),
          timezone: TIMEZONE,
        },
        required: ["name", "window_start", "window_end", "timezone"],
      },
    }),
  };
  return (Object.keys(fns) as CalcomFunction[])
    .filter((action) => tool.enabledFunctions.includes(action))
    .map((action) => ({ ...fns[action](), holding: { ...DEFAULT_HOLDING_MESSAGES[action], ...definition?.holding_messages?.[action] } }));
}

/** A `function`/`webhook`/`custom` tool: its stored declaration. */
export function storedFunction(tool: ToolLike): FunctionSpec {
  if (!["function", "webhook", "custom"].includes(tool.type)) {
    throw new AppError("INVALID_REQUEST", `Tools of type ${tool.type} run inside the voice runtime and have no function to export`);
  }
  const d = (tool.definition ?? {}) as { name?: string; description?: string; parameters?: FunctionSpec["parameters"] };
  return {
    name: d.name ?? tool.name,
    description: d.description ?? tool.description,
    parameters: { type: "object", properties: {}, required: [], ...(d.parameters ?? {}) },
  };
}

/** How long Vapi waits for the invoke answer before saying the `delayed` holding sentence. */
export const VAPI_DELAYED_AFTER_MS = 3000;

/**
 * The functions in a platform's own shape, each meeting that platform SDK's type (test/tool-export-platforms.int.test.ts
 * compiles them against it). Voice platforms get a webhook definition whose URL is `invokeUrl(functionName)`, whose
 * API-key header is a placeholder for the user to fill in, and which says the function's holding sentences.
 */
export function renderFunctions(format: ExportFormat, fns: FunctionSpec[], invokeUrl: (fn: string) => string): Record<string, unknown>[] {
  const headers = { "X-Api-Key": API_KEY_PLACEHOLDER };
  const strict = (f: FunctionSpec) => strictSchema(translateSchema(f.parameters, OPENAI_STRICT));
  switch (format) {
    case "openai":
      return fns.map((f) => ({ type: "function", function: { name: f.name, description: f.description, parameters: f.parameters } }));
    case "openai-strict":
      return fns.map((f) => ({ type: "function", function: { name: f.name, description: f.description, parameters: strict(f), strict: true } }));
    case "openai-responses":
      return fns.map((f) => ({ type: "function", name: f.name, description: f.description, parameters: strict(f), strict: true }));
    case "anthropic":
      return fns.map((f) => ({ name: f.name, description: f.description, input_schema: f.parameters }));
    case "mcp":
      return fns.map((f) => ({ name: f.name, description: f.description, inputSchema: f.parameters }));
    case "retell":
      return fns.map((f) => ({
        type: "custom",
        name: f.name,
        description: f.description,
        url: invokeUrl(f.name),
        method: "POST",
        headers,
        // Retell's parameters object takes type, properties and required only.
        parameters: { type: "object", properties: f.parameters.properties, required: f.parameters.required },
        speak_during_execution: f.holding !== undefined,
        ...(f.holding ? { execution_message_description: f.holding.start, execution_message_type: "static_text" } : {}),
        speak_after_execution: true,
        timeout_ms: 10_000,
      }));
    case "vapi":
      return fns.map((f) => {
        const { properties } = translateSchema(f.parameters, VAPI);
        const messages = f.holding
          ? [
              { type: "request-start", content: f.holding.start, blocking: false },
              { type: "request-response-delayed", content: f.holding.delayed, timingMilliseconds: VAPI_DELAYED_AFTER_MS },
            ]
          : [];
        return {
          type: "function",
          function: { name: f.name, description: f.description, parameters: { type: "object", properties, required: f.parameters.required } },
          server: { url: invokeUrl(f.name), headers },
          ...(messages.length > 0 ? { messages } : {}),
        };
      });
    case "elevenlabs":
      return fns.map((f) => {
        const { properties } = translateSchema(f.parameters, ELEVENLABS);
        return {
          type: "webhook",
          name: f.name,
          description: f.description,
          api_schema: {
            url: invokeUrl(f.name),
            method: "POST",
            request_headers: headers,
            request_body_schema: { type: "object", description: f.description, properties, required: f.parameters.required },
          },
        };
      });
  }
}

/** Exports active tools: reads the tool, and for a `calcom` tool the agent's event type through its Cal.com account. */
export class ToolExporter {
  constructor(
    private readonly tools: { get(organizationId: string, id: string): Promise<Tool> },
    private readonly eventTypes: { eventTypeForAgent(organizationId: string, agentId: string): Promise<CalcomEventType | null> },
  ) {}

  /** `baseUrl` is where the platform reaches this API (for the webhook formats). */
  async export(organizationId: string, id: string, format: ExportFormat, baseUrl = ""): Promise<ToolExport> {
    const tool = await this.tools.get(organizationId, id);
    if (!tool.isActive) throw new AppError("FORBIDDEN", inactiveToolMessage(tool.id));
    const like = { ...tool, enabledFunctions: tool.enabledFunctions.values };
    const invokeUrl = (fn: string) => `${baseUrl}/api/v1/tools/${tool.id}/invoke?format=${format}&function=${fn}`;
    if (tool.type !== "calcom") {
      if ((WEBHOOK_FORMATS as readonly string[]).includes(format)) throw new AppError("INVALID_REQUEST", `Only calendar (calcom) tools can be exported as ${format} webhooks; ${tool.type} tools call your own endpoint`);
      return { format, tool_id: tool.id, event_type_id: null, tools: renderFunctions(format, [storedFunction(like)], invokeUrl) };
    }
    const eventType = tool.agentId ? await this.eventTypes.eventTypeForAgent(organizationId, tool.agentId) : null;
    const fns = calcomFunctions(like, eventType);
    if (fns.length === 0) throw new AppError("INVALID_REQUEST", `This calendar tool enables no functions; set enabledFunctions (${CALCOM_FUNCTIONS.join(", ")})`);
    const tools = format === "mcp" ? fns.map(calendarMcpTool) : renderFunctions(format, fns, invokeUrl);
    return { format, tool_id: tool.id, event_type_id: eventType?.id ?? null, tools };
  }
}
