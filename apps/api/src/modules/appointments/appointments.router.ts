import { contract } from "@agni/contracts";
import { initServer } from "@ts-rest/express";
import { authOf } from "../../http/auth";
import type { AppointmentsService } from "./appointments.service";

const s = initServer();

export function appointmentsRouter(service: AppointmentsService) {
  return s.router(contract.appointments, {
    manageAppointment: async ({ body, headers, res }) => service.manage(authOf(res).orgId, body, headers["idempotency-key"]),
    listAppointments: async ({ query, res }) => {
      const data = await service.list(authOf(res).orgId, query.agent_id, query.status, query.limit);
      return { status: 200, body: { success: true, message: "Appointments retrieved", data } };
    },
    getAppointment: async ({ params, res }) => {
      const appointment = await service.get(authOf(res).orgId, params.appointment_id);
      return { status: 200, body: { success: true, message: "Appointment retrieved", data: { appointment } } };
    },
    listEventTypes: async ({ query, res }) => {
      const event_types = await service.eventTypes(authOf(res).orgId, query.agent_id);
      return { status: 200, body: { success: true, message: "Event types retrieved", data: { event_types } } };
    },
    lookupEventType: async ({ params, query, res }) => {
      const event_type = await service.eventTypeById(authOf(res).orgId, query.agent_id, Number(params.platform_id));
      return { status: 200, body: { success: true, message: "Event type retrieved", data: { event_type } } };
    },
  });
}
