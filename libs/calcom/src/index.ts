export { createCalcomClient, DEFAULT_CALCOM_BASE_URL, type CalcomClient, type CalcomClientOptions } from "./client";
export { CAL_API_VERSIONS, type CalApiVersion } from "./versions";
export { CalcomMeSchema, type CalcomMe } from "./resources/me";
export { parseCalcomError, retryAfterFromHeaders } from "./parse-error";
export {
  CalcomError,
  CalcomApiError,
  CalcomAuthError,
  CalcomNotFoundError,
  CalcomRateLimitError,
  CalcomSlotUnavailableError,
  CalcomValidationError,
  CalcomConnectionError,
  CalcomTimeoutError,
  CalcomResponseValidationError,
} from "./errors";
