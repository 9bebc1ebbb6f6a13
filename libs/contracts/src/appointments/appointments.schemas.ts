import { z } from "zod";
import { calcomIdInput, TimeZoneSchema, uuid } from "../common/envelope.js";
import { pageLimit } from "../common/paging.js";
import { E164_PATTERN } from "../common/phone.js";

export const APPOINTMENT_ACTIONS = ["book", "reschedule", "cancel", "suggest", "availability", "link", "confirm", "decline", "find", "instant", "waitlist"] as const;
export type AppointmentAction = (typeof APPOINTMENT_ACTIONS)[number];

/**
 * The manage body. Field rules that depend on `action` (name and email/phone to book, a time to book or reschedule,
 * an appointment to cancel or reschedule) are checked after parsing so that each failure names what is missing.
 */
export const ManageAppointmentBodySchema = z
  .object({
    action: z.enum(APPOINTMENT_ACTIONS),
    agent_id: uuid("agent_id"),
    org_id: z.string().min(1).max(255).optional(),
    name: z.string().trim().min(1).max(200).optional(),
    email: z.string().trim().email("email must be an email address").max(320).optional(),
    /** E.164 (+14155550123); `find` also reads national formats like (415) 555-0100, in the tool's default region. */
    phone: z.string().trim().min(1).max(40).optional(),
    timezone: TimeZoneSchema,
    appointment_datetime: z.string().min(1).max(64).optional(),
    appointment_id: z.string().min(1).max(128).optional(),
    /** find: the day of the appointment (YYYY-MM-DD, in `timezone`); with a name, it is how a caller is matched. */
    date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "date must be a day like 2026-05-04").optional(),
    /** waitlist: the earliest and latest start the caller would take (like appointment_datetime: in `timezone` unless an offset is given). */
    window_start: z.string().min(1).max(64).optional(),
    window_end: z.string().min(1).max(64).optional(),
    /** waitlist: when to stop looking (default and latest: window_end). */
    expires_at: z.string().min(1).max(64).optional(),
    call_session_id: z.string().min(1).max(200).optional(),
    notes: z.string().max(2000).optional(),
    days_ahead: z.number().int().min(1, "days_ahead must be between 1 and 30").max(30, "days_ahead must be between 1 and 30").optional(),
    event_type_id: calcomIdInput("event_type_id").optional(),
    duration_minutes: z.number().int().positive().max(1440).optional(),
    /** Answers to the event type's booking questions, keyed by the question's slug. */
    responses: z.record(z.union([z.string(), z.number(), z.boolean(), z.array(z.string())])).optional(),
  })
  .strict()
  .superRefine((b, ctx) => {
    const need = (field: keyof typeof b, message: string) => {
      if (b[field] === undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [field], message });
    };
    if (b.action === "book") {
      need("name", "name is required to book");
      if (!b.email && !b.phone) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["email"], message: "email or phone is required to book" });
      need("appointment_datetime", "appointment_datetime is required to book");
    }
    if (b.action === "instant") {
      need("name", "name is required to start an instant meeting");
      if (!b.email && !b.phone) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["email"], message: "email or phone is required to start an instant meeting" });
      if (b.appointment_datetime !== undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["appointment_datetime"], message: "an instant meeting starts now: leave out appointment_datetime (use book for a later time)" });
    }
    if (b.action === "reschedule") {
      need("appointment_id", "appointment_id is required to reschedule");
      need("appointment_datetime", "appointment_datetime is required to reschedule");
    }
    if (b.action === "cancel") need("appointment_id", "appointment_id is required to cancel");
    if (b.action === "confirm") need("appointment_id", "appointment_id is required to confirm");
    if (b.action === "decline") need("appointment_id", "appointment_id is required to decline");
    if (b.action === "waitlist") {
      need("name", "name is required to join the waitlist");
      if (!b.email && !b.phone) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["phone"], message: "phone or email is required to join the waitlist (how the caller is told a time opened)" });
      need("window_start", "window_start is required to join the waitlist");
      need("window_end", "window_end is required to join the waitlist");
    }
    if (b.phone !== undefined && b.action !== "find" && b.action !== "waitlist" && !E164_PATTERN.test(b.phone)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["phone"], message: "phone must be in E.164 format, such as +14155550123" });
    }
    if (b.action === "find" && !b.phone && !b.email && !b.name) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["phone"], message: "phone, email or name (with appointment_datetime for the day) is required to find an appointment" });
    }
  });
export type ManageAppointmentBody = z.infer<typeof ManageAppointmentBodySchema>;

