import { ErrorEnvelopeSchema } from "./envelope.js";

/** Statuses every authenticated route can return. */
export const commonResponses = {
  400: ErrorEnvelopeSchema,
  401: ErrorEnvelopeSchema,
  403: ErrorEnvelopeSchema,
  404: ErrorEnvelopeSchema,
  413: ErrorEnvelopeSchema,
  415: ErrorEnvelopeSchema,
  429: ErrorEnvelopeSchema,
  500: ErrorEnvelopeSchema,
  /** The database is unreachable (restart, outage): retry after `Retry-After` seconds. */
  503: ErrorEnvelopeSchema,
} as const;
