import type { IncomingMessage, ServerResponse } from "node:http";
import type { SandboxStore, SandboxUser } from "../store";
import type { WebhookEvent } from "../webhook-payload";

/** What a route handler gets. `user` is absent on routes where Cal.com makes authentication optional. */
export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** The path pattern's groups: the first (or "") and any others. */
  params: [string, ...string[]];
  user?: SandboxUser;
  /** The JSON body as sent (undefined without one): each route checks it as Cal.com's pipes do. */
  body: unknown;
  store: SandboxStore;
  now: () => number;
  /** Fires the host's webhooks for a booking event; resolves when Cal.com's booking flow would go on. */
  notify(event: WebhookEvent): Promise<void>;
}

/** The context of a route behind ApiAuthGuard: the caller is known. */
export interface AuthedContext extends RouteContext {
  user: SandboxUser;
}

interface RouteBase {
  method: string;
  pattern: RegExp;
  /** The `cal-api-version` values whose controller serves this route; absent means any (or none). */
  versions?: readonly string[];
}

/** A controller method behind its guard: ApiAuthGuard ("required"), OptionalApiAuthGuard, or none. */
export type Route =
  | (RouteBase & { auth: "required"; handle(ctx: AuthedContext): void | Promise<void> })
  | (RouteBase & { auth: "optional" | "none"; handle(ctx: RouteContext): void | Promise<void> });

/** A JSON object body, or null for anything else (no body, an array, a scalar). */
export const bodyObject = (body: unknown): Record<string, unknown> | null =>
  body !== null && typeof body === "object" && !Array.isArray(body) ? (body as Record<string, unknown>) : null;

/**
 * A Cal.com error and the form its answer takes: a Nest HttpException in the error envelope, a core HttpError or
 * plain Error answered unwrapped ("bare"), or a ZodError in the ZodExceptionFilter's envelope ("zod").
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly form: "envelope" | "bare" | "zod" = "envelope",
    /** The envelope's `details` when the exception carried an object rather than a message. */
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const BOOKINGS_VERSIONS = ["2024-08-13"] as const;
export const SLOTS_VERSIONS = ["2024-09-04"] as const;
export const EVENT_TYPES_VERSIONS = ["2024-06-14"] as const;
export const SCHEDULES_VERSIONS = ["2024-06-11", "2024-06-14"] as const;
export const LEGACY_BOOKINGS_VERSIONS = ["2024-04-15", "2024-06-11", "2024-06-14"] as const;
export const LEGACY_SLOTS_VERSIONS = ["2024-04-15", "2024-06-11", "2024-06-14", "2024-08-13"] as const;
