import {
  CalcomApiError,
  type CalcomApiErrorInit,
  CalcomAuthError,
  CalcomNotFoundError,
  CalcomRateLimitError,
  CalcomSlotUnavailableError,
  CalcomValidationError,
} from "./errors";

// Cal.com's messages for a time that cannot be booked (a 400, not a 409, on individual and team event types), including
// a slot someone else holds a reservation for.
const SLOT_TAKEN = [
  /already has booking at this time or is not available/i,
  /no_available_users_found_error/i,
  /hosts_unavailable_for_booking/i,
  /booking_conflict_error/i,
  /no more seats left/i,
  /Someone else reserved this booking time slot/i,
];
const MISSING_FIELD = /Missing required booking field response:\s*([\w-]+)/i;
// "Invalid type for booking field 'x'", "Invalid option 'v' for booking field 'x'" (and the older "Invalid option for
// booking field x"), "One or more invalid options for booking field 'x'".
const INVALID_FIELD = /(?:Invalid type for booking field|Invalid option(?: '[^']*')? for booking field|invalid options for booking field)\s*'?([\w-]+)'?/i;
const ZOD_FIELD = /responses\s*-\s*\{(\w+)\}error_required_field/i;
// The input pipes' wording: "attendee property is wrong, timeZone property is wrong,timeZone must be …".
const PIPE_PROPERTY = /^([\w.]+) property is wrong,/;

/** The message every wording of "this booking is already cancelled" is reported with (see `normalise`). */
export const ALREADY_CANCELLED_MESSAGE = "This booking has already been cancelled.";

// Conditions Cal.com words differently across versions, in messages that name booking uids: one sentence each, so
// that callers match (and may repeat) a stable text. The raw body stays on the error.
const NORMALISED: [RegExp, string][] = [
  // Bare 400 from handleCancelBooking (before mid-2025), and the 2024-08-13 envelope naming the uid (since).
  [/already been cancelled|has been cancelled already/i, ALREADY_CANCELLED_MESSAGE],
  [/because it has been cancelled and rescheduled already/i, "This booking was already rescheduled."],
  [/Can't reschedule booking with uid=\S+ because it has been cancelled/i, "This booking was cancelled, so it can't be rescheduled."],
];

/** The field a pipe message names: nested properties joined with dots (`attendee.timeZone`). */
function pipeField(message: string): string | null {
  const path: string[] = [];
  let rest = message;
  for (let m = PIPE_PROPERTY.exec(rest); m?.[1] !== undefined; m = PIPE_PROPERTY.exec(rest)) {
    path.push(m[1]);
    rest = rest.slice(m[0].length).trimStart();
  }
  return path.length ? path.join(".") : null;
}

/** Cal.com's rate-limit reset header (`X-RateLimit-Reset-Default`) as milliseconds from `now`: seconds, or a Unix timestamp. */
export function retryAfterFromHeaders(headers: Headers, now = Date.now()): number | null {
  let value: string | null = null;
  headers.forEach((v, k) => {
    if (value === null && /^x-ratelimit-reset(-|$)/i.test(k)) value = v;
  });
  value ??= headers.get("retry-after");
  if (value === null) return null;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) {
    const date = Date.parse(value);
    return Number.isNaN(date) ? null : Math.max(0, date - now);
  }
  if (n > 1e12) return Math.max(0, n - now); // epoch milliseconds
  if (n > 1e9) return Math.max(0, n * 1000 - now); // epoch seconds
  return n * 1000;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null;

/**
 * The code and message from any of Cal.com's error bodies: the `{status:"error", error:{…}}` envelope (HttpException,
 * ZodError with code BAD_REQUEST, or ErrorWithCode with `data`), a bare Nest body, or text.
 */
function describe(status: number, body: unknown): { code: string; message: string } {
  if (isObject(body)) {
    const b = body;
    if (isObject(b.error)) {
      const details = isObject(b.error.details) ? b.error.details : undefined;
      let message = typeof b.error.message === "string" ? b.error.message : "";
      // Validation failures say only "Bad Request Exception"; the useful text is in details.
      if (/^Bad Request Exception$/i.test(message) && Array.isArray(details?.errors)) {
        message = details.errors
          .map((e: { property?: unknown; constraints?: object | null }) => `${e.property}: ${Object.values(e.constraints ?? {}).join(", ") || "invalid"}`)
          .join("; ");
      } else if (typeof details?.message === "string" && details.message && !message) {
        message = details.message;
      }
      return { code: String(b.error.code ?? `HTTP_${status}`), message: message || `HTTP ${status}` };
    }
    if ("statusCode" in b || "message" in b) {
      const message = Array.isArray(b.message) ? b.message.join("; ") : String(b.message ?? b.error ?? `HTTP ${status}`);
      return { code: typeof b.error === "string" ? b.error : `HTTP_${status}`, message };
    }
  }
  if (typeof body === "string" && body.trim()) {
    const text = body.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").trim();
    return { code: `HTTP_${status}`, message: text.slice(0, 300) };
  }
  return { code: `HTTP_${status}`, message: `HTTP ${status}` };
}

/** Turns a non-2xx Cal.com answer into the most specific error of the tree. */
export function parseCalcomError(status: number, body: unknown, headers: Headers, now = Date.now()): CalcomApiError {
  const { code, message: said } = describe(status, body);
  const message = (status === 400 && NORMALISED.find(([re]) => re.test(said))?.[1]) || said;
  const init: CalcomApiErrorInit = { status, code, message, requestId: headers.get("x-request-id"), body };
  if (status === 401 || status === 403 || status === 498) return new CalcomAuthError(init);
  if (status === 404) return new CalcomNotFoundError(init);
  if (status === 429) return new CalcomRateLimitError(init, retryAfterFromHeaders(headers, now) ?? 60_000);
  if (status === 409 || (status === 400 && SLOT_TAKEN.some((re) => re.test(message)))) return new CalcomSlotUnavailableError(init);
  if (status === 400 || status === 422) {
    const field = MISSING_FIELD.exec(message)?.[1] ?? INVALID_FIELD.exec(message)?.[1] ?? ZOD_FIELD.exec(message)?.[1] ?? pipeField(message);
    return new CalcomValidationError(init, field);
  }
  return new CalcomApiError(init);
}

/** Whether Cal.com refused because the booking is already cancelled (any of its wordings). */
export function isAlreadyCancelled(err: unknown): boolean {
  return err instanceof CalcomApiError && err.status === 400 && err.message === ALREADY_CANCELLED_MESSAGE;
}
