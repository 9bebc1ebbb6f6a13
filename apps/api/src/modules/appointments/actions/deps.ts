import type { AppointmentLocks } from "../appointment-lock";
import type { AppointmentsRepository } from "../appointments.repository";

/** What the action handlers work with besides the calendar and the command. */
export interface ActionDeps {
  repo: AppointmentsRepository;
  locks: AppointmentLocks;
  now: () => Date;
}
