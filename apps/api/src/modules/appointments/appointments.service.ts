import {
  CalcomAuthError,
  CalcomNotFoundError,
  CalcomSlotUnavailableError,
  type CalcomBooking,
  type CalcomClient,
  type CalcomEventType,
} from "@agni/calcom";
import type { Appointment, AppointmentAction, EventTypeSummary, ManageAppointmentBody, ManageResult } from "@agni/contracts";
import { DateTime } from "luxon";
import { AppError, forbidden, notFound } from "../../http/app-error";
import type { SecretBox } from "../../lib/crypto";
import type { CalcomGateway } from "../calcom/calcom-gateway";
import { effectiveAccountOf } from "../calcom/effective-account";
import type { AppointmentRow, AppointmentsRepository } from "./appointments.repository";
import { acceptsPhoneOnly, bookingLength, bookingResponses, requiredQuestions } from "./booking-fields";
import { speakableCalcomError } from "./calcom-errors";
import { type Attempt, type IdempotencyStore, requestHash } from "./idempotency";
import { groupSlots, nearestAlternatives, speakDateTime, suggestSlots } from "./speech";
import { localDayRange, resolveAppointmentTime, TimeInputError } from "./time";

type AgentRow = NonNullable<Awaited<ReturnType<AppointmentsRepository["agent"]>>>;

/** An agent's live calendar: the agent, its effective Cal.com account and a client for it. */
interface Calendar {
  agent: AgentRow;
  accountId: string;
  cal: CalcomClient;
}

export interface ManageOutcome {
  status: 200;
  body: { success: true; message: string; data: ManageResult };
}

const MUTATING: ReadonlySet<AppointmentAction> = new Set(["book", "reschedule", "cancel"]);

const localIso = (d: Date, tz: string) => DateTime.fromJSDate(d).setZone(tz).toISO({ suppressMilliseconds: true }) ?? d.toISOString();

/** Flattens Cal.com's `{date: [{start}]}` slots into instants, in order. */
const slotStarts = (slots: Record<string, { start: string }[]>) =>
  Object.values(slots)
    .flat()
    .map((s) => new Date(s.start))
    .sort((a, b) => a.getTime() - b.getTime());

const spokenList = (items: string[]) =>
  items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;

