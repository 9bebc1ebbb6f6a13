import { AgniApiError } from "./errors.js";

/** What every client call resolves to. */
export interface AgniResponse {
  status: number;
  body: unknown;
  headers: Headers;
}

/** The body type of the 2xx members of a response union. */
export type SuccessBody<R> = R extends { status: infer S extends number; body: infer B }
  ? `${S}` extends `2${string}`
    ? B
    : never
  : never;

const MAX_TEXT_MESSAGE = 200;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Builds the `AgniApiError` for a non-2xx response: code, message, details and request id from the error envelope
 * (`{success: false, message, code, details?, request_id?}`), or `HTTP_<status>` and the start of the body text
 * when the body is not an envelope.
 */
export function toAgniApiError(response: AgniResponse): AgniApiError {
  const { status, body, headers } = response;
  const headerRequestId = headers.get("x-request-id") ?? undefined;
  if (isRecord(body) && body.success === false && typeof body.code === "string" && typeof body.message === "string") {
    const requestId = typeof body.request_id === "string" ? body.request_id : headerRequestId;
    return new AgniApiError(body.message, body.code, status, requestId, body.details);
  }
  const text = typeof body === "string" ? body.replace(/\s+/g, " ").trim() : "";
  const message = text
    ? text.length > MAX_TEXT_MESSAGE
      ? `${text.slice(0, MAX_TEXT_MESSAGE)}…`
      : text
    : `HTTP ${status} with ${body === undefined ? "an empty body" : "a body that is not an Agni error"}`;
  return new AgniApiError(message, `HTTP_${status}`, status, headerRequestId);
}

function unwrapResponse<R extends AgniResponse>(response: R): SuccessBody<R> {
  if (response.status >= 200 && response.status < 300) return response.body as SuccessBody<R>;
  throw toAgniApiError(response);
}

/**
 * Returns the body of a successful (2xx) response, typed from the contract, and throws `AgniApiError` for any other
 * status. Accepts a pending call (`unwrap(client.agents.getAgent(...))`, which also passes on `AgniConnectionError`)
 * or a response already awaited.
 *
 * @throws AgniApiError for a non-2xx status.
 */
export function unwrap<R extends AgniResponse>(response: Promise<R>): Promise<SuccessBody<R>>;
export function unwrap<R extends AgniResponse>(response: R): SuccessBody<R>;
export function unwrap<R extends AgniResponse>(response: R | Promise<R>): SuccessBody<R> | Promise<SuccessBody<R>> {
  return response instanceof Promise ? response.then(unwrapResponse) : unwrapResponse(response);
}
