import { randomBytes, randomUUID } from "node:crypto";
import type { Schedule, SlotRules, WeeklyHours } from "./slots";
import type { StoredTeam, TeamFields } from "./teams";

export interface SandboxUser {
  id: number;
  username: string;
  email: string;
  name: string;
  timeZone: string;
  weekStart: string;
  timeFormat: 12 | 24;
  defaultScheduleId: number | null;
}

export interface StoredSchedule extends Schedule {
  id: number;
  ownerId: number;
  name: string;
  isDefault: boolean;
}

export interface BookingField {
  type: string;
  slug: string;
  label?: string;
  required: boolean;
  hidden?: boolean;
  isDefault?: boolean;
  options?: string[];
  placeholder?: string;
}

export interface StoredEventType extends SlotRules, Partial<TeamFields> {
  id: number;
  /** The owning user; 0 for a team's event type (Cal.com's userId null), whose `teamId` and `hosts` say who hosts. */
  ownerId: number;
  title: string;
  slug: string;
  description: string;
  lengthInMinutesOptions?: number[];
  hidden: boolean;
  scheduleId: number | null;
  bookingFields: BookingField[];
  /** New bookings wait for the host (status pending, BOOKING_REQUESTED) unless the host made them. */
  requiresConfirmation: boolean;
  /** Set up for instant meetings ("connect now"); Cal.com offers it on team event types only (see routes/instant.ts). */
  isInstantEvent?: boolean;
  /** How long the team has to accept an instant meeting (Cal.com's default: 90 s). */
  instantMeetingExpiryTimeOffsetInSeconds?: number;
}

export interface StoredBooking {
  id: number;
  uid: string;
  userId: number;
  eventTypeId: number;
  title: string;
  status: "accepted" | "pending" | "cancelled" | "rejected";
  start: number;
  end: number;
  attendee: { name: string; email: string; timeZone: string; language: string; phoneNumber?: string; noShow?: boolean };
  bookingFieldsResponses: Record<string, unknown>;
  guests: string[];
  metadata: Record<string, unknown>;
  location: string;
  cancellationReason?: string;
  /** Who cancelled it (Cal.com's cancelledBy): the key's owner, or the host or attendee in the web app. */
  cancelledBy?: string;
  rejectionReason?: string;
  reschedulingReason?: string;
  /** On the replaced booking: who moved it (Cal.com keeps rescheduledBy on the original). */
  rescheduledBy?: string;
  rescheduledFromUid?: string;
  rescheduledToUid?: string;
  /** A team booking's other hosts (a collective event's), busy with the organizer `userId`. */
  coHostIds?: number[];
  noShowHost?: boolean;
  /** Cal.com's creationSource: API_V2 for API bookings, WEBAPP for the booking page. */
  creationSource: "API_V2" | "WEBAPP";
  createdAt: number;
  updatedAt: number;
}

export interface StoredReservation {
  uid: string;
  eventTypeId: number;
  userId: number;
  start: number;
  end: number;
  duration: number;
  reservationDuration: number;
  until: number;
  createdAt: number;
}

export interface StoredWebhook {
  id: number;
  /** A user's own webhook (POST /v2/webhooks); null for an event type's. */
  userId: number | null;
  /** An event type's webhook (routes/team-webhooks.ts); absent for a user's. */
  eventTypeId?: number;
  subscriberUrl: string;
  active: boolean;
  triggers: string[];
  payloadTemplate: string | null;
  secret: string | null;
}

export interface NewUser {
  username: string;
  timeZone?: string;
  email?: string;
  name?: string;
  /** Issue a `cal_live_…` key instead of a `cal_test_…` one. */
  live?: boolean;
  /** Use this exact key (e.g. the fixed demo key). */
  apiKey?: string;
  /** Weekly hours of the default schedule; Monday–Friday 09:00–17:00 in the user's zone when absent. */
  schedule?: { availability?: WeeklyHours[]; overrides?: Schedule["overrides"]; timeZone?: string };
}

