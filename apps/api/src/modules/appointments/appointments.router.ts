import { contract } from "@agni/contracts";
import { initServer } from "@ts-rest/express";
import { authOf } from "../../http/auth";
import type { AppointmentReads } from "./appointment-reads";
import type { AppointmentsService } from "./appointments.service";
import type { EventTypesService } from "./event-types";

const s = initServer();

export function appointmentsRouter(services: { manage: AppointmentsService; reads: AppointmentReads; eventTypes: EventTypesService }) {
  const { manage, reads, eventTypes } = services;
  return s.router(contract.appointments, {
    manageAppointment: async ({ body, headers, res }) => {
      const data = await manage.manage(authOf(res).orgId, body, headers["idempotency-key"]);
      return { status: 200, body: { success: true, message: data.message, data } };
    },
    listAppointments: async ({ query, res }) => {
      const data = await reads.list(authOf(res).orgId, query.agent_id, query.status, query.limit);
      return { status: 200, body: { success: true, message: "Appointments retrieved", data } };
    },
    getAppointment: async ({ params, res }) => {
      const appointment = await reads.get(authOf(res).orgId, params.appointment_id);
      return { status: 200, body: { success: true, message: "Appointment retrieved", data: { appointment } } };
    },
    listEventTypes: async ({ query, res }) => {
      const event_types = await eventTypes.list(authOf(res).orgId, query.agent_id);
      return { status: 200, body: { success: true, message: "Event types retrieved", data: { event_types } } };
    },
    lookupEventType: async ({ params, query, res }) => {
      const event_type = await eventTypes.byId(authOf(res).orgId, query.agent_id, Number(params.platform_id));
      return { status: 200, body: { success: true, message: "Event type retrieved", data: { event_type } } };
    },
  });
}