export const AvailableDaySchema = z.object({
  date: z.string(),
  date_label: z.string(),
  slots: z.array(z.string()),
});
export type AvailableDay = z.infer<typeof AvailableDaySchema>;

export const ManageResultSchema = z.object({
  success: z.boolean(),
  message: z.string(),
  summary: z.string(),
  action: z.enum(APPOINTMENT_ACTIONS),
  appointment_id: z.string().nullable(),
  date_time: z.string().nullable(),
  /** The same moment in the caller's zone, with its offset. */
  local_date_time: z.string().nullable(),
  timezone: z.string(),
  agent_name: z.string(),
  action_required: z.string().optional(),
  available_slots: z.array(AvailableDaySchema),
  /** Each offered slot as an instant, so an agent can book exactly what it read out. */
  slot_times: z.array(z.string()).optional(),
  /** link (and book or reschedule on a links-only tool): the Cal.com page where the caller confirms it themself. */
  booking_url: z.string().optional(),
  /** instant: the video meeting the caller joins now (Cal.com's meeting link), when Cal.com gave one. */
  meeting_url: z.string().optional(),
  /** find: the caller's upcoming appointments that match what they gave (ids for reschedule and cancel). */
  appointments: z.array(z.object({ appointment_id: z.string(), date_time: z.string(), local_date_time: z.string(), status: z.string() })).optional(),
  /** waitlist: the entry the caller joined (or already had); list and cancel it under /waitlist. */
  waitlist_entry_id: z.string().optional(),
  /** suggest and availability: when the offered slots were read from Cal.com (ISO 8601); they are at most the slot cache's TTL old. */
  slots_as_of: z.string().optional(),
});
export type ManageResult = z.infer<typeof ManageResultSchema>;

export const AppointmentSchema = z.object({
  id: z.string(),
  calcom_booking_uid: z.string(),
  calcom_booking_uids: z.array(z.string()),
  organization_id: z.string(),
  /** The agent that booked it through Agni; null for a booking made outside Agni (it belongs to its Cal.com account). */
  agent_id: z.string().nullable(),
  /** The Cal.com account whose calendar holds it. */
  calcom_account_id: z.string().nullable(),
  attendee_name: z.string(),
  attendee_email: z.string().nullable(),
  attendee_phone: z.string().nullable(),
  attendee_timezone: z.string(),
  start_time: z.string(),
  end_time: z.string(),
  duration_minutes: z.number().int(),
  status: z.string(),
  /** Who hosts it in Cal.com: for a round-robin team event type, the team member it was given to. */
  host_name: z.string().nullable(),
  /** The Cal.com team whose event type it is (round-robin or collective); null for the account's own event types. */
  calcom_team_id: z.number().int().nullable(),
  call_session_id: z.string().nullable(),
  /** Where it was made: through Agni, or in Cal.com (its booking page, the host). */
  source: z.enum(["agni", "calcom"]),
  /** The host marked the attendee as a no-show in Cal.com. */
  no_show: z.boolean(),
  /** get and list: the appointment's state as the agent tells a caller who calls back (pending, confirmed, declined, cancelled). */
  status_message: z.string().optional(),
});
export type Appointment = z.infer<typeof AppointmentSchema>;

export const ListAppointmentsQuerySchema = z.object({
  agent_id: uuid("agent_id"),
  status: z.enum(["upcoming", "past", "cancelled", "all"]).optional(),
  limit: z.coerce.number().int().optional().transform(pageLimit),
  org_id: z.string().min(1).max(255).optional(),
});

export type ListAppointmentsQuery = z.input<typeof ListAppointmentsQuerySchema>;

export const AppointmentListSchema = z.object({
  appointments: z.array(AppointmentSchema),
  count: z.number().int(),
  org_id: z.string(),
  agent_id: z.string(),
});

export const EventTypeSummarySchema = z.object({
  id: z.number().int(),
  title: z.string(),
  slug: z.string(),
  length_in_minutes: z.number().int(),
  length_options: z.array(z.number().int()),
  hidden: z.boolean(),
  /** A team event type's scheduling: one of the hosts (round_robin) or all of them (collective); absent for one's own. */
  scheduling_type: z.enum(["round_robin", "collective", "managed"]).optional(),
  /** A team event type's hosts, by name. */
  hosts: z.array(z.string()).optional(),
  required_questions: z.array(z.object({ slug: z.string(), label: z.string(), type: z.string(), options: z.array(z.string()).optional() })),
});
export type EventTypeSummary = z.infer<typeof EventTypeSummarySchema>;
