import { ERROR_STATUS, type ErrorCode } from "@agni/contracts";

/** The one error type services throw; the error middleware turns it into the API's envelope. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "AppError";
    this.status = ERROR_STATUS[code];
  }
}

export const notFound = (what: string) => new AppError("NOT_FOUND", `${what} not found`);
export const invalidRequest = (message: string, details?: unknown) => new AppError("INVALID_REQUEST", message, details);
export const conflict = (message: string, details?: unknown) => new AppError("CONFLICT", message, details);
export const unauthorized = (message: string) => new AppError("UNAUTHORIZED", message);
export const forbidden = (message: string) => new AppError("FORBIDDEN", message);
