import { z } from "zod";
import type { components } from "../generated/openapi";
import type { Transport } from "../http";
import { CAL_API_VERSIONS } from "../versions";

const version = CAL_API_VERSIONS.slots;

// The OpenAPI document types default-format items as strings; Cal.com returns `{start}` objects (and `{start, end}`
// with format=range), so this schema follows Cal.com.
const SlotSchema = z.object({ start: z.string(), end: z.string().optional() }).passthrough();
/** Slots grouped by date (YYYY-MM-DD in the requested `timeZone`); days without slots are absent. */
export const CalcomSlotsSchema = z.record(z.array(SlotSchema));
export type CalcomSlots = z.output<typeof CalcomSlotsSchema>;

export interface ListSlotsQuery {
  /** Read by Cal.com as UTC (an offset-less value is UTC); an `end` at exactly midnight means 23:59:59Z that day. */
  start: string;
  end: string;
  eventTypeId?: number;
  eventTypeSlug?: string;
  username?: string;
  /** Zone for the returned times and for the date keys. */
  timeZone?: string;
  duration?: number;
  format?: "time" | "range";
  bookingUidToReschedule?: string;
}

export type ReserveSlotInput = components["schemas"]["ReserveSlotInput_2024_09_04"];

export const CalcomReservationSchema = z
  .object({
    reservationUid: z.string(),
    eventTypeId: z.number().int(),
    slotStart: z.string(),
    slotEnd: z.string(),
    slotDuration: z.number().optional(),
    reservationUntil: z.string().optional(),
  })
  .passthrough();
export type CalcomReservation = z.output<typeof CalcomReservationSchema>;

export function slotsResource(request: Transport) {
  return {
    list: (query: ListSlotsQuery) => request({ method: "GET", path: "/v2/slots", version, query: { ...query }, schema: CalcomSlotsSchema }),
    /** Holds a slot for a few minutes (default 5) so that nobody else can book it meanwhile. */
    reserve: (input: ReserveSlotInput) => request({ method: "POST", path: "/v2/slots/reservations", version, body: input, schema: CalcomReservationSchema }),
    /** The reservation, or null: Cal.com answers an unknown (or deleted) uid with 200 and `data: null`. */
    getReservation: (uid: string) =>
      request({ method: "GET", path: `/v2/slots/reservations/${encodeURIComponent(uid)}`, version, schema: CalcomReservationSchema.nullable() }),
    deleteReservation: (uid: string) =>
      request({ method: "DELETE", path: `/v2/slots/reservations/${encodeURIComponent(uid)}`, version, schema: z.unknown(), retry: true }),
  };
}
