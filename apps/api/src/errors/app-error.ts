import { ERROR_STATUS, type ErrorCode } from "@agni/contracts";

export type ErrorDetails = Record<string, unknown>;

/**
 * The one error type services throw; the error middleware turns it into the API's envelope. `retryAfterSeconds`
 * becomes the `Retry-After` header (and `details.retry_after_seconds`, for clients that read the body).
 */
export class AppError extends Error {
  readonly status: number;
  readonly details?: ErrorDetails;
  readonly retryAfterSeconds?: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    details?: ErrorDetails,
    options: { retryAfterSeconds?: number } = {},
  ) {
    super(message);
    this.name = "AppError";
    this.status = ERROR_STATUS[code];
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.details = options.retryAfterSeconds === undefined ? details : { ...details, retry_after_seconds: options.retryAfterSeconds };
  }
}

export const notFound = (what: string) => new AppError("NOT_FOUND", `${what} not found`);
export const invalidRequest = (message: string, details?: ErrorDetails) => new AppError("INVALID_REQUEST", message, details);
export const conflict = (message: string, details?: ErrorDetails) => new AppError("CONFLICT", message, details);
export const unauthorized = (message: string) => new AppError("UNAUTHORIZED", message);
export const forbidden = (message: string) => new AppError("FORBIDDEN", message);

/** The agent's calendar cannot be used (no account, a key that does not decrypt, an address not allowed): said the same way everywhere. */
export const notConnected = (reason: string) =>
  new AppError("NOT_CONNECTED", "I'm not able to access the calendar right now, so I can't check or book times.", { reason });
