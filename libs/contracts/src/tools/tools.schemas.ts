import { z } from "zod";
import { uuid } from "../common/envelope.js";
import { E164_PATTERN } from "../common/phone.js";

export const TOOL_TYPES = ["custom", "function", "webhook", "transfer_call", "end_call", "ivr", "calcom"] as const;
export const ToolTypeSchema = z.enum(TOOL_TYPES, {
  errorMap: () => ({ message: `type must be one of ${TOOL_TYPES.join(", ")}` }),
});
export type ToolType = z.infer<typeof ToolTypeSchema>;

/** What a `calcom` tool can be allowed to do; each maps to an action of the appointments endpoint. */
export const CALCOM_FUNCTIONS = ["book", "reschedule", "cancel", "suggest", "availability", "link", "confirm", "decline", "find", "instant", "waitlist"] as const;
export type CalcomFunction = (typeof CALCOM_FUNCTIONS)[number];
/**
 * The host's decisions on bookings awaiting confirmation: for host-side agents only, so a new calcom tool does not
 * enable them unless its `enabledFunctions` names them (a caller must never confirm their own request).
 */
export const HOST_ONLY_FUNCTIONS: readonly CalcomFunction[] = ["confirm", "decline"];
/**
 * Functions a new calcom tool enables only when its `enabledFunctions` names them: the host's decisions, and `instant`,
 * which rings a team and serves only event types set up for instant meetings (offering it to every agent's model would
 * invite calls that can only be refused).
 */
export const OPT_IN_FUNCTIONS: readonly CalcomFunction[] = [...HOST_ONLY_FUNCTIONS, "instant"];

export const TOOL_NAME_PATTERN = /^[a-z0-9_]+$/;
const identifier = (what: string) =>
  z
    .string()
    .min(1, `${what} must not be empty`)
    .max(64, `${what} must be at most 64 characters`)
    .regex(TOOL_NAME_PATTERN, `${what} may contain only lowercase letters, digits and underscores`);

/** A JSON Schema object (checked against the JSON Schema meta-schema by the API). */
export const JsonSchemaObjectSchema = z.record(z.unknown());

