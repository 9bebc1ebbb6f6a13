import { initContract } from "@ts-rest/core";
import { z } from "zod";
import { ErrorEnvelopeSchema, listEnvelope, OrgQuerySchema, successEnvelope, uuid } from "../common/envelope.js";
import { PagingQuerySchema } from "../common/paging.js";
import { commonResponses } from "../common/responses.js";
import { CreateToolBodySchema, EXPORT_FORMATS, ToolExportSchema, ToolSchema, UpdateToolBodySchema, WEBHOOK_FORMATS } from "./tools.schemas.js";

const c = initContract();
const IdParams = z.object({ id: uuid("id") });

export const ToolListQuerySchema = PagingQuerySchema.merge(OrgQuerySchema).extend({
  agentId: uuid("agentId").optional(),
  agent_id: uuid("agent_id").optional(),
});

export const toolsContract = c.router(
  {
    createTool: {
      method: "POST",
      path: "/tools/",
      query: OrgQuerySchema,
      body: CreateToolBodySchema,
      responses: { 201: successEnvelope(ToolSchema), 409: ErrorEnvelopeSchema },
      summary: "Create a tool (inactive until activated)",
      description: "Creates a tool. `definition` has the shape of the tool's `type` (one schema per type: a custom HTTP endpoint, a function declaration with a JSON Schema for its parameters, a transfer number…); a `calcom` tool needs none, its functions are compiled from the agent's Cal.com event type.",
    },
    listTools: {
      method: "GET",
      path: "/tools/",
      query: ToolListQuerySchema,
      responses: { 200: listEnvelope(ToolSchema) },
      summary: "List tools, optionally for one agent",
      description: "Pages through the organisation's tools; `agentId` (or `agent_id`) keeps those of one agent.",
    },
    exportTool: {
      method: "GET",
      path: "/tools/:id/export",
      pathParams: IdParams,
      query: OrgQuerySchema.extend({
        format: z.enum(EXPORT_FORMATS, { errorMap: () => ({ message: `format must be one of ${EXPORT_FORMATS.join(", ")}` }) }),
      }),
      responses: { 200: successEnvelope(ToolExportSchema), 502: ErrorEnvelopeSchema },
      summary: "The tool as a function definition for an LLM or agent platform (a calcom tool is compiled from its event type)",
      description:
        "The tool in the shape an LLM API or voice platform expects (`format`), one entry per function, each passing that platform SDK's own type: `openai` (Chat Completions `ChatCompletionTool`, the schema as it is), `openai-strict` (the same with `strict: true`: every property required, optional ones nullable, `additionalProperties: false`), `openai-responses` (Responses API `FunctionTool`, strict likewise), `anthropic` (`Tool`), `mcp` (`Tool`), `retell` (custom function), `vapi` (function tool) and `elevenlabs` (webhook tool). JSON Schema keywords a platform does not take (Vapi and ElevenLabs: `minimum`, `maximum`, `pattern`, most `format`s) are said in the property's description instead. Webhook formats (retell, vapi, elevenlabs) point at this API's invoke endpoint, carry a placeholder where the platform must send an API key, and say a holding sentence while the function runs (Vapi `request-start` and `request-response-delayed` messages, Retell's execution message): per function from the calcom tool's `definition.holding_messages`, else a default such as \"Let me check the calendar…\".",
    },
    invokeTool: {
      method: "POST",
      path: "/tools/:id/invoke",
      pathParams: IdParams,
      query: OrgQuerySchema.extend({
        format: z.enum(WEBHOOK_FORMATS, { errorMap: () => ({ message: `format must be one of ${WEBHOOK_FORMATS.join(", ")}` }) }),
        function: z.string().max(64).optional(),
      }),
      body: z.record(z.unknown()),
      responses: { 200: z.record(z.unknown()), 422: ErrorEnvelopeSchema, 502: ErrorEnvelopeSchema },
      summary: "Where Retell, Vapi and ElevenLabs send a calendar tool call (as exported); answers in the platform's shape",
      description: "The webhook a voice platform calls when its model uses an exported calendar tool: reads the call in the platform's shape (`format`), runs the appointment action on the tool's agent and answers in the platform's shape.",
    },
    getTool: {
      method: "GET",
      path: "/tools/:id/",
      pathParams: IdParams,
      query: OrgQuerySchema,
      responses: { 200: successEnvelope(ToolSchema) },
      summary: "Get Agent Tool",
      description: "One tool of the organisation, with its definition and enabled functions.",
    },
    updateTool: {
      method: "PATCH",
      path: "/tools/:id/",
      pathParams: IdParams,
      query: OrgQuerySchema,
      body: UpdateToolBodySchema,
      responses: { 200: successEnvelope(ToolSchema), 409: ErrorEnvelopeSchema },
      summary: "Update a tool",
      description: "Changes the fields in the body. The definition is checked against the tool's type after the change (the body's `type`, else the current one).",
    },
    deleteTool: {
      method: "DELETE",
      path: "/tools/:id/",
      pathParams: IdParams,
      query: OrgQuerySchema,
      body: c.noBody(),
      responses: { 200: successEnvelope(z.object({ id: z.string() })) },
      summary: "Delete a tool",
      description: "Deletes the tool; its id answers 404 from then on.",
    },
  },
  { pathPrefix: "/api/v1", strictStatusCodes: true, commonResponses },
);