export interface NewEventType {
  title: string;
  slug?: string;
  lengthInMinutes: number;
  lengthInMinutesOptions?: number[];
  slotInterval?: number;
  minimumBookingNotice?: number;
  beforeEventBuffer?: number;
  afterEventBuffer?: number;
  bookingWindow?: SlotRules["bookingWindow"];
  offsetStart?: number;
  showOptimizedSlots?: boolean;
  /** Custom questions; an entry with slug `email` replaces the default email field (e.g. `required: false`). */
  bookingFields?: Partial<BookingField>[];
  hidden?: boolean;
  scheduleId?: number;
  description?: string;
  requiresConfirmation?: boolean;
  isInstantEvent?: boolean;
  instantMeetingExpiryTimeOffsetInSeconds?: number;
}

const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"];

/** Cal.com's default booking fields, present on every event type. */
function defaultFields(): BookingField[] {
  return [
    { type: "name", slug: "name", label: "Your name", required: true, isDefault: true, hidden: false },
    { type: "email", slug: "email", label: "Email address", required: true, isDefault: true, hidden: false },
    { type: "text", slug: "title", label: "What is this meeting about?", required: false, isDefault: true, hidden: true },
    { type: "textarea", slug: "notes", label: "Additional notes", required: false, isDefault: true, hidden: false },
    { type: "multiemail", slug: "guests", label: "Add guests", required: false, isDefault: true, hidden: false },
    { type: "textarea", slug: "rescheduleReason", label: "Reason for reschedule", required: false, isDefault: true, hidden: false },
  ];
}

export interface SandboxCredits {
  monthlyRemaining: number;
  additional: number;
  charged: Set<string>;
  charges: { credits: number; creditFor: string; externalRef: string | null }[];
}

/** The sandbox's whole state. Tests and the admin endpoints reset it by making a new one. */
export class SandboxStore {
  private seq = { user: 1, schedule: 1, eventType: 1, booking: 1, webhook: 1, team: 1 };
  readonly users = new Map<number, SandboxUser>();
  readonly schedules = new Map<number, StoredSchedule>();
  readonly eventTypes = new Map<number, StoredEventType>();
  readonly bookings = new Map<string, StoredBooking>();
  readonly reservations = new Map<string, StoredReservation>();
  readonly webhooks = new Map<number, StoredWebhook>();
  readonly teams = new Map<number, StoredTeam>();
  /** Each user's credit balance, the `externalRef`s already charged, and every charge made (tests count them). */
  readonly credits = new Map<number, SandboxCredits>();
  private readonly keys = new Map<string, number>();

  addUser(input: NewUser): { user: SandboxUser; apiKey: string } {
    if (!input.username) throw new TypeError("addUser: username is required");
    if ([...this.users.values()].some((u) => u.username === input.username)) throw new Error(`username ${input.username} is taken`);
    const timeZone = input.timeZone ?? "Europe/London";
    new Intl.DateTimeFormat("en", { timeZone }); // throws RangeError on an unknown zone
    const user: SandboxUser = {
      id: this.seq.user++,
      username: input.username,
      email: input.email ?? `${input.username}@example.com`,
      name: input.name ?? input.username,
      timeZone,
      weekStart: "Monday",
      timeFormat: 12,
      defaultScheduleId: null,
    };
    this.users.set(user.id, user);
    const schedule = this.addSchedule(user.id, {
      name: "Working hours",
      timeZone: input.schedule?.timeZone ?? timeZone,
      availability: input.schedule?.availability ?? [{ days: WEEKDAYS, startTime: "09:00", endTime: "17:00" }],
      overrides: input.schedule?.overrides ?? [],
    });
    user.defaultScheduleId = schedule.id;
    this.credits.set(user.id, { monthlyRemaining: 500, additional: 0, charged: new Set(), charges: [] });
    return { user, apiKey: this.issueKey(user.id, input) };
  }

