import { unwrap } from "@agni/client";
import type { Appointment, AppointmentAction, ListAppointmentsQuery, ManageAppointmentBody, ManageResult } from "@agni/contracts";
import type { Command } from "commander";
import { action, type Run } from "../action";
import type { CliContext } from "../context";
import { jsonObjectArg, parseInteger } from "../options";
import { objectOutput, table, type Column, type Output } from "../output";

const COLUMNS: readonly Column<Appointment>[] = [
  ["ID", (a) => a.id],
  ["START", (a) => a.start_time],
  ["MIN", (a) => a.duration_minutes],
  ["STATUS", (a) => a.status],
  ["ATTENDEE", (a) => a.attendee_name],
  ["CONTACT", (a) => a.attendee_email ?? a.attendee_phone],
  ["HOST", (a) => a.host_name],
  ["SOURCE", (a) => a.source],
];

/** The sentence for the caller first, then the offered days (if any), then the rest. */
function manageOutput(body: { message: string; data: ManageResult }): Output {
  return {
    body,
    human: () => {
      const { data } = body;
      const days = data.available_slots.map((d) => `  ${d.date_label} (${d.date}): ${d.slots.join(", ")}`);
      const found = (data.appointments ?? []).map((a) => `  ${a.appointment_id}  ${a.local_date_time}  ${a.status}`);
      const facts = [
        data.appointment_id ? `appointment_id: ${data.appointment_id}` : "",
        data.local_date_time ? `time:           ${data.local_date_time} (${data.date_time})` : "",
        data.action_required ? `action needed:  ${data.action_required}` : "",
        data.booking_url ? `booking link:   ${data.booking_url}` : "",
        data.meeting_url ? `meeting link:   ${data.meeting_url}` : "",
        data.slots_as_of ? `slots as of:    ${data.slots_as_of}` : "",
        data.waitlist_entry_id ? `waitlist entry: ${data.waitlist_entry_id}` : "",
      ].filter(Boolean);
      return [body.message, ...days, ...found, ...facts].join("\n");
    },
  };
}

/** What the manage commands' options parse to (each action declares its own subset). */
type ManageOptions = {
  agent: string;
  timezone: string;
  callSession?: string;
  eventType?: number;
  idempotencyKey?: string;
  name?: string;
  email?: string;
  phone?: string;
  notes?: string;
  days?: number;
  duration?: number;
  responses?: string;
  date?: string;
  expires?: string;
};

/** Options every action takes, plus those of the given actions. */
function manageCommand(parent: Command, ctx: CliContext, name: AppointmentAction, usage: string, description: string, extra: (c: Command) => Command = (c) => c) {
  const command = extra(
    parent
      .command(`${name}${usage}`)
      .description(description)
      .requiredOption("--agent <id>", "the agent making the call")
      .requiredOption("--timezone <zone>", "the caller's IANA time zone, e.g. Europe/Berlin")
      .option("--call-session <id>", "the conversation's id (makes retries of the same call idempotent)")
      .option("--event-type <id>", "book this Cal.com event type instead of the agent's", parseInteger)
      .option("--idempotency-key <key>", "repeat-safe key for book/reschedule/cancel"),
  );
  command.action(
    action<ManageOptions>(ctx, async (run: Run, args, options) => {
      const body: ManageAppointmentBody = {
        action: name,
        agent_id: options.agent,
        timezone: options.timezone,
        call_session_id: options.callSession,
        event_type_id: options.eventType,
        appointment_datetime: name === "book" || name === "link" ? args[0] : name === "reschedule" ? args[1] : undefined,
        appointment_id: name === "reschedule" || name === "cancel" || name === "confirm" || name === "decline" ? args[0] : undefined,
        name: options.name,
        email: options.email,
        phone: options.phone,
        date: options.date,
        window_start: name === "waitlist" ? args[0] : undefined,
        window_end: name === "waitlist" ? args[1] : undefined,
        expires_at: options.expires,
        notes: options.notes,
        days_ahead: options.days,
        duration_minutes: options.duration,
        responses: jsonObjectArg("--responses", options.responses) as ManageAppointmentBody["responses"],
      };
      const headers = options.idempotencyKey ? { "idempotency-key": options.idempotencyKey } : {};
      return manageOutput(await unwrap(run.client.appointments.manageAppointment({ body, query: run.query, headers })));
    }),
  );
}

