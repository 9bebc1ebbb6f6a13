import { initContract } from "@ts-rest/core";
import { z } from "zod";
import { ErrorEnvelopeSchema, listEnvelope, OrgQuerySchema, successEnvelope, uuid } from "../common/envelope.js";
import { commonResponses } from "../common/responses.js";
import { CreditChargeSchema, CreditSettingsSchema, ListCreditChargesQuerySchema, UpdateCreditSettingsBodySchema } from "./credits.schemas.js";

const c = initContract();

export const creditsContract = c.router(
  {
    getCreditSettings: {
      method: "GET",
      path: "/credits/settings",
      query: OrgQuerySchema,
      responses: { 200: successEnvelope(CreditSettingsSchema) },
      summary: "The organisation's credit metering settings",
      description: "Whether agent interactions are metered against the Cal.com credit balance, in which mode, and what each action costs. Off until enabled; default costs: book 1, reschedule 1, the rest 0.",
    },
    updateCreditSettings: {
      method: "PUT",
      path: "/credits/settings",
      query: OrgQuerySchema,
      body: UpdateCreditSettingsBodySchema,
      responses: { 200: successEnvelope(CreditSettingsSchema) },
      summary: "Turn credit metering on or off, choose hard or soft mode, set the credits per action",
      description:
        "With metering on, a call session's first billable action (cost > 0) checks Cal.com `GET /v2/credits/available` (cached 30 s per account). With none left, `hard` refuses the action (402 PAYMENT_REQUIRED with a sentence for the caller); `soft` lets it go on and records it. Credits add up per call session and are charged once, when the call is completed. `credits_per_action` replaces the whole map.",
    },
    listCreditCharges: {
      method: "GET",
      path: "/credits/charges",
      query: ListCreditChargesQuerySchema.merge(OrgQuerySchema),
      responses: { 200: listEnvelope(CreditChargeSchema) },
      summary: "Call sessions' credits and their charges, newest first",
      description: "One row per metered call session: its credits, its status (`open` while the call goes on, `charging`, `charged`, `unpaid` when Cal.com refused the charge) and Cal.com's `externalRef`.",
    },
    completeCall: {
      method: "POST",
      path: "/calcom/agents/:agent_id/calls/:call_session_id/complete",
      pathParams: z.object({ agent_id: uuid("agent_id"), call_session_id: z.string().min(1).max(200) }),
      query: OrgQuerySchema,
      body: c.noBody(),
      responses: { 200: successEnvelope(CreditChargeSchema), 409: ErrorEnvelopeSchema, 502: ErrorEnvelopeSchema },
      summary: "Call completed: charge the call session's credits in Cal.com, once",
      description:
        "Charges the session's accumulated credits with `POST /v2/credits/charge` (`creditFor: AI_AGENT`, `externalRef` = the call session), so a retry — or two completions at once — never charges twice: the second answer is the first's charge. A session with nothing billable is recorded as charged with 0 credits. When Cal.com refuses the charge the session is recorded `unpaid`; when Cal.com cannot be reached (502) the session stays open and completing it again is safe.",
    },
  },
  { pathPrefix: "/api/v1", strictStatusCodes: true, commonResponses },
);