  addSchedule(ownerId: number, input: Omit<StoredSchedule, "id" | "ownerId" | "isDefault"> & { isDefault?: boolean }): StoredSchedule {
    const schedule: StoredSchedule = { id: this.seq.schedule++, ownerId, isDefault: input.isDefault ?? this.users.get(ownerId)?.defaultScheduleId == null, ...input };
    this.schedules.set(schedule.id, schedule);
    return schedule;
  }

  /** A user's event type, or (with `team`, owner 0) a team's: see teams.ts `addTeamEventType`. */
  addEventType(ownerId: number, input: NewEventType, team?: TeamFields): StoredEventType {
    if (!team && !this.users.has(ownerId)) throw new Error(`no user ${ownerId}`);
    const fields = defaultFields();
    for (const f of input.bookingFields ?? []) {
      const field: BookingField = { required: false, hidden: false, isDefault: false, type: "text", slug: "", ...f } as BookingField;
      const i = fields.findIndex((d) => d.slug === field.slug);
      const existing = fields[i];
      if (existing) fields[i] = { ...existing, ...field, isDefault: true };
      else fields.push(field);
    }
    const eventType: StoredEventType = {
      id: this.seq.eventType++,
      ownerId,
      title: input.title,
      slug: input.slug ?? input.title.toLowerCase().replace(/[^a-z0-9]+/g, "-"),
      description: input.description ?? "",
      lengthInMinutes: input.lengthInMinutes,
      lengthInMinutesOptions: input.lengthInMinutesOptions,
      slotInterval: input.slotInterval ?? null,
      minimumBookingNotice: input.minimumBookingNotice ?? 0,
      beforeEventBuffer: input.beforeEventBuffer ?? 0,
      afterEventBuffer: input.afterEventBuffer ?? 0,
      bookingWindow: input.bookingWindow ?? null,
      offsetStart: input.offsetStart ?? 0,
      showOptimizedSlots: input.showOptimizedSlots ?? false,
      hidden: input.hidden ?? false,
      scheduleId: input.scheduleId ?? null,
      bookingFields: fields,
      requiresConfirmation: input.requiresConfirmation ?? false,
      ...team,
      ...(input.isInstantEvent !== undefined ? { isInstantEvent: input.isInstantEvent } : {}),
      ...(input.instantMeetingExpiryTimeOffsetInSeconds !== undefined ? { instantMeetingExpiryTimeOffsetInSeconds: input.instantMeetingExpiryTimeOffsetInSeconds } : {}),
    };
    this.eventTypes.set(eventType.id, eventType);
    return eventType;
  }

  /** A user the store's own records name (a booking's host, an event type's owner): always there. */
  userById(id: number): SandboxUser {
    const user = this.users.get(id);
    if (!user) throw new Error(`sandbox store: no user ${id}`);
    return user;
  }

  creditsOf(userId: number) {
    const credits = this.credits.get(userId);
    if (!credits) throw new Error(`sandbox store: no credits for user ${userId}`);
    return credits;
  }

  scheduleFor(eventType: StoredEventType): StoredSchedule {
    const owner = this.userById(eventType.ownerId);
    const schedule = this.schedules.get(eventType.scheduleId ?? owner.defaultScheduleId ?? -1);
    if (!schedule) throw new Error(`sandbox store: event type ${eventType.id} has no schedule`);
    return schedule;
  }

  newBookingIds() {
    return { id: this.seq.booking++, uid: randomBytes(11).toString("base64url") };
  }

  newTeamId() {
    return this.seq.team++;
  }

  newWebhookId() {
    return this.seq.webhook++;
  }

  issueKey(userId: number, options: { live?: boolean; apiKey?: string } = {}): string {
    const apiKey = options.apiKey ?? `${options.live ? "cal_live_" : "cal_test_"}${randomBytes(16).toString("hex")}`;
    this.keys.set(apiKey, userId);
    return apiKey;
  }

  revokeKey(apiKey: string): boolean {
    return this.keys.delete(apiKey);
  }

  userForKey(apiKey: string): SandboxUser | undefined {
    const id = this.keys.get(apiKey);
    return id === undefined ? undefined : this.users.get(id);
  }

  newReservationUid() {
    return randomUUID();
  }
}