export class AppointmentsService {
  constructor(
    private readonly repo: AppointmentsRepository,
    private readonly gateway: CalcomGateway,
    private readonly box: SecretBox,
    private readonly idempotency: IdempotencyStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Runs one agent action; mutating ones at most once per idempotency key. */
  async manage(organizationId: string, body: ManageAppointmentBody, idempotencyKey?: string): Promise<ManageOutcome> {
    if (body.org_id !== undefined && body.org_id !== organizationId) throw forbidden("org_id does not match the authenticated organisation");
    const calendar = await this.calendar(organizationId, body.agent_id, body.action);
    if (!MUTATING.has(body.action)) return this.respond(await this.run(calendar, body));

    // Resolve the time first so that the derived key names the instant, however the caller wrote it.
    const instant = body.appointment_datetime ? this.resolveTime(body.appointment_datetime, body.timezone).instant.toISOString() : null;
    const identity = {
      agent: body.agent_id,
      call: body.call_session_id ?? null,
      action: body.action,
      attendee: body.email?.toLowerCase() ?? body.phone ?? body.name ?? null,
      appointment: body.appointment_id ?? null,
      time: instant,
    };
    const key = idempotencyKey ? `key:${idempotencyKey}` : `auto:${requestHash(identity)}`;
    const hash = requestHash(idempotencyKey ? { ...body } : identity);
    const stored = await this.idempotency.run(organizationId, key, hash, async (attempt) => this.respond(await this.run(calendar, body, attempt)));
    return stored as ManageOutcome;
  }

  private respond(data: ManageResult): ManageOutcome {
    return { status: 200, body: { success: true, message: data.message, data } };
  }

  private resolveTime(value: string, tz: string) {
    try {
      return resolveAppointmentTime(value, tz);
    } catch (err) {
      if (err instanceof TimeInputError) throw new AppError("INVALID_REQUEST", err.message, { field: "appointment_datetime" });
      throw err;
    }
  }

  /** The agent (of this organisation), its calendar tool's permission for `action`, and its effective account. */
  private async calendar(organizationId: string, agentId: string, action?: AppointmentAction): Promise<Calendar> {
    const agent = await this.repo.agent(organizationId, agentId);
    if (!agent) throw notFound("Agent");
    if (action) {
      const tool = agent.tools[0];
      if (!tool) throw forbidden(`${agent.agentName} has no calendar tool; add a tool of type calcom with enabledFunctions`);
      if (!tool.enabledFunctions.includes(action)) {
        throw forbidden(`${agent.agentName}'s calendar tool does not allow "${action}" (enabled: ${tool.enabledFunctions.join(", ") || "none"})`);
      }
    }
    const { account } = effectiveAccountOf(agent);
    if (!account?.apiKeyEncrypted) {
      throw new AppError("NOT_CONNECTED", "I'm not able to access the calendar right now, so I can't check or book times.", {
        reason: "The agent has no effective Cal.com account: connect one for the agent or assign an org-level account",
      });
    }
    let apiKey: string;
    try {
      apiKey = this.box.decrypt(account.apiKeyEncrypted, organizationId);
    } catch {
      throw new AppError("NOT_CONNECTED", "I'm not able to access the calendar right now, so I can't check or book times.", {
        reason: `The stored Cal.com key of account ${account.id} does not decrypt with this deployment's encryption keys (AGNI_ENCRYPTION_KEY changed without AGNI_ENCRYPTION_KEY_PREVIOUS?); configure the key it was stored with, or reconnect the account`,
      });
    }
    return { agent, accountId: account.id, cal: this.gateway.client(account.apiBaseUrl, apiKey) };
  }

  private async run(calendar: Calendar, body: ManageAppointmentBody, attempt: Attempt = { recovering: false }): Promise<ManageResult> {
    try {
      switch (body.action) {
        case "availability":
          return await this.availability(calendar, body, false);
        case "suggest":
          return await this.availability(calendar, body, true);
        case "book":
          return await this.book(calendar, body, attempt);
        case "reschedule":
          return await this.reschedule(calendar, body);
        case "cancel":
          return await this.cancel(calendar, body);
      }
    } catch (err) {
      if (err instanceof CalcomAuthError) {
        await this.repo.markAccount(calendar.agent.organizationId, calendar.accountId, "invalid", `Cal.com rejected the key: ${err.message}`).catch(() => undefined);
      }
      throw speakableCalcomError(err);
    }
  }

  private async bookableEventType(calendar: Calendar, requested?: number): Promise<CalcomEventType> {
    const id = requested ?? calendar.agent.calcomEventTypeId ?? undefined;
    if (id !== undefined) {
      try {
        return await calendar.cal.eventTypes.get(id);
      } catch (err) {
        if (err instanceof CalcomNotFoundError) throw new AppError("INVALID_REQUEST", `Event type ${id} was not found on the agent's Cal.com account`);
        throw err;
      }
    }
    const all = (await calendar.cal.eventTypes.list()).filter((e) => !e.hidden);
    if (all.length === 1) return all[0]!;
    throw new AppError("INVALID_REQUEST", "The agent has no event type to book: set calcomEventTypeId on the agent or pass event_type_id", {
      event_type_ids: all.map((e) => e.id),
    });
  }

  private async freeSlots(calendar: Calendar, eventType: { id: number }, tz: string, daysAhead: number, duration?: number, rescheduleUid?: string) {
    const range = localDayRange(tz, this.now(), daysAhead);
    const slots = await calendar.cal.slots.list({
      eventTypeId: eventType.id,
      start: range.start.toISOString(),
      end: range.end.toISOString(),
      timeZone: tz,
      duration,
      bookingUidToReschedule: rescheduleUid,
    });
    return slotStarts(slots);
  }

  private base(calendar: Calendar, body: ManageAppointmentBody) {
    return { action: body.action, timezone: body.timezone, agent_name: calendar.agent.agentName, available_slots: [] };
  }

  private async availability(calendar: Calendar, body: ManageAppointmentBody, short: boolean): Promise<ManageResult> {
    // Slots need only the event type's id: when it is known, skip fetching the event type (one Cal.com call, not two).
    const knownId = body.event_type_id ?? calendar.agent.calcomEventTypeId ?? undefined;
    const eventType = knownId !== undefined ? { id: knownId } : await this.bookableEventType(calendar);
    const starts = await this.freeSlots(calendar, eventType, body.timezone, body.days_ahead ?? 7, body.duration_minutes).catch((err: unknown) => {
      if (err instanceof CalcomNotFoundError) throw new AppError("INVALID_REQUEST", `Event type ${eventType.id} was not found on the agent's Cal.com account`);
      throw err;
    });
    const offered = short ? suggestSlots(starts, body.timezone, this.now()) : starts;
    const now = this.now();
    const message =
      offered.length === 0
        ? `I don't see any open times in the next ${body.days_ahead ?? 7} days.`
        : short
          ? `I can offer ${spokenList(offered.map((d) => speakDateTime(d, body.timezone, now)))}.`
          : `I have openings on ${spokenList(groupSlots(offered, body.timezone, now).map((d) => d.date_label))}.`;
    return {
      ...this.base(calendar, body),
      success: true,
      message,
      summary: offered.length === 0 ? "No availability" : short ? "Suggested times" : "Availability",
      appointment_id: null,
      date_time: null,
      local_date_time: null,
      available_slots: groupSlots(offered, body.timezone, now),
      slot_times: offered.map((d) => d.toISOString()),
    };
  }

  /** 422 with the nearest free times, in the same shape as `suggest`. */
  private async slotTaken(calendar: Calendar, body: ManageAppointmentBody, eventType: CalcomEventType, wanted: Date, rescheduleUid?: string): Promise<never> {
    const starts = await this.freeSlots(calendar, eventType, body.timezone, 7, body.duration_minutes, rescheduleUid).catch(() => []);
    const alternatives = nearestAlternatives(starts, wanted, 3);
    const now = this.now();
    const spoken = alternatives.map((d) => speakDateTime(d, body.timezone, now));
    throw new AppError(
      "SLOT_UNAVAILABLE",
      `${speakDateTime(wanted, body.timezone, now)} is no longer available.${spoken.length ? ` I can offer ${spokenList(spoken)}.` : ""}`,
      { available_slots: groupSlots(alternatives, body.timezone, now), slot_times: alternatives.map((d) => d.toISOString()) },
    );
  }

  private async book(calendar: Calendar, body: ManageAppointmentBody, attempt: Attempt): Promise<ManageResult> {
    const { instant, ambiguous } = this.resolveTime(body.appointment_datetime!, body.timezone);
    if (instant.getTime() <= this.now().getTime()) throw new AppError("INVALID_REQUEST", "That time has already passed; please pick a time in the future.");
    const eventType = await this.bookableEventType(calendar, body.event_type_id);
    if (!body.email && !acceptsPhoneOnly(eventType)) {
      throw new AppError("INVALID_REQUEST", "I need an email address to book this appointment.", { missing_field: "email" });
    }
    const responses = bookingResponses(eventType, body.responses);
    const lengthInMinutes = bookingLength(eventType, body.duration_minutes);
    let booking: CalcomBooking;
    try {
      booking = await calendar.cal.bookings.create({
        start: instant.toISOString(),
        eventTypeId: eventType.id,
        attendee: { name: body.name!, timeZone: body.timezone, ...(body.email ? { email: body.email } : {}), ...(body.phone ? { phoneNumber: body.phone } : {}) },
        ...(lengthInMinutes ? { lengthInMinutes } : {}),
        ...(Object.keys(responses).length || body.notes ? { bookingFieldsResponses: { ...responses, ...(body.notes ? { notes: body.notes } : {}) } } : {}),
        metadata: { agni_agent_id: calendar.agent.id, ...(body.call_session_id ? { call_session_id: body.call_session_id } : {}) },
      } as never, { lookupFirst: attempt.recovering });
    } catch (err) {
      if (err instanceof CalcomSlotUnavailableError) return this.slotTaken(calendar, body, eventType, instant);
      throw err;
    }
    const start = new Date(booking.start);
    const end = new Date(booking.end);
    // The booking may be one an earlier attempt made (a dead owner's, or one whose answer was lost and which now holds
    // the slot); that attempt may have recorded it already.
    const recorded = await this.repo.find(calendar.agent.organizationId, booking.uid, calendar.agent.id);
    const row =
      recorded ??
      (await this.repo.create({
        organizationId: calendar.agent.organizationId,
        agentId: calendar.agent.id,
        calcomAccountId: calendar.accountId,
        calcomEventTypeId: eventType.id,
        calcomBookingUid: booking.uid,
        attendeeName: body.name!,
        attendeeEmail: body.email ?? null,
        attendeePhone: body.phone ?? null,
        attendeeTimezone: body.timezone,
        startTime: start,
        endTime: end,
        durationMinutes: Math.round((end.getTime() - start.getTime()) / 60_000),
        status: booking.status === "pending" ? "pending" : "accepted",
        callSessionId: body.call_session_id ?? null,
        notes: body.notes ?? null,
      }));
    const when = speakDateTime(start, body.timezone, this.now());
    return this.confirmation(calendar, body, row, {
      summary: "Appointment confirmed",
      message: `You're booked for ${when}.${ambiguous ? " That time happens twice because the clocks change that night; I booked the first one." : ""}${
        booking.status === "pending" ? " The host still needs to confirm it." : ""
      }`,
      action_required: booking.status === "pending" ? "awaiting_host_confirmation" : undefined,
    });
  }

  private confirmation(calendar: Calendar, body: ManageAppointmentBody, row: AppointmentRow, text: { summary: string; message: string; action_required?: string }): ManageResult {
    return {
      ...this.base(calendar, body),
      success: true,
      ...text,
      appointment_id: row.id,
      date_time: row.startTime.toISOString(),
      local_date_time: localIso(row.startTime, body.timezone),
    };
  }

  private async appointment(calendar: Calendar, idOrUid: string): Promise<AppointmentRow> {
    const row = await this.repo.find(calendar.agent.organizationId, idOrUid, calendar.agent.id);
    if (!row) throw notFound("Appointment");
    return row;
  }

  private async reschedule(calendar: Calendar, body: ManageAppointmentBody): Promise<ManageResult> {
    const row = await this.appointment(calendar, body.appointment_id!);
    if (row.status === "cancelled") throw new AppError("CONFLICT", "That appointment was cancelled, so it can't be moved; I can book a new one instead.");
    const { instant, ambiguous } = this.resolveTime(body.appointment_datetime!, body.timezone);
    if (instant.getTime() <= this.now().getTime()) throw new AppError("INVALID_REQUEST", "That time has already passed; please pick a time in the future.");
    let booking: CalcomBooking;
    try {
      booking = await calendar.cal.bookings.reschedule(row.calcomBookingUid, { start: instant.toISOString(), ...(body.notes ? { reschedulingReason: body.notes } : {}) } as never);
    } catch (err) {
      if (err instanceof CalcomSlotUnavailableError) {
        const eventType = await this.bookableEventType(calendar, row.calcomEventTypeId);
        return this.slotTaken(calendar, body, eventType, instant, row.calcomBookingUid);
      }
      throw err;
    }
    const start = new Date(booking.start);
    const end = new Date(booking.end);
    const updated = await this.repo.rescheduled(row.id, { uid: booking.uid, start, end, durationMinutes: Math.round((end.getTime() - start.getTime()) / 60_000) });
    return this.confirmation(calendar, body, updated, {
      summary: "Rescheduled",
      message: `Your appointment is moved to ${speakDateTime(start, body.timezone, this.now())}.${ambiguous ? " That time happens twice because the clocks change that night; I used the first one." : ""}`,
    });
  }

  private async cancel(calendar: Calendar, body: ManageAppointmentBody): Promise<ManageResult> {
    const row = await this.appointment(calendar, body.appointment_id!);
    const when = speakDateTime(row.startTime, body.timezone, this.now());
    if (row.status === "cancelled") {
      return this.confirmation(calendar, body, row, { summary: "Cancelled", message: `Your appointment for ${when} was already cancelled.` });
    }
    await calendar.cal.bookings.cancel(row.calcomBookingUid, { cancellationReason: body.notes ?? "Cancelled by the caller" } as never);
    const updated = await this.repo.cancelled(row.id, body.notes ?? null);
    return this.confirmation(calendar, body, updated, { summary: "Cancelled", message: `Your appointment for ${when} is cancelled.` });
  }

  // ---- reads ----

  async get(organizationId: string, idOrUid: string): Promise<Appointment> {
    const row = await this.repo.find(organizationId, idOrUid);
    if (!row) throw notFound("Appointment");
    return toAppointment(row);
  }

  /** Stored appointments merged with the account's Cal.com bookings that were not made through Agni. */
  async list(organizationId: string, agentId: string, status: "upcoming" | "past" | "cancelled" | "all" = "upcoming", limit = 50) {
    const calendar = await this.calendar(organizationId, agentId);
    const now = this.now();
    const stored = await this.repo.list(organizationId, agentId, { status, limit, now });
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

  async eventTypes(organizationId: string, agentId: string): Promise<EventTypeSummary[]> {
    const calendar = await this.calendar(organizationId, agentId);
    try {
      return (await calendar.cal.eventTypes.list()).map(toEventTypeSummary);
    } catch (err) {
      throw speakableCalcomError(err);
    }
  }

  /** 404 unless the agent belongs to the organisation. */
  async assertAgent(organizationId: string, agentId: string): Promise<void> {
    if (!(await this.repo.agent(organizationId, agentId))) throw notFound("Agent");
  }

  /** The event type the agent books, or null when it has no account or event type to read (for tool export). */
  async eventTypeForAgent(organizationId: string, agentId: string): Promise<CalcomEventType | null> {
    let calendar: Calendar;
    try {
      calendar = await this.calendar(organizationId, agentId);
    } catch (err) {
      if (err instanceof AppError && err.code === "NOT_CONNECTED") return null;
      throw err;
    }
    try {
      return await this.bookableEventType(calendar);
    } catch (err) {
      if (err instanceof AppError && err.code === "INVALID_REQUEST") return null;
      throw speakableCalcomError(err);
    }
  }

  async eventTypeById(organizationId: string, agentId: string, id: number): Promise<EventTypeSummary> {
    const calendar = await this.calendar(organizationId, agentId);
    try {
      return toEventTypeSummary(await calendar.cal.eventTypes.get(id));
    } catch (err) {
      throw speakableCalcomError(err);
    }
  }
}

export function toAppointment(row: AppointmentRow): Appointment {
  return {
    id: row.id,
    calcom_booking_uid: row.calcomBookingUid,
    calcom_booking_uids: row.calcomBookingUids,
    organization_id: row.organizationId,
    agent_id: row.agentId,
    attendee_name: row.attendeeName,
    attendee_email: row.attendeeEmail,
    attendee_phone: row.attendeePhone,
    attendee_timezone: row.attendeeTimezone,
    start_time: row.startTime.toISOString(),
    end_time: row.endTime.toISOString(),
    duration_minutes: row.durationMinutes,
    status: row.status,
    call_session_id: row.callSessionId,
    source: "agni",
  };
}

function fromCalcom(b: CalcomBooking, organizationId: string, agentId: string): Appointment {
  const attendee = b.attendees[0];
  const start = new Date(b.start);
  const end = new Date(b.end);
  return {
    id: b.uid,
    calcom_booking_uid: b.uid,
    calcom_booking_uids: [...(b.rescheduledFromUid ? [b.rescheduledFromUid] : []), b.uid],
    organization_id: organizationId,
    agent_id: agentId,
    attendee_name: attendee?.name ?? "",
    attendee_email: attendee?.email ?? null,
    attendee_phone: attendee?.phoneNumber ?? null,
    attendee_timezone: attendee?.timeZone ?? "UTC",
    start_time: start.toISOString(),
    end_time: end.toISOString(),
    duration_minutes: Math.round((end.getTime() - start.getTime()) / 60_000),
    status: b.status,
    call_session_id: null,
    source: "calcom",
  };
}

function toEventTypeSummary(e: CalcomEventType): EventTypeSummary {
  return {
    id: e.id,
    title: e.title,
    slug: e.slug,
    length_in_minutes: e.lengthInMinutes,
    length_options: e.lengthInMinutesOptions ?? [e.lengthInMinutes],
    hidden: e.hidden ?? false,
    required_questions: requiredQuestions(e),
  };
}
