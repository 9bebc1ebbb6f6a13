/** Every failure of a Cal.com call is a CalcomError; API answers are CalcomApiError or one of its subclasses. */
export class CalcomError extends Error {
  override name = "CalcomError";
}

/** Cal.com could not be reached (DNS, refused, reset). */
export class CalcomConnectionError extends CalcomError {
  override name = "CalcomConnectionError";
}

/** Cal.com did not answer within the client's timeout. */
export class CalcomTimeoutError extends CalcomError {
  override name = "CalcomTimeoutError";
  constructor(readonly timeoutMs: number) {
    super(`Cal.com did not answer within ${timeoutMs} ms`);
  }
}

/** Cal.com answered 2xx with a body missing fields this library relies on. */
export class CalcomResponseValidationError extends CalcomError {
  override name = "CalcomResponseValidationError";
  constructor(
    message: string,
    readonly body: unknown,
  ) {
    super(message);
  }
}

export interface CalcomApiErrorInit {
  status: number;
  /** Cal.com's error code: the exception class name (e.g. `BadRequestException`), `BAD_REQUEST`, or `HTTP_<status>`. */
  code: string;
  message: string;
  requestId: string | null;
  body: unknown;
}

/** Cal.com answered with a non-2xx status. */
export class CalcomApiError extends CalcomError {
  override name = "CalcomApiError";
  readonly status: number;
  readonly code: string;
  readonly requestId: string | null;
  readonly body: unknown;
  constructor(init: CalcomApiErrorInit) {
    super(init.message);
    this.status = init.status;
    this.code = init.code;
    this.requestId = init.requestId;
    this.body = init.body;
  }
}

/** 401/403 (and 498, an expired access token): the key is wrong, expired, revoked or lacks the permission. */
export class CalcomAuthError extends CalcomApiError {
  override name = "CalcomAuthError";
}

/** 404: the resource does not exist, or the route does not exist for the `cal-api-version` sent. */
export class CalcomNotFoundError extends CalcomApiError {
  override name = "CalcomNotFoundError";
}

/** 429: the key's budget (120 requests a minute by default) is spent. */
export class CalcomRateLimitError extends CalcomApiError {
  override name = "CalcomRateLimitError";
  constructor(
    init: CalcomApiErrorInit,
    /** How long until Cal.com accepts requests again. */
    readonly retryAfterMs: number,
  ) {
    super(init);
  }
}

/** The requested time can no longer be booked (a 400 with Cal.com's "not available" messages, or a 409). */
export class CalcomSlotUnavailableError extends CalcomApiError {
  override name = "CalcomSlotUnavailableError";
}

/** Cal.com rejected the request's content; `field` names the booking field when Cal.com said which. */
export class CalcomValidationError extends CalcomApiError {
  override name = "CalcomValidationError";
  constructor(
    init: CalcomApiErrorInit,
    readonly field: string | null,
  ) {
    super(init);
  }
}
