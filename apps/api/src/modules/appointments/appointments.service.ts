import {
  CalcomAuthError,
  CalcomNotFoundError,
  CalcomSlotUnavailableError,
  CalcomValidationError,
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
import { inactiveToolError } from "../tools/tools.service";
import type { AppointmentLocks } from "./appointment-lock";
import type { AppointmentRow, AppointmentsRepository } from "./appointments.repository";
import { toAppointment } from "./appointment-view";
import { acceptsPhoneOnly, bookingLength, bookingResponses, requiredQuestions } from "./booking-fields";
import { speakableCalcomError } from "./calcom-errors";
import { type Attempt, type IdempotencyStore, requestHash } from "./idempotency";
import { scheduleCovers } from "./schedule";
import { groupSlots, nearestAlternatives, sentenceStart, speakDateTime, speakDays, speakSlots, suggestSlots } from "./speech";
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

/** How many days, from the wanted time's own day, alternatives to a taken time are looked for in. */
const ALTERNATIVE_DAYS = 7;

export class AppointmentsService {
  constructor(
    private readonly repo: AppointmentsRepository,
    private readonly gateway: CalcomGateway,
    private readonly box: SecretBox,
    private readonly idempotency: IdempotencyStore,
    private readonly locks: AppointmentLocks,
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
    const stored = await this.idempotency.run(
      organizationId,
      key,
      hash,
      async (attempt) => this.respond(await this.run(calendar, body, attempt)),
      (answer) => this.stillHolds(calendar, body, answer as ManageOutcome, idempotencyKey !== undefined),
    );
    return stored as ManageOutcome;
  }

  /**
   * Whether a stored answer is still true of its appointment: a booking or move names a time the appointment still
   * has (not cancelled), a cancel names a cancelled one. A derived key's answer that no longer holds ends there (the
   * call runs afresh: after a cancel, booking the same time books again). An explicit Idempotency-Key keeps its
   * answer, so a replay of one that no longer holds is a 409 saying what is true now.
   */
  private async stillHolds(calendar: Calendar, body: ManageAppointmentBody, answer: ManageOutcome, explicitKey: boolean): Promise<boolean> {
    const said = answer.body.data;
    if (!said.appointment_id) return true;
    const row = await this.repo.find(calendar.agent.organizationId, said.appointment_id, calendar.agent.id);
    if (!row) return true;
    const holds = said.action === "cancel" ? row.status === "cancelled" : row.status !== "cancelled" && row.startTime.toISOString() === said.date_time;
    if (holds || !explicitKey) return holds;
    const now = speakDateTime(row.startTime, body.timezone, this.now());
    throw new AppError(
      "CONFLICT",
      row.status === "cancelled" ? `Your appointment for ${now} has since been cancelled.` : `Your appointment has since been moved to ${now}.`,
      {
        reason: "The appointment this Idempotency-Key's request changed has changed since, so its answer no longer holds; send a new key for a new request",
        appointment: { appointment_id: row.id, status: row.status, date_time: row.startTime.toISOString(), local_date_time: localIso(row.startTime, body.timezone) },
      },
    );
  }

  private respond(data: ManageResult): ManageOutcome {
    return { status: 200, body: { success: true, message: data.message, data } };
  }

  private resolveTime(value: string, tz: string) {
    try {
      return resolveAppointmentTime(value, tz, this.now());
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
      if (!tool.isActive) throw inactiveToolError(tool.id);
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
    return { agent, accountId: account.id, cal: this.gateway.client(account.apiBaseUrl, apiKey, agent.id) };
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

  private async freeSlots(calendar: Calendar, eventType: { id: number }, tz: string, range: { start: Date; end: Date }, duration?: number, rescheduleUid?: string) {
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
    // Slots need only the event type's id, and Cal.com serves anyone's slots: only the agent's configured event type
    // skips the fetch (one Cal.com call, not two); any other id is read through the account first, which proves it
    // belongs to the account (404 otherwise), as for book.
    const configured = calendar.agent.calcomEventTypeId ?? undefined;
    const eventType =
      configured !== undefined && (body.event_type_id ?? configured) === configured ? { id: configured } : await this.bookableEventType(calendar, body.event_type_id);
    const range = localDayRange(body.timezone, this.now(), body.days_ahead ?? 7);
    const starts = await this.freeSlots(calendar, eventType, body.timezone, range, body.duration_minutes).catch((err: unknown) => {
      if (err instanceof CalcomNotFoundError) throw new AppError("INVALID_REQUEST", `Event type ${eventType.id} was not found on the agent's Cal.com account`);
      throw err;
    });
    const offered = short ? suggestSlots(starts, body.timezone, this.now()) : starts;
    const now = this.now();
    const message =
      offered.length === 0
        ? `I don't see any open times in the next ${body.days_ahead ?? 7} days.`
        : short
          ? `I can offer ${speakSlots(offered, body.timezone, now)}.`
          : `I have openings ${speakDays(groupSlots(offered, body.timezone, now).map((d) => d.date_label))}.`;
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

  /**
   * 422 with the free times nearest to `wanted`: from its local day on (never in the past), in the same shape as
   * `suggest`. "No longer available" only when the host's schedule had that time open; a time it never had (a
   * weekend, the night) is "not available"; a time the caller already holds through someone else's booking says so.
   * Both lookups run only here, on the failure path, side by side.
   */
  private async slotTaken(
    calendar: Calendar,
    body: ManageAppointmentBody,
    eventType: CalcomEventType,
    wanted: Date,
    options: { minutes: number; rescheduleUid?: string; heldForCaller?: boolean },
  ): Promise<never> {
    const held = options.heldForCaller === true;
    const now = this.now();
    const range = localDayRange(body.timezone, now, ALTERNATIVE_DAYS, wanted);
    const [starts, wasOpen] = await Promise.all([
      this.freeSlots(calendar, eventType, body.timezone, range, body.duration_minutes, options.rescheduleUid).catch(() => []),
      held || this.wasOpen(calendar, eventType, wanted, options.minutes).catch(() => false),
    ]);
    const alternatives = nearestAlternatives(starts, wanted, 3);
    const when = sentenceStart(speakDateTime(wanted, body.timezone, now));
    throw new AppError(
      "SLOT_UNAVAILABLE",
      `${held ? `${when} is already booked for you, so I haven't booked it again.` : `${when} is ${wasOpen ? "no longer" : "not"} available.`}${
        alternatives.length ? ` I can offer ${speakSlots(alternatives, body.timezone, now)}.` : ""
      }`,
      { available_slots: groupSlots(alternatives, body.timezone, now), slot_times: alternatives.map((d) => d.toISOString()), ...(held ? { reason: "The caller already has a booking at that time, made through another agent or outside Agni" } : {}) },
    );
  }

  /** Whether the event type's schedule (or the account's default one) has [start, start + minutes) within its hours. */
  private async wasOpen(calendar: Calendar, eventType: CalcomEventType, start: Date, minutes: number): Promise<boolean> {
    const schedules = await calendar.cal.schedules.list();
    const schedule = schedules.find((s) => (eventType.scheduleId != null ? s.id === eventType.scheduleId : s.isDefault));
    return schedule !== undefined && scheduleCovers(schedule, start, minutes);
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
    let made: { booking: CalcomBooking; found: boolean };
    try {
      made = await calendar.cal.bookings.createOrFind({
        start: instant.toISOString(),
        eventTypeId: eventType.id,
        attendee: { name: body.name!, timeZone: body.timezone, ...(body.email ? { email: body.email } : {}), ...(body.phone ? { phoneNumber: body.phone } : {}) },
        ...(lengthInMinutes ? { lengthInMinutes } : {}),
        ...(Object.keys(responses).length || body.notes ? { bookingFieldsResponses: { ...responses, ...(body.notes ? { notes: body.notes } : {}) } } : {}),
        metadata: { agni_agent_id: calendar.agent.id, ...(body.call_session_id ? { call_session_id: body.call_session_id } : {}) },
      }, { lookupFirst: attempt.recovering });
    } catch (err) {
      if (err instanceof CalcomSlotUnavailableError) return this.slotTaken(calendar, body, eventType, instant, { minutes: body.duration_minutes ?? eventType.lengthInMinutes });
      throw err;
    }
    const { booking } = made;
    // A booking Cal.com already had for this caller at this time is ours only if this agent made it (an earlier attempt
    // whose answer was lost, or this agent in another call); one another agent on the same account (or anyone outside
    // Agni) made is the caller's, but not this agent's to hand out, change or cancel.
    if (made.found && booking.metadata?.agni_agent_id !== calendar.agent.id) {
      return this.slotTaken(calendar, body, eventType, instant, { minutes: body.duration_minutes ?? eventType.lengthInMinutes, heldForCaller: true });
    }
    const { start, end, durationMinutes } = timesOf(booking);
    // The booking may be one an earlier attempt made (a dead owner's, or one whose answer was lost and which now holds
    // the slot); that attempt, or a concurrent call of this agent that found the same booking, may have recorded it.
    const row =
      (await this.repo.find(calendar.agent.organizationId, booking.uid, calendar.agent.id)) ??
      (await this.repo.createOnce({
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
        durationMinutes,
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

  /**
   * Moves an appointment. One change of an appointment at a time: a reschedule that finds another change in progress
   * does not go ahead on a time that is being changed under it; it answers a conflict at once.
   */
  private async reschedule(calendar: Calendar, body: ManageAppointmentBody): Promise<ManageResult> {
    const found = await this.appointment(calendar, body.appointment_id!);
    if (found.status === "cancelled") throw cancelledConflict();
    const { instant, ambiguous } = this.resolveTime(body.appointment_datetime!, body.timezone);
    if (instant.getTime() <= this.now().getTime()) throw new AppError("INVALID_REQUEST", "That time has already passed; please pick a time in the future.");
    const moved = await this.locks.hold(found, { wait: false }, async ({ row, recovering }) =>
      this.move(calendar, body, recovering ? await this.current(calendar, row) : row, instant, ambiguous),
    );
    if (moved === null) {
      throw new AppError("CONFLICT", "Your appointment is being changed right now, so I haven't moved it; please ask me again in a moment.", {
        reason: "Another change of this appointment is in progress",
        appointment_id: found.id,
        retry_after_seconds: 1,
      });
    }
    return moved;
  }

  private async move(calendar: Calendar, body: ManageAppointmentBody, row: AppointmentRow, instant: Date, ambiguous: boolean, synced = false): Promise<ManageResult> {
    if (row.status === "cancelled") throw cancelledConflict();
    let booking: CalcomBooking;
    try {
      booking = await calendar.cal.bookings.reschedule(row.calcomBookingUid, { start: instant.toISOString(), ...(body.notes ? { reschedulingReason: body.notes } : {}) });
    } catch (err) {
      if (err instanceof CalcomSlotUnavailableError) {
        const eventType = await this.bookableEventType(calendar, row.calcomEventTypeId);
        return this.slotTaken(calendar, body, eventType, instant, { minutes: row.durationMinutes, rescheduleUid: row.calcomBookingUid });
      }
      // Cal.com refused to move the booking we know: it may have been moved or cancelled there. Catch up, try once more.
      const now = !synced && refusedChange(err) ? await this.current(calendar, row) : row;
      if (now !== row) return this.move(calendar, body, now, instant, ambiguous, true);
      throw err;
    }
    const updated = await this.repo.rescheduled(row.id, { uid: booking.uid, ...timesOf(booking) });
    return this.confirmation(calendar, body, updated, {
      summary: "Rescheduled",
      message: `Your appointment is moved to ${speakDateTime(updated.startTime, body.timezone, this.now())}.${ambiguous ? " That time happens twice because the clocks change that night; I used the first one." : ""}`,
    });
  }

  /**
   * Cancels an appointment. Concurrent cancels (and a cancel during a reschedule) wait for the change in progress:
   * the caller wants it gone whatever that change did, and then hears that it is cancelled.
   */
  private async cancel(calendar: Calendar, body: ManageAppointmentBody): Promise<ManageResult> {
    const found = await this.appointment(calendar, body.appointment_id!);
    if (found.status === "cancelled") return this.cancelled(calendar, body, found, false);
    const result = await this.locks.hold(found, { wait: true }, async ({ row, recovering }) =>
      this.cancelHeld(calendar, body, recovering ? await this.current(calendar, row) : row),
    );
    return result!;
  }

  private async cancelHeld(calendar: Calendar, body: ManageAppointmentBody, row: AppointmentRow, synced = false): Promise<ManageResult> {
    if (row.status === "cancelled") return this.cancelled(calendar, body, row, false);
    try {
      await calendar.cal.bookings.cancel(row.calcomBookingUid, { cancellationReason: body.notes ?? "Cancelled by the caller" });
    } catch (err) {
      const now = !synced && refusedChange(err) ? await this.current(calendar, row) : row;
      if (now !== row) return this.cancelHeld(calendar, body, now, true);
      throw err;
    }
    return this.cancelled(calendar, body, await this.repo.cancelled(row.id, body.notes ?? null), true);
  }

  private cancelled(calendar: Calendar, body: ManageAppointmentBody, row: AppointmentRow, justNow: boolean): ManageResult {
    const when = speakDateTime(row.startTime, body.timezone, this.now());
    return this.confirmation(calendar, body, row, { summary: "Cancelled", message: `Your appointment for ${when} ${justNow ? "is" : "was already"} cancelled.` });
  }

  /**
   * The appointment as Cal.com has it: follows reschedules we never heard back about (a crashed change, a change made
   * in Cal.com itself) and notes a cancel, recording both. The same row object when nothing changed.
   */
  private async current(calendar: Calendar, row: AppointmentRow): Promise<AppointmentRow> {
    let booking = await calendar.cal.bookings.get(row.calcomBookingUid);
    let now = row;
    for (let hops = 0; booking.rescheduledToUid && hops < 10; hops++) {
      booking = await calendar.cal.bookings.get(booking.rescheduledToUid);
      now = await this.repo.rescheduled(row.id, { uid: booking.uid, ...timesOf(booking) });
    }
    if (booking.status === "cancelled" && now.status !== "cancelled") now = await this.repo.cancelled(row.id, booking.cancellationReason ?? null);
    return now;
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

/** A booking's start, end and length, as an appointment row keeps them. */
function timesOf(booking: CalcomBooking) {
  const start = new Date(booking.start);
  const end = new Date(booking.end);
  return { start, end, durationMinutes: Math.round((end.getTime() - start.getTime()) / 60_000) };
}

const cancelledConflict = () => new AppError("CONFLICT", "That appointment was cancelled, so it can't be moved; I can book a new one instead.");

/** Cal.com refused a change of a booking it has (it says the booking was already moved or cancelled), or no longer has it. */
const refusedChange = (err: unknown) => err instanceof CalcomValidationError || err instanceof CalcomNotFoundError;

function fromCalcom(b: CalcomBooking, organizationId: string, agentId: string): Appointment {
  const attendee = b.attendees[0];
  const { start, end, durationMinutes } = timesOf(b);
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
    duration_minutes: durationMinutes,
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
