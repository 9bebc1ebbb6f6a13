import type { SlotCache } from "../../slots/slot-cache";
import type { WaitlistRepository } from "../../waitlist/waitlist.repository";
import type { AppointmentLocks } from "../appointment-lock";
import type { AppointmentsRepository } from "../appointments.repository";

/** What the action handlers work with besides the calendar and the command. */
export interface ActionDeps {
  repo: AppointmentsRepository;
  locks: AppointmentLocks;
  /** Free slots for suggest/availability; book and its alternatives never read it. */
  slots: SlotCache;
  /** The waitlist the `waitlist` action adds callers to. */
  waitlist: WaitlistRepository;
  now: () => Date;
}
