import { initContract } from "@ts-rest/core";
import { z } from "zod";
import { ErrorEnvelopeSchema, listEnvelope, OrgQuerySchema, successEnvelope, uuid } from "../common/envelope";
import { PagingQuerySchema } from "../common/paging";
import { commonResponses } from "../common/responses";
import { CreateToolBodySchema, EXPORT_FORMATS, ToolExportSchema, ToolSchema, UpdateToolBodySchema, WEBHOOK_FORMATS } from "./tools.schemas";

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
    },
    listTools: {
      method: "GET",
      path: "/tools/",
      query: ToolListQuerySchema,
      responses: { 200: listEnvelope(ToolSchema) },
      summary: "List tools, optionally for one agent",
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
    },
    getTool: {
      method: "GET",
      path: "/tools/:id/",
      pathParams: IdParams,
      query: OrgQuerySchema,
      responses: { 200: successEnvelope(ToolSchema) },
      summary: "Get Agent Tool",
    },
    updateTool: {
      method: "PATCH",
      path: "/tools/:id/",
      pathParams: IdParams,
      query: OrgQuerySchema,
      body: UpdateToolBodySchema,
      responses: { 200: successEnvelope(ToolSchema), 409: ErrorEnvelopeSchema },
      summary: "Update a tool",
    },
    deleteTool: {
      method: "DELETE",
      path: "/tools/:id/",
      pathParams: IdParams,
      query: OrgQuerySchema,
      body: c.noBody(),
      responses: { 200: successEnvelope(z.object({ id: z.string() })) },
      summary: "Delete a tool",
    },
  },
  { pathPrefix: "/api/v1", strictStatusCodes: true, commonResponses },
);
