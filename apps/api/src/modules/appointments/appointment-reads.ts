import type { Appointment } from "@agni/contracts";
import { notFound } from "../../errors/app-error";
import { toAppointment } from "./appointment-view";
import type { AppointmentRow, AppointmentsRepository } from "./appointments.repository";
import { appointmentState } from "./speech-state";
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
    return this.told(row);
  }

  /** The appointment with what the agent tells a caller who calls back (pending, confirmed, declined, cancelled). */
  private async told(row: AppointmentRow): Promise<Appointment> {
    const declined = row.status === "cancelled" && (await this.repo.declined(row.organizationId, row.id));
    const state = appointmentState(row, declined, row.attendeeTimezone, this.now());
    return { ...toAppointment(row), status: declined ? "declined" : row.status, status_message: state.message };
  }

  /** The agent's calendar from the Cal.com mirror (kept by Cal.com's webhooks and reconciliation): no Cal.com call. */
  async list(organizationId: string, agentId: string, status: AppointmentStatusFilter = "upcoming", limit = 50) {
    const calendar = await this.calendars.open(organizationId, agentId);
    const rows = await this.repo.list(organizationId, agentId, { status, limit, now: this.now(), accountId: calendar.accountId, eventTypeId: calendar.agent.calcomEventTypeId });
    const appointments = await Promise.all(rows.map((row) => this.told(row)));
    return { appointments, count: appointments.length, org_id: organizationId, agent_id: agentId };
  }
}
