import { initContract } from "@ts-rest/core";
import { z } from "zod";
import { ErrorEnvelopeSchema, OrgQuerySchema, successEnvelope, uuid } from "../common/envelope.js";
import { commonResponses } from "../common/responses.js";
import {
  AppointmentListSchema,
  AppointmentSchema,
  EventTypeSummarySchema,
  ListAppointmentsQuerySchema,
  ManageAppointmentBodySchema,
  ManageResultSchema,
} from "./appointments.schemas.js";

const c = initContract();

export const appointmentsContract = c.router(
  {
    manageAppointment: {
      method: "POST",
      path: "/calcom/appointments/manage",
      query: OrgQuerySchema,
      headers: z.object({ "idempotency-key": z.string().min(1).max(255).optional() }),
      body: ManageAppointmentBodySchema,
      responses: {
        200: successEnvelope(ManageResultSchema),
        /** Credit metering in hard mode and no Cal.com credits left: `message` is the sentence for the caller. */
        402: ErrorEnvelopeSchema,
        409: ErrorEnvelopeSchema,
        422: ErrorEnvelopeSchema,
        502: ErrorEnvelopeSchema,
      },
      summary: "Check availability, suggest times, book, reschedule or cancel on the agent's effective Cal.com account",
      description: "One action per call (`action`: availability, suggest, book, reschedule or cancel) on the agent's effective Cal.com account. Every answer has a `message` to read to the caller, with times in the caller's zone. A repeated mutation (same Idempotency-Key, or the same content) returns the first answer instead of acting twice; a taken slot is 422 SLOT_UNAVAILABLE with the nearest alternatives.",
    },
    listAppointments: {
      method: "GET",
      path: "/calcom/appointments",
      query: ListAppointmentsQuerySchema,
      responses: { 200: successEnvelope(AppointmentListSchema), 502: ErrorEnvelopeSchema },
      summary: "An agent's appointments: those made through Agni merged with the account's Cal.com bookings",
      description: "Pages through an agent's appointments: those booked through Agni, merged with the bookings Cal.com holds for the agent's account.",
    },
    getAppointment: {
      method: "GET",
      path: "/calcom/appointments/:appointment_id",
      pathParams: z.object({ appointment_id: z.string().min(1).max(128) }),
      query: OrgQuerySchema,
      responses: { 200: successEnvelope(z.object({ appointment: AppointmentSchema })) },
      summary: "One appointment, by Agni id or by any Cal.com booking uid in its reschedule chain",
      description: "One appointment, found by its Agni id or by the uid of any Cal.com booking in its reschedule chain.",
    },
    listEventTypes: {
      method: "GET",
      path: "/calcom/event-types",
      query: OrgQuerySchema.extend({ agent_id: uuid("agent_id") }),
      responses: { 200: successEnvelope(z.object({ event_types: z.array(EventTypeSummarySchema) })), 502: ErrorEnvelopeSchema },
      summary: "Event types of the agent's effective Cal.com account",
      description: "The event types of the agent's effective Cal.com account, to choose the one the agent books.",
    },
    lookupEventType: {
      method: "GET",
      path: "/calcom/event-types/lookup/:platform_id",
      pathParams: z.object({ platform_id: z.string().regex(/^\d+$/, "platform_id must be a Cal.com event type id") }),
      query: OrgQuerySchema.extend({ agent_id: uuid("agent_id") }),
      responses: { 200: successEnvelope(z.object({ event_type: EventTypeSummarySchema })), 502: ErrorEnvelopeSchema },
      summary: "One Cal.com event type by its Cal.com id, with its required booking questions",
      description: "One event type by its Cal.com id, with the booking questions a caller must answer (they become required arguments of the agent's calendar tool).",
    },
  },
  { pathPrefix: "/api/v1", strictStatusCodes: true, commonResponses },
);
