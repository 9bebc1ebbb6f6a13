import type { Appointment } from "@agni/contracts";
import { notFound } from "../../errors/app-error";
import { fromCalcom, toAppointment } from "./appointment-view";
import type { AppointmentsRepository } from "./appointments.repository";
import type { Calendars } from "./calendar";
import { speakableCalcomError } from "../../errors/calcom-errors";

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

  /** Stored appointments merged with the account's Cal.com bookings that were not made through Agni. */
  async list(organizationId: string, agentId: string, status: AppointmentStatusFilter = "upcoming", limit = 50) {
    const calendar = await this.calendars.open(organizationId, agentId);
    const stored = await this.repo.list(organizationId, agentId, { status, limit, now: this.now() });
    const known = new Set(stored.flatMap((r) => r.calcomBookingUids));
    let external: Appointment[] = [];
    try {
      const bookings = await calendar.cal.bookings.list({
        ...(status === "all" ? {} : { status: [status] }),
        ...(calendar.agent.calcomEventTypeId ? { eventTypeId: calendar.agent.calcomEventTypeId } : {}),
        sortStart: "asc",
        take: limit,
      });
      external = bookings.filter((b) => !known.has(b.uid) && !b.rescheduledToUid).map((b) => fromCalcom(b, organizationId, agentId));
    } catch (err) {
      throw speakableCalcomError(err);
    }
    const appointments = [...stored.map(toAppointment), ...external].sort((a, b) => a.start_time.localeCompare(b.start_time)).slice(0, limit);
    return { appointments, count: appointments.length, org_id: organizationId, agent_id: agentId };
  }
}
