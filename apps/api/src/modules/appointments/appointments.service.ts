import { CalcomAuthError } from "@agni/calcom";
import type { ManageAppointmentBody, ManageResult } from "@agni/contracts";
import { AppError, forbidden } from "../../errors/app-error";
import { book } from "./actions/book";
import { cancel } from "./actions/cancel";
import { find } from "./actions/find";
import { decide } from "./actions/host-decision";
import { instant, instantStillRinging } from "./actions/instant";
import { link, rescheduleLink } from "./actions/link";
import type { ActionDeps } from "./actions/deps";
import { reschedule } from "./actions/reschedule";
import { slots } from "./actions/slots";
import { waitlist } from "./actions/waitlist";
import type { WaitlistRepository } from "../waitlist/waitlist.repository";
import { localIso } from "./answer";
import type { CreditMeter } from "../credits/credit-meter";
import type { SlotCache } from "../slots/slot-cache";
import type { AppointmentLocks } from "./appointment-lock";
import type { AppointmentsRepository } from "./appointments.repository";
import type { Calendar, Calendars } from "./calendar";
import { speakableCalcomError } from "../../errors/calcom-errors";
import { type ManageCommand, toCommand } from "./command";
import { type Attempt, type IdempotencyStore, requestHash } from "./idempotency";
import { speakDateTime } from "./speech";

/** Whether the agent's calendar tool restricts it to booking links (`definition.links_only`). */
function linksOnly(calendar: Calendar): boolean {
  const definition = calendar.agent.tools[0]?.definition;
  return !!definition && typeof definition === "object" && !Array.isArray(definition) && "links_only" in definition && definition.links_only === true;
}

/**
 * `POST /calcom/appointments/manage`: one agent action on the agent's calendar. The body is parsed once into a
 * command; each action has its own handler in `actions/`; mutating ones run at most once per idempotency key.
 */
export class AppointmentsService {
  private readonly deps: ActionDeps;

  constructor(
    private readonly repo: AppointmentsRepository,
    private readonly calendars: Calendars,
    private readonly idempotency: IdempotencyStore,
    locks: AppointmentLocks,
    slots: SlotCache,
    waitlistEntries: WaitlistRepository,
    /** Credit metering (per organisation, off by default): checks before a call's first billable action, counts after. */
    private readonly meter?: CreditMeter,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.deps = { repo, locks, slots, waitlist: waitlistEntries, now };
  }

  /** Runs one agent action; mutating ones at most once per idempotency key. */
  async manage(organizationId: string, body: ManageAppointmentBody, idempotencyKey?: string): Promise<ManageResult> {
    if (body.org_id !== undefined && body.org_id !== organizationId) throw forbidden("org_id does not match the authenticated organisation");
    const calendar = await this.calendars.open(organizationId, body.agent_id, body.action);
    const command = toCommand(body, this.now());
    // An instant meeting is a booking made by the agent, which a links-only tool never makes; and there is no page for
    // the caller to start one themself, so the agent offers a link for a time instead.
    if (command.action === "instant" && linksOnly(calendar)) {
      throw new AppError("INVALID_REQUEST", "I can't start a meeting for you from here, but I can send you a booking link for the next available time.", {
        reason: "The agent's calendar tool is links-only (definition.links_only): it never books, and an instant meeting is a booking",
      });
    }
    const admission = (await this.meter?.admit(calendar, body.action, body.call_session_id)) ?? null;
    const counted = async (answer: ManageResult) => {
      await this.meter?.record(admission);
      return answer;
    };
    if (command.action === "availability" || command.action === "suggest" || command.action === "link" || command.action === "find" || command.action === "waitlist") {
      // waitlist writes, but a unique index keeps a repeated request to the one entry (it answers "already waiting").
      return counted(await this.run(calendar, command));
    }
    // A links-only tool never books or moves: the caller gets the page to do it themself (cancel is unaffected), and
    // as nothing changed, nothing is counted.
    if (linksOnly(calendar) && (command.action === "book" || command.action === "reschedule")) {
      return this.run(calendar, command, { recovering: false }, true);
    }

    // The derived key names the resolved instant, however the caller wrote it.
    const identity = {
      agent: body.agent_id,
      call: body.call_session_id ?? null,
      action: body.action,
      attendee: body.email?.toLowerCase() ?? body.phone ?? body.name ?? null,
      appointment: body.appointment_id ?? null,
      time: "time" in command ? command.time.instant.toISOString() : null,
    };
    const key = idempotencyKey ? `key:${idempotencyKey}` : `auto:${requestHash(identity)}`;
    const hash = requestHash(idempotencyKey ? { ...body } : identity);
    return this.idempotency.run(
      organizationId,
      key,
      hash,
      async (attempt) => counted(await this.run(calendar, command, attempt)),
      (answer) => this.stillHolds(calendar, command, answer, idempotencyKey !== undefined),
    );
  }

