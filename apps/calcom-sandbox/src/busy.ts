import type { Interval } from "./slots";
import type { SandboxStore, StoredEventType } from "./store";

const MINUTE = 60_000;

/**
 * A user's busy times for booking `eventType`: their live bookings — as organizer, or as a co-host of a collective
 * team booking — widened by their own event type's buffers plus the new event type's (calcom/cal.com
 * packages/lib/getBusyTimes.ts @ 3a0dbfa4fc6bfcad91aaa66f88c4cd76f0321a1f: before = booking's beforeEventBuffer + new
 * afterEventBuffer, after = booking's afterEventBuffer + new beforeEventBuffer); the booking being rescheduled is not busy.
 */
export function busyOfUser(store: SandboxStore, userId: number, eventType: StoredEventType, exceptBookingUid?: string | null): Interval[] {
  return [...store.bookings.values()]
    .filter((b) => (b.userId === userId || !!b.coHostIds?.includes(userId)) && (b.status === "accepted" || b.status === "pending") && b.uid !== exceptBookingUid)
    .map((b) => {
      const own = store.eventTypes.get(b.eventTypeId);
      const before = (own?.beforeEventBuffer ?? 0) + (eventType.afterEventBuffer ?? 0);
      const after = (own?.afterEventBuffer ?? 0) + (eventType.beforeEventBuffer ?? 0);
      return { start: b.start - before * MINUTE, end: b.end + after * MINUTE };
    });
}

/** The owner's busy times for booking their own `eventType` (busyOfUser for its owner). */
export function busyFor(store: SandboxStore, eventType: StoredEventType, exceptBookingUid?: string | null): Interval[] {
  return busyOfUser(store, eventType.ownerId, eventType, exceptBookingUid);
}

/** Unexpired reservations of the host's slots, except one (the caller's own), as Cal.com filters slots by them. */
export function reservedFor(store: SandboxStore, userId: number, now: number, exceptUid?: string): Interval[] {
  return [...store.reservations.values()].filter((r) => r.userId === userId && r.until > now && r.uid !== exceptUid).map((r) => ({ start: r.start, end: r.end }));
}

/** Unexpired reservations of a team event type's slots (a team's reservation has no single host). */
export function reservedForEventType(store: SandboxStore, eventTypeId: number, now: number): Interval[] {
  return [...store.reservations.values()].filter((r) => r.eventTypeId === eventTypeId && r.until > now).map((r) => ({ start: r.start, end: r.end }));
}
