import type { CalcomBookingField, CalcomEventType } from "@agni/calcom";
import { AppError } from "../../errors/app-error";

// Cal.com's default fields (name, email, location, title, notes, guests, rescheduleReason) are filled from the
// attendee and the call itself; only the event type's own questions need answers from the caller.
const SYSTEM_SLUGS = new Set(["name", "email", "location", "title", "notes", "guests", "rescheduleReason", "attendeePhoneNumber", "smsReminderNumber"]);

export interface RequiredQuestion {
  slug: string;
  label: string;
  type: string;
  options?: string[];
}

const optionValues = (f: CalcomBookingField) => f.options?.map((o) => (typeof o === "string" ? o : o.value));

/** The questions a caller must answer before this event type can be booked. */
export function requiredQuestions(eventType: CalcomEventType): RequiredQuestion[] {
  return eventType.bookingFields.flatMap((f) => {
    const slug = f.slug;
    if (!f.required || f.hidden || f.isDefault || !slug || SYSTEM_SLUGS.has(slug)) return [];
    const options = optionValues(f);
    return [{ slug, label: f.label ?? slug, type: f.type, ...(options ? { options } : {}) }];
  });
}

/** Whether the event type lets a caller book with a phone number and no email. */
export function acceptsPhoneOnly(eventType: CalcomEventType): boolean {
  const email = eventType.bookingFields.find((f) => f.slug === "email" || f.type === "email");
  return email !== undefined && email.required === false;
}

const lower = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

/**
 * Checks the answers against the event type's required questions before Cal.com is called, and returns them keyed
 * by slug for `bookingFieldsResponses`. A missing or invalid answer is a 400 whose message the agent can ask.
 */
export function bookingResponses(eventType: CalcomEventType, answers: Record<string, unknown> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const q of requiredQuestions(eventType)) {
    const value = answers[q.slug];
    if (value === undefined || value === "" || (Array.isArray(value) && value.length === 0)) {
      throw new AppError("INVALID_REQUEST", `I still need your ${lower(q.label)}${q.options ? ` (${q.options.join(", ")})` : ""}.`, {
        missing_field: q.slug,
        label: q.label,
        ...(q.options ? { options: q.options } : {}),
      });
    }
    const options = q.options;
    if (options && !(Array.isArray(value) ? value : [value]).every((v) => options.includes(String(v)))) {
      throw new AppError("INVALID_REQUEST", `For ${lower(q.label)}, please choose one of: ${options.join(", ")}.`, {
        invalid_field: q.slug,
        options,
      });
    }
  }
  const known = new Set(eventType.bookingFields.map((f) => f.slug));
  for (const [slug, value] of Object.entries(answers)) if (known.has(slug)) out[slug] = value;
  return out;
}

/**
 * The `lengthInMinutes` to send for a requested duration: Cal.com refuses it on an event type without several
 * lengths, so the event type's own length is sent as nothing; a length the event type does not offer is a 400 to say.
 */
export function bookingLength(eventType: CalcomEventType, minutes?: number): number | undefined {
  if (minutes === undefined) return undefined;
  const options = eventType.lengthInMinutesOptions;
  if (options?.includes(minutes)) return minutes;
  if (!options && minutes === eventType.lengthInMinutes) return undefined;
  const lengths = options ?? [eventType.lengthInMinutes];
  const spoken = lengths.length === 1 ? `${lengths[0]}` : `${lengths.slice(0, -1).join(", ")} or ${lengths[lengths.length - 1]}`;
  throw new AppError("INVALID_REQUEST", `This appointment ${lengths.length === 1 ? "lasts" : "can last"} ${spoken} minutes.`, { field: "duration_minutes", lengths });
}