  /** Dispatches the command to its handler; Cal.com failures become errors an agent can say. */
  private async run(calendar: Calendar, command: ManageCommand, attempt: Attempt = { recovering: false }, asLink = false): Promise<ManageResult> {
    try {
      if (asLink && command.action === "book") return await link(this.deps, calendar, command);
      if (asLink && command.action === "reschedule") return await rescheduleLink(this.deps, calendar, command);
      switch (command.action) {
        case "availability":
        case "suggest":
          return await slots(this.deps, calendar, command);
        case "book":
          return await book(this.deps, calendar, command, attempt);
        case "reschedule":
          return await reschedule(this.deps, calendar, command);
        case "cancel":
          return await cancel(this.deps, calendar, command);
        case "link":
          return await link(this.deps, calendar, command);
        case "confirm":
        case "decline":
          return await decide(this.deps, calendar, command);
        case "find":
          return await find(this.deps, calendar, command);
        case "instant":
          return await instant(this.deps, calendar, command);
        case "waitlist":
          return await waitlist(this.deps, calendar, command);
      }
    } catch (err) {
      if (err instanceof CalcomAuthError) {
        await this.repo.markAccount(calendar.agent.organizationId, calendar.accountId, "invalid", `Cal.com rejected the key: ${err.message}`).catch(() => undefined);
      }
      throw speakableCalcomError(err);
    }
  }

  /**
   * Whether a stored answer is still true of its appointment: a booking or move names a time the appointment still
   * has (not cancelled), a cancel names a cancelled one. A derived key's answer that no longer holds ends there (the
   * call runs afresh: after a cancel, booking the same time books again). An explicit Idempotency-Key keeps its
   * answer, so a replay of one that no longer holds is a 409 saying what is true now.
   */
  private async stillHolds(calendar: Calendar, command: ManageCommand, said: ManageResult, explicitKey: boolean): Promise<boolean> {
    // A repeat of an instant meeting's request is that meeting while the team is being rung; after, a new one rings again.
    if (said.action === "instant" && !explicitKey) return instantStillRinging(said, this.now());
    if (!said.appointment_id) return true;
    const row = await this.repo.find(calendar.agent.organizationId, said.appointment_id, calendar.agent.id);
    if (!row) return true;
    const holds = said.action === "cancel" || said.action === "decline" ? row.status === "cancelled" : row.status !== "cancelled" && row.startTime.toISOString() === said.date_time;
    if (holds || !explicitKey) return holds;
    const tz = command.timezone;
    const now = speakDateTime(row.startTime, tz, this.now());
    throw new AppError(
      "CONFLICT",
      row.status === "cancelled" ? `Your appointment for ${now} has since been cancelled.` : `Your appointment has since been moved to ${now}.`,
      {
        reason: "The appointment this Idempotency-Key's request changed has changed since, so its answer no longer holds; send a new key for a new request",
        appointment: { appointment_id: row.id, status: row.status, date_time: row.startTime.toISOString(), local_date_time: localIso(row.startTime, tz) },
      },
    );
  }
}
