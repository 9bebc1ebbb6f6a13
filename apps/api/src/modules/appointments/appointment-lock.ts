import { randomUUID } from "node:crypto";
import { AppError } from "../../errors/app-error";
import type { AppointmentRow, AppointmentsRepository } from "./appointments.repository";
import { DEFAULT_LEASE_MS } from "./idempotency";

const POLL_MS = 50;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What a change runs with: the appointment as it is once held, and whether a crashed change held it before. */
export interface HeldAppointment {
  row: AppointmentRow;
  /** The previous holder went silent past its lease: its change may have reached Cal.com without being recorded. */
  recovering: boolean;
  /** Another change held the appointment when this one asked, and this one waited for it to end. */
  waited: boolean;
}

/**
 * One change at a time per appointment, across processes: a lease in the appointment's row (`change_locked_until`),
 * taken by an atomic UPDATE and renewed while the change works, so no database transaction stays open across the
 * Cal.com call. A holder that dies leaves a lease that runs out and can be taken over.
 */
export class AppointmentLocks {
  constructor(
    private readonly repo: AppointmentsRepository,
    private readonly leaseMs = DEFAULT_LEASE_MS,
    private readonly waitMs = 30_000,
  ) {}

  /** Runs `change` holding `row`'s lease; when another change holds it, waits for it to end and runs with the row it left behind. */
  async hold<T>(row: AppointmentRow, change: (held: HeldAppointment) => Promise<T>): Promise<T> {
    const owner = randomUUID();
    const deadline = Date.now() + this.waitMs + this.leaseMs;
    for (let waited = false; ; waited = true) {
      const claimed = await this.claim(row, owner);
      if (claimed) return this.run(row.id, owner, () => change({ ...claimed, waited }));
      if (Date.now() > deadline) throw new AppError("CONFLICT", "Your appointment is still being changed; please try again in a moment.", undefined, { retryAfterSeconds: 1 });
      await sleep(POLL_MS);
    }
  }

  /** Runs `change` holding `row`'s lease, or answers null at once when another change holds it (the caller decides what to say). */
  async holdIfFree<T>(row: AppointmentRow, change: (held: HeldAppointment) => Promise<T>): Promise<T | null> {
    const owner = randomUUID();
    const claimed = await this.claim(row, owner);
    return claimed && this.run(row.id, owner, () => change({ ...claimed, waited: false }));
  }

  private claim(row: AppointmentRow, owner: string) {
    return this.repo.claimChange(row.organizationId, row.id, owner, new Date(Date.now() + this.leaseMs), new Date());
  }

  private async run<T>(id: string, owner: string, change: () => Promise<T>): Promise<T> {
    const renew = setInterval(() => void this.repo.renewChange(id, owner, new Date(Date.now() + this.leaseMs)).catch(() => undefined), this.leaseMs / 3);
    try {
      return await change();
    } finally {
      clearInterval(renew);
      await this.repo.releaseChange(id, owner).catch(() => undefined);
    }
  }
}