/** `custom`: an HTTP endpoint the agent platform calls. */
export const CustomToolDefinitionSchema = z
  .object({
    url: z
      .string()
      .url("definition.url must be an absolute URL")
      .refine((u) => /^https?:\/\//i.test(u), "definition.url must use http or https"),
    method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE"]).default("POST"),
    headers: z.record(z.string()).optional(),
    parameters: JsonSchemaObjectSchema,
  })
  .strict();

/** `function` / `webhook`: an OpenAI-style function declaration (a webhook also names its URL). */
export const FunctionToolDefinitionSchema = z
  .object({
    name: identifier("definition.name").optional(),
    description: z.string().max(1024).optional(),
    parameters: JsonSchemaObjectSchema,
    url: z.string().url("definition.url must be an absolute URL").optional(),
    method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE"]).optional(),
  })
  .strict();

/** `transfer_call`: where to transfer the caller. */
export const TransferCallDefinitionSchema = z
  .object({
    phone_number: z.string().regex(E164_PATTERN, "definition.phone_number must be in E.164 form (+14155550123)"),
    message: z.string().max(1000).optional(),
  })
  .strict();

/** Free-form settings for tools whose behaviour the voice runtime owns (`end_call`, `ivr`). */
export const OpaqueDefinitionSchema = z.record(z.unknown());

const holdingText = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(200, "must be at most 200 characters");

/** What the voice agent says while one calendar function runs: when it starts, and when the answer is slow. */
export const HoldingMessageSchema = z.object({ start: holdingText, delayed: holdingText }).partial().strict();
export type HoldingMessage = Required<z.infer<typeof HoldingMessageSchema>>;

/** Per calendar function; a function or a sentence left out keeps its default (DEFAULT_HOLDING_MESSAGES). */
export const HoldingMessagesSchema = z
  .object({
    book: HoldingMessageSchema,
    reschedule: HoldingMessageSchema,
    cancel: HoldingMessageSchema,
    suggest: HoldingMessageSchema,
    availability: HoldingMessageSchema,
    link: HoldingMessageSchema,
    confirm: HoldingMessageSchema,
    decline: HoldingMessageSchema,
    find: HoldingMessageSchema,
    instant: HoldingMessageSchema,
    waitlist: HoldingMessageSchema,
  })
  .partial()
  .strict();

/**
 * What Vapi (request-start, request-response-delayed) and Retell (the execution message) exports say while a calendar
 * function runs, unless the tool's `definition.holding_messages` says otherwise.
 */
export const DEFAULT_HOLDING_MESSAGES: Record<CalcomFunction, HoldingMessage> = {
  availability: { start: "Let me check the calendar…", delayed: "I'm still looking at the calendar, just a moment…" },
  suggest: { start: "Let me look for a few good times…", delayed: "Still looking, bear with me a moment…" },
  book: { start: "One moment while I book that…", delayed: "Still booking it, just a moment longer…" },
  reschedule: { start: "One moment while I move your appointment…", delayed: "Still moving it, just a moment longer…" },
  cancel: { start: "One moment while I cancel that…", delayed: "Still cancelling it, just a moment longer…" },
  link: { start: "One moment while I put the booking link together…", delayed: "Still preparing the link, just a moment…" },
  confirm: { start: "One moment while I confirm that booking…", delayed: "Still confirming it, just a moment longer…" },
  decline: { start: "One moment while I decline that booking…", delayed: "Still declining it, just a moment longer…" },
  find: { start: "Let me look up your appointment…", delayed: "Still looking for it, just a moment…" },
  instant: { start: "One moment while I get someone from the team for you…", delayed: "Still reaching the team, just a moment longer…" },
  waitlist: { start: "One moment while I put you on the waitlist…", delayed: "Still adding you, just a moment…" },
};

/**
 * `calcom`: the server knows the schema; a definition may override the description shown to the model and what the
 * agent says while each function runs (voice exports), and `links_only: true` restricts the agent to booking links
 * (book and reschedule answer with the Cal.com page where the caller confirms it themself; nothing is booked or moved
 * by the agent), and `default_region` (ISO 3166 country code, default "US") is how `find` reads a phone number given
 * without a country code.
 */
export const CalcomToolDefinitionSchema = z
  .object({
    description: z.string().max(1024).optional(),
    holding_messages: HoldingMessagesSchema.optional(),
    links_only: z.boolean().optional(),
    default_region: z
      .string()
      .regex(/^[A-Z]{2}$/, "default_region must be a two-letter country code in capitals, such as US or GB")
      .optional(),
    /**
     * When a freed time is offered to a waiting caller, also reserve it in Cal.com for this many minutes (1-15), so
     * nobody else can book it meanwhile; the caller's booking through the agent consumes the reservation. Absent: no
     * reservation, the time is only kept from the other waiting callers (10 minutes).
     */
    waitlist_hold_minutes: z.number().int().min(1, "waitlist_hold_minutes must be between 1 and 15").max(15, "waitlist_hold_minutes must be between 1 and 15").optional(),
  })
  .strict();

/** The definition schema each tool type must satisfy, and whether a definition is required. */
export const TOOL_DEFINITION_SCHEMAS: Record<ToolType, { schema: z.ZodTypeAny; required: boolean }> = {
  custom: { schema: CustomToolDefinitionSchema, required: true },
  function: { schema: FunctionToolDefinitionSchema, required: true },
  webhook: { schema: FunctionToolDefinitionSchema.extend({ url: z.string().url() }), required: true },
  transfer_call: { schema: TransferCallDefinitionSchema, required: true },
  end_call: { schema: OpaqueDefinitionSchema, required: false },
  ivr: { schema: OpaqueDefinitionSchema, required: false },
  calcom: { schema: CalcomToolDefinitionSchema, required: false },
};

export const EnabledFunctionsSchema = z
  .object({ values: z.array(identifier("enabledFunctions.values[]")).max(50) })
  .strict();

export const ToolSchema = z.object({
  id: z.string(),
  organizationId: z.string(),
  name: z.string(),
  description: z.string(),
  type: ToolTypeSchema,
  definition: z.record(z.unknown()).nullable(),
  isActive: z.boolean(),
  agentId: z.string().nullable(),
  enabledFunctions: z.object({ values: z.array(z.string()) }),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Tool = z.infer<typeof ToolSchema>;

export const CreateToolBodySchema = z
  .object({
    name: identifier("name"),
    description: z.string().max(2000).optional(),
    type: ToolTypeSchema,
    definition: z.record(z.unknown()).nullable().optional(),
    agentId: uuid("agentId").nullable().optional(),
    enabledFunctions: EnabledFunctionsSchema.optional(),
  })
  .strict();
export type CreateToolBody = z.infer<typeof CreateToolBodySchema>;

export const UpdateToolBodySchema = z
  .object({
    name: identifier("name"),
    description: z.string().max(2000),
    type: ToolTypeSchema,
    definition: z.record(z.unknown()).nullable(),
    isActive: z.boolean(),
    agentId: uuid("agentId").nullable(),
    enabledFunctions: EnabledFunctionsSchema,
  })
  .partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, "the body must change at least one field");
export type UpdateToolBody = z.infer<typeof UpdateToolBodySchema>;

/**
 * Platforms a tool can be exported to. `openai` is a Chat Completions tool with the schema as it is; `openai-strict`
 * the same with `strict: true` and a schema meeting strict mode's rules (every property required, optional ones
 * nullable, no other properties); `openai-responses` a Responses API function tool, strict likewise.
 */
export const EXPORT_FORMATS = ["openai", "openai-strict", "openai-responses", "anthropic", "mcp", "retell", "vapi", "elevenlabs"] as const;
/** Voice platforms that call Agni back over HTTP (`POST /tools/{id}/invoke?format=…`) when the model uses the tool. */
export const WEBHOOK_FORMATS = ["retell", "vapi", "elevenlabs"] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];
/** Exported webhook definitions carry this placeholder where the platform must send an Agni API key (never a real one). */
export const API_KEY_PLACEHOLDER = "<AGNI_API_KEY>";
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const ToolExportSchema = z.object({
  format: z.enum(EXPORT_FORMATS),
  tool_id: z.string(),
  /** Whether the Cal.com event type's questions were read (a `calcom` tool on an agent with a connected account). */
  event_type_id: z.number().int().nullable(),
  /** The tool in the platform's own shape: one entry per function (a `calcom` tool gives one per enabled function). */
  tools: z.array(z.record(z.unknown())),
});
export type ToolExport = z.infer<typeof ToolExportSchema>;