export function registerAppointments(program: Command, ctx: CliContext): void {
  const appointments = program.command("appointments").description("Check times, book, reschedule and cancel as an agent would");
  const days = (c: Command) => c.option("--days <n>", "how many days ahead (1-30, default 7)", parseInteger).option("--duration <minutes>", "length, for event types with several", parseInteger);
  manageCommand(appointments, ctx, "availability", "", "Every open time in the next days, grouped by day", days);
  manageCommand(appointments, ctx, "suggest", "", "A few well-spread times to offer", days);
  manageCommand(appointments, ctx, "book", " <datetime>", "Book a time (ISO 8601; without an offset it is wall-clock time in --timezone)", (c) =>
    c
      .requiredOption("--name <name>", "the attendee's name")
      .option("--email <email>", "the attendee's email")
      .option("--phone <e164>", "the attendee's phone, e.g. +14155550123")
      .option("--notes <text>", "notes for the host")
      .option("--duration <minutes>", "length, for event types with several", parseInteger)
      .option("--responses <json>", 'answers to the event type\'s questions, e.g. {"company-size":"11-50"}'),
  );
  manageCommand(appointments, ctx, "reschedule", " <appointmentId> <datetime>", "Move an appointment (by Agni id or any Cal.com uid in its chain)", (c) =>
    c.option("--notes <text>", "why it moves"),
  );
  manageCommand(appointments, ctx, "cancel", " <appointmentId>", "Cancel an appointment", (c) => c.option("--notes <text>", "why it is cancelled"));
  manageCommand(appointments, ctx, "confirm", " <appointmentId>", "The host accepts a booking request awaiting confirmation (host-side agents)");
  manageCommand(appointments, ctx, "decline", " <appointmentId>", "The host declines a booking request awaiting confirmation (host-side agents)", (c) =>
    c.option("--notes <text>", "why it is declined; the caller is told"),
  );
  manageCommand(appointments, ctx, "link", " [datetime]", "A booking page link with the caller's details and time filled in, for the caller to confirm", (c) =>
    c
      .option("--name <name>", "the attendee's name")
      .option("--email <email>", "the attendee's email")
      .option("--notes <text>", "notes for the host")
      .option("--duration <minutes>", "length, for event types with several", parseInteger)
      .option("--responses <json>", "answers to the event type's questions"),
  );
  manageCommand(appointments, ctx, "instant", "", "Start a meeting now with whoever on the team answers (event types set up for instant meetings)", (c) =>
    c
      .requiredOption("--name <name>", "the attendee's name")
      .option("--email <email>", "the attendee's email")
      .option("--phone <e164>", "the attendee's phone, e.g. +14155550123")
      .option("--notes <text>", "what the caller needs, for whoever answers")
      .option("--responses <json>", "answers to the event type's questions"),
  );
  manageCommand(appointments, ctx, "find", "", "The caller's upcoming appointments, by the phone or email they booked with, or their name and the day", (c) =>
    c
      .option("--phone <number>", "the phone booked with, any format, e.g. (415) 555-0100 (national numbers read in the tool's default_region)")
      .option("--email <email>", "the email booked with")
      .option("--name <name>", "the attendee's name (with --date)")
      .option("--date <YYYY-MM-DD>", "the day of the appointment, in --timezone"),
  );
  manageCommand(appointments, ctx, "waitlist", " <windowStart> <windowEnd>", "Put the caller on the waitlist for the earliest and latest start they would take (open times in the window are offered instead)", (c) =>
    c
      .requiredOption("--name <name>", "the attendee's name")
      .option("--phone <number>", "the number to call or text back, any format (national numbers read in the tool's default_region)")
      .option("--email <email>", "the email to write to, if no phone")
      .option("--expires <datetime>", "stop looking after this time (default and latest: windowEnd)"),
  );

  appointments
    .command("list")
    .description("An agent's appointments (made through Agni, and others on its Cal.com account)")
    .requiredOption("--agent <id>", "the agent")
    .option("--status <status>", "upcoming (default), past, cancelled or all")
    .option("--limit <n>", "at most this many", parseInteger)
    .action(
      // --status is not checked here: the API answers 400 naming the values it takes.
      action<{ agent: string; status?: ListAppointmentsQuery["status"]; limit?: number }>(ctx, async ({ client, query }, _args, options) => {
        const body = await unwrap(client.appointments.listAppointments({ query: { ...query, agent_id: options.agent, status: options.status, limit: options.limit } }));
        return { body, human: () => (body.data.appointments.length ? table(body.data.appointments, COLUMNS) : "No appointments.") };
      }),
    );

  appointments
    .command("get <appointmentId>")
    .description("One appointment, by Agni id or Cal.com uid")
    .action(
      action(ctx, async ({ client, query }, [id]) => {
        const body = await unwrap(client.appointments.getAppointment({ params: { appointment_id: id }, query }));
        return { body, human: () => objectOutput({ message: body.message, data: body.data.appointment }).human() };
      }),
    );
}

export function registerEventTypes(program: Command, ctx: CliContext): void {
  const eventTypes = program.command("event-types").description("Event types of an agent's Cal.com account");
  eventTypes
    .command("list")
    .requiredOption("--agent <id>", "the agent whose effective account to read")
    .action(
      action<{ agent: string }>(ctx, async ({ client, query }, _args, options) => {
        const body = await unwrap(client.appointments.listEventTypes({ query: { ...query, agent_id: options.agent } }));
        const rows = body.data.event_types;
        return {
          body,
          human: () =>
            rows.length
              ? table(rows, [
                  ["ID", (e) => e.id],
                  ["TITLE", (e) => e.title],
                  ["SLUG", (e) => e.slug],
                  ["MINUTES", (e) => e.length_options],
                  ["QUESTIONS", (e) => e.required_questions.map((q) => q.slug)],
                ])
              : "No event types.",
        };
      }),
    );
  eventTypes
    .command("lookup <eventTypeId>")
    .requiredOption("--agent <id>", "the agent whose effective account to read")
    .action(
      action<{ agent: string }>(ctx, async ({ client, query }, [id], options) => {
        const body = await unwrap(client.appointments.lookupEventType({ params: { platform_id: id }, query: { ...query, agent_id: options.agent } }));
        return { body, human: () => objectOutput({ message: body.message, data: body.data.event_type }).human() };
      }),
    );
}
