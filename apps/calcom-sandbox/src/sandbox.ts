import { createServer, type RequestListener } from "node:http";
import type { AddressInfo } from "node:net";
import { sendSuccess } from "./http";
import type { BookingOps } from "./routes/booking-flows";
import { bookingDecisionRoutes } from "./routes/booking-decision";
import { bookingOutput, bookingRoutes } from "./routes/bookings";
import type { AuthedContext, Route, RouteContext } from "./routes/context";
import { creditRoutes } from "./routes/credits";
import { bookingPageRoutes } from "./routes/booking-page";
import { eventTypeOutput, eventTypeRoutes } from "./routes/event-types";
import { type InstantMeeting, instantMeetings, instantRoutes } from "./routes/instant";
import { legacyBookingRoutes } from "./routes/legacy-bookings";
import { meOutput } from "./routes/me";
import { scheduleRoutes } from "./routes/schedules";
import { slotRoutes } from "./routes/slots";
import { teamEventTypeOutput, teamRoutes } from "./routes/teams";
import { teamWebhookRoutes } from "./routes/team-webhooks";
import { addTeam, addTeamEventType, type NewTeam, type NewTeamEventType, type StoredTeam } from "./teams";
import { webhookRoutes } from "./routes/webhooks";
import { applySeed, type Seed } from "./seed";
import { handleAdmin } from "./server/admin";
import { type Fault, Faults } from "./server/faults";
import { Guards } from "./server/guards";
import { createHandler, type RecordedRequest } from "./server/handler";
import { type NewEventType, type NewUser, SandboxStore, type SandboxUser, type StoredSchedule } from "./store";
import { createWebApp, type WebApp } from "./web-app";
import {
  type DeliveryFilter,
  type HeldDelivery,
  type WebhookDeliveryAttempt,
  type WebhookDeliveryOptions,
  WebhookDeliveries,
  type WebhookFault,
  type WebhookTarget,
} from "./webhook-delivery";

export type { Fault } from "./server/faults";
export type { RecordedRequest } from "./server/handler";

export interface SandboxOptions {
  /** Requests per window per API key before 429 (Cal.com's default for API keys is 120 a minute). */
  rateLimitPerMinute?: number;
  /** Requests per window per IP without credentials (Cal.com's default is 120 a minute). */
  anonymousRateLimitPerMinute?: number;
  /** The rate-limit window (and block) length; default 60 s. Tests shorten it. */
  rateLimitWindowMs?: number;
  /** The clock for everything time-dependent: slots, notice, bookings, reservations, rate limits, webhooks. */
  now?: () => Date;
  /** Loaded at start and by `POST /_sandbox/reset`. */
  seed?: Seed;
  /** Behave as a self-hosted Cal.com without a licence key: API v2 refuses every API key (default false). */
  withoutLicence?: boolean;
  /** How webhooks are delivered and retried (Cal.com's default: at once, once). */
  webhooks?: WebhookDeliveryOptions;
  /** Milliseconds every `GET /v2/slots` waits before answering, as Cal.com's slot computation takes (benchmarks); default 0. */
  slotLatencyMs?: number;
}

