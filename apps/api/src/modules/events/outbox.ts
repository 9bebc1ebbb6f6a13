import type { AgniEventType } from "@agni/contracts";
import type { Prisma } from "../../db/prisma";
import { toAppointment } from "../appointments/appointment-view";
import type { AppointmentRow } from "../appointments/appointments.repository";

/** One change of an appointment's state, as events out name it, with the row as it is after the change. */
export interface AppointmentChange {
  type: AgniEventType;
  appointment: AppointmentRow;
  /** For a reschedule: what the appointment was before. */
  previous?: { startTime: Date; endTime: Date; calcomBookingUid: string };
}

/**
 * The one seam between whatever changes an appointment (our own book/reschedule/cancel; the Cal.com mirror) and
 * events out. Call it INSIDE the transaction that changes the row, and only when the row really changed state: it
 * bumps the account's calendar version, writes the event (the outbox) and one pending delivery per active
 * subscription of the organisation that wants this type, so that all of it commits or none does. Returns the new
 * deliveries' ids: after the commit, hand them to `DeliveryQueue.enqueue` (a sweep finds any that were not).
 */
export async function recordAppointmentChange(tx: Prisma.TransactionClient, change: AppointmentChange, options: { announce?: boolean } = {}): Promise<string[]> {
  const row = change.appointment;
  if (row.calcomAccountId) {
    await tx.calcomAccount.update({ where: { id: row.calcomAccountId }, data: { calendarVersion: { increment: 1 } } });
  }
  // Not announced: the calendar as it already was when the account was connected (the mirror's first import) changes
  // what the account holds, not anything that happened since; it bumps the version and sends nothing.
  if (options.announce === false) return [];
  const previous = change.previous && {
    start_time: change.previous.startTime.toISOString(),
    end_time: change.previous.endTime.toISOString(),
    calcom_booking_uid: change.previous.calcomBookingUid,
  };
  return recordEvent(tx, {
    organizationId: row.organizationId,
    type: change.type,
    appointmentId: row.id,
    payload: { appointment: toAppointment(row), ...(previous ? { previous } : {}) },
  });
}

/**
 * Writes one event and a pending delivery per active subscription of the organisation that wants its type, inside the
 * caller's transaction; returns the deliveries' ids to queue after the commit. `appointmentId`: the appointment the
 * event is about (for `waitlist.slot_opened`, the one whose change freed the time). It is null for an event about no
 * appointment: a `waitlist.slot_opened` of a time the waitlist sweep found open (a widened schedule frees a time no
 * booking held). Nullable rather than pointing at some stand-in appointment: the column is no foreign key, nothing
 * sends it out (deliveries carry the payload, housekeeping prunes by age), and its one reader (`wasDeclined`) asks
 * for a given appointment's events, which a null never matches.
 */
export async function recordEvent(
  tx: Prisma.TransactionClient,
  event: { organizationId: string; type: AgniEventType; appointmentId: string | null; payload: Prisma.InputJsonObject },
): Promise<string[]> {
  const created = await tx.appointmentEvent.create({ data: event, select: { id: true } });
  const subscriptions = await tx.webhookSubscription.findMany({
    where: { organizationId: event.organizationId, disabledAt: null, events: { has: event.type } },
    select: { id: true },
  });
  if (subscriptions.length === 0) return [];
  const deliveries = await tx.webhookDelivery.createManyAndReturn({
    data: subscriptions.map((s) => ({ subscriptionId: s.id, eventId: created.id })),
    select: { id: true },
  });
  return deliveries.map((d) => d.id);
}
