import type { Appointment } from "@agni/contracts";
import { notFound } from "../../errors/app-error";
import { toAppointment } from "./appointment-view";
import type { AppointmentsRepository } from "./appointments.repository";
import type { Calendars } from "./calendar";

export type AppointmentStatusFilter = "upcoming" | "past" | "cancelled" | "all";

/** The one place appointments are read for answers: one by id (or Cal.com uid), and an agent's list. */
export class AppointmentReads {
  constructor(
    private readonly repo: AppointmentsRepository,
    private readonly calendars: Calendars,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async get(organizationId: string, idOrUid: string): Promise<Appointment> {
    const row = await this.repo.find(organizationId, idOrUid);
    if (!row) throw notFound("Appointment");
    return toAppointment(row);
  }

  /** The agent's calendar from the Cal.com mirror (kept by Cal.com's webhooks and reconciliation): no Cal.com call. */
  async list(organizationId: string, agentId: string, status: AppointmentStatusFilter = "upcoming", limit = 50) {
    const calendar = await this.calendars.open(organizationId, agentId);
    const rows = await this.repo.list(organizationId, agentId, { status, limit, now: this.now(), accountId: calendar.accountId, eventTypeId: calendar.agent.calcomEventTypeId });
    const appointments = rows.map(toAppointment);
    return { appointments, count: appointments.length, org_id: organizationId, agent_id: agentId };
  }
}