export interface Sandbox {
  readonly store: SandboxStore;
  addUser(input: NewUser): { user: SandboxUser; apiKey: string };
  addEventType(userId: number, input: NewEventType): ReturnType<typeof eventTypeOutput>;
  addSchedule(userId: number, input: Omit<StoredSchedule, "id" | "ownerId" | "isDefault"> & { isDefault?: boolean }): StoredSchedule;
  /** A team of existing users (the first member its owner unless roles say otherwise). */
  addTeam(input: NewTeam): StoredTeam;
  /** A round-robin or collective event type of a team, as GET /v2/teams/{teamId}/event-types/{id} answers it. */
  addTeamEventType(teamId: number, input: NewTeamEventType): ReturnType<typeof teamEventTypeOutput>;
  revokeKey(apiKey: string): boolean;
  /** Every instant meeting started (`instant: true`), oldest first: they are not among the calendar's bookings. */
  instantMeetings(): InstantMeeting[];
  /** Every booking (all users), as Cal.com would return them, plus the host's user id. */
  bookings(): (ReturnType<typeof bookingOutput> & { userId: number })[];
  /** Back to the seed (or empty), without faults. */
  reset(): void;
  /** Injected failures; `clear(apiKey)` removes only those scoped to that key. */
  faults: { inject(fault: Fault): void; clear(apiKey?: string): void };
  /** Every request received, newest last (no credentials recorded). */
  requests: RecordedRequest[];
  /** The outside world acting in Cal.com's web app (booking page, email links, the host's bookings list). */
  webApp: WebApp;
  /** Every webhook delivery attempt, oldest first (call `webhooksSettled()` first to include those in flight). */
  webhookDeliveries(filter?: DeliveryFilter): WebhookDeliveryAttempt[];
  /** Delivery faults per webhook, and a pause that holds deliveries until resumed or released in a chosen order. */
  webhookFaults: {
    inject(fault: WebhookFault): void;
    /** Removes the faults for exactly this target, or all. */
    clear(target?: WebhookTarget): void;
    pause(target?: WebhookTarget): void;
    /** Ends the pause (of this target, or all) and sends what it held, oldest first; resolves with their ids once answered. */
    resume(target?: WebhookTarget): Promise<string[]>;
    /** Sends held deliveries while the pause goes on: `ids` in that order, or all for the target in `order`. */
    release(options?: WebhookTarget & { order?: "fifo" | "reverse"; ids?: string[] }): Promise<string[]>;
    held(target?: WebhookTarget): HeldDelivery[];
  };
  /** One run of Cal.com's crons: the tasker queue (with `webhooks.tasker`) and due MEETING_ENDED triggers. */
  runWebhookCron(): Promise<void>;
  /** Resolves when no webhook POST is in flight. */
  webhooksSettled(): Promise<void>;
  handler: RequestListener;
  listen(port?: number, host?: string): Promise<{ url: string; close(): Promise<void> }>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** The slot routes, each slot lookup (GET) answering `latencyMs` later. */
const delayed = (r: Route, ms: number): Route =>
  r.auth === "required"
    ? { ...r, handle: async (ctx: AuthedContext) => (await sleep(ms), r.handle(ctx)) }
    : { ...r, handle: async (ctx: RouteContext) => (await sleep(ms), r.handle(ctx)) };
const slowSlots = (latencyMs: number): Route[] => slotRoutes.map((r) => (latencyMs > 0 && r.method === "GET" ? delayed(r, latencyMs) : r));

const routes = (slotLatencyMs: number): Route[] => [
  { method: "GET", pattern: /^\/v2\/me\/?$/, auth: "required", handle: ({ res, user }) => sendSuccess(res, meOutput(user)) },
  ...slowSlots(slotLatencyMs),
  ...bookingRoutes,
  ...bookingDecisionRoutes,
  ...legacyBookingRoutes,
  ...eventTypeRoutes,
  ...teamRoutes,
  ...teamWebhookRoutes,
  ...scheduleRoutes,
  ...webhookRoutes,
  ...creditRoutes,
  ...instantRoutes,
  ...bookingPageRoutes,
];

export function createSandbox(options: SandboxOptions = {}): Sandbox {
  const fresh = () => {
    const s = new SandboxStore();
    if (options.seed) applySeed(s, options.seed);
    return s;
  };
  let store = fresh();
  const now = () => (options.now ? options.now().getTime() : Date.now());
  const faults = new Faults();
  const deliveries = new WebhookDeliveries(() => store, now, options.webhooks);
  const ops = (): BookingOps => ({ store, now, notify: (event) => deliveries.emit(event) });
  const requests: RecordedRequest[] = [];
  const guards = new Guards({
    apiKeyLimit: options.rateLimitPerMinute ?? 120,
    anonymousLimit: options.anonymousRateLimitPerMinute ?? 120,
    windowMs: options.rateLimitWindowMs ?? 60_000,
    licensed: !options.withoutLicence,
    now,
    userForKey: (key) => store.userForKey(key),
  });

  const handler = createHandler({
    routes: routes(options.slotLatencyMs ?? 0),
    store: () => store,
    faults,
    guards,
    requests,
    now,
    notify: (event) => deliveries.emit(event),
    admin: (req, res, url) => handleAdmin(sandbox, req, res, url),
  });

  const sandbox: Sandbox = {
    get store() {
      return store;
    },
    addUser: (input) => store.addUser(input),
    addEventType: (userId, input) => eventTypeOutput(store.addEventType(userId, input), store),
    addSchedule: (userId, input) => store.addSchedule(userId, input),
    addTeam: (input) => addTeam(store, input),
    addTeamEventType: (teamId, input) => teamEventTypeOutput(addTeamEventType(store, teamId, input), store),
    revokeKey: (apiKey) => store.revokeKey(apiKey),
    instantMeetings: () => instantMeetings(store),
    bookings: () => [...store.bookings.values()].map((b) => ({ ...bookingOutput(b, store), userId: b.userId })),
    reset() {
      store = fresh();
      faults.clear();
      deliveries.reset();
    },
    faults: { inject: (fault) => faults.inject(fault), clear: (apiKey) => faults.clear(apiKey) },
    requests,
    webApp: createWebApp(ops),
    webhookDeliveries: (filter) => deliveries.attempts(filter),
    webhookFaults: {
      inject: (fault) => deliveries.inject(fault),
      clear: (target) => deliveries.clearFaults(target),
      pause: (target) => deliveries.pause(target),
      resume: (target) => deliveries.resume(target),
      release: (options) => deliveries.release(options),
      held: (target) => deliveries.held(target),
    },
    runWebhookCron: () => deliveries.runCron(),
    webhooksSettled: () => deliveries.settled(),
    handler,
    async listen(port = 0, host = "127.0.0.1") {
      const server = createServer(handler);
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => resolve());
      });
      const address = server.address() as AddressInfo;
      deliveries.start();
      return {
        url: `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`,
        close: () =>
          new Promise<void>((resolve) => {
            deliveries.stop();
            server.close(() => resolve());
            server.closeAllConnections();
          }),
      };
    },
  };
  return sandbox;
}
