/** Base class of every error this client throws, so callers can catch them all with one `instanceof`. */
export class AgniError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * The API answered with a non-2xx status. `code` is the envelope's error code (`NOT_FOUND`, `INVALID_REQUEST`, …),
 * or `HTTP_<status>` when the body was not an Agni error envelope (a proxy's HTML page, for instance).
 */
export class AgniApiError extends AgniError {
  constructor(
    message: string,
    readonly code: string,
    readonly status: number,
    /** The API's request id (envelope `request_id`, else the `X-Request-Id` header): quote it when reporting a problem. */
    readonly requestId: string | undefined,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** The API could not be reached at all: refused connection, DNS failure, reset, or timeout. */
export class AgniConnectionError extends AgniError {
  constructor(
    readonly baseUrl: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`Cannot reach the Agni API at ${baseUrl}: ${reason}`, options);
  }
}
