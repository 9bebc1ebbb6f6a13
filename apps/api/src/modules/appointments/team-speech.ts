import type { BookableEventType } from "./event-types";
import { hostNames } from "./event-types";
import { spokenList } from "./speech";

// How a team booking's host is said: "with Dana" for the round-robin member it went to (Cal.com's booking names its
// organizer), "with Dana and Sam" for a collective event (every host attends), nothing for one's own event types.

/** " with Dana" (or "" when the event type is not a team's, or no host is named). */
export function withHosts(eventType: Pick<BookableEventType, "teamId" | "schedulingType" | "hosts">, hostName: string | null): string {
  if (eventType.teamId == null) return "";
  const names = eventType.schedulingType === "collective" ? hostNames(eventType) : hostName ? [hostName] : [];
  return names.length ? ` with ${spokenList(names, "and")}` : "";
}

/** The host to name for a moved team appointment: " with Dana", or ", now with Sam" when it changed hands. */
export function movedHost(teamId: number | null, before: string | null, after: string | null): { withHost: string; handedOver: string } {
  if (teamId === null || !after) return { withHost: "", handedOver: "" };
  return before && before !== after ? { withHost: "", handedOver: `, now with ${after}` } : { withHost: ` with ${after}`, handedOver: "" };
}
