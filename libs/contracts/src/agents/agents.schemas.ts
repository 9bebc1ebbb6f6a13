import { z } from "zod";
import { calcomIdInput, TimeZoneSchema, uuid } from "../common/envelope.js";

export const AgentStatusSchema = z.enum(["ACTIVE", "INACTIVE"]);
export const CalcomConnectionTypeSchema = z.enum(["agent", "org_linked", "none"]);
export type CalcomConnectionType = z.infer<typeof CalcomConnectionTypeSchema>;

/** An agent as the API returns it, with its derived (read-only) Cal.com fields. */
export const AgentSchema = z.object({
  id: z.string(),
  organizationId: z.string(),
  agentName: z.string(),
  status: AgentStatusSchema,
  calendarTimezone: z.string(),
  calcomEventTypeId: z.number().int().nullable(),
  selectedTools: z.array(z.string()),
  prompt: z.string().nullable(),
  beginMessage: z.string().nullable(),
  settings: z.record(z.unknown()).nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  calcomConnectionType: CalcomConnectionTypeSchema,
  calcomAccountId: z.string().nullable(),
  calcomAccountName: z.string().nullable(),
  calcomApiUrl: z.string().nullable(),
  calcomStatus: z.string().nullable(),
  /** Masked ("cal_…1234"); the key itself is never returned. */
  calcomApiKey: z.string().nullable(),
});
export type Agent = z.infer<typeof AgentSchema>;

const agentFields = {
  agentName: z.string().trim().min(1, "agentName must not be empty").max(200),
  status: AgentStatusSchema,
  calendarTimezone: TimeZoneSchema,
  calcomEventTypeId: calcomIdInput("calcomEventTypeId").nullable(),
  selectedTools: z.array(uuid("selectedTools[]")).max(100),
  prompt: z.string().max(100_000).nullable(),
  beginMessage: z.string().max(10_000).nullable(),
  settings: z.record(z.unknown()).nullable(),
};

export const CreateAgentBodySchema = z
  .object({
    ...agentFields,
    status: agentFields.status.optional(),
    calendarTimezone: agentFields.calendarTimezone.optional(),
    calcomEventTypeId: agentFields.calcomEventTypeId.optional(),
    selectedTools: agentFields.selectedTools.optional(),
    prompt: agentFields.prompt.optional(),
    beginMessage: agentFields.beginMessage.optional(),
    settings: agentFields.settings.optional(),
  })
  .strict();
export type CreateAgentBody = z.infer<typeof CreateAgentBodySchema>;

export const UpdateAgentBodySchema = z
  .object(agentFields)
  .partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, "the body must change at least one field");
export type UpdateAgentBody = z.infer<typeof UpdateAgentBodySchema>;
