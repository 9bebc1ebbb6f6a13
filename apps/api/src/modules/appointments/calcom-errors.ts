import {
  CalcomApiError,
  CalcomAuthError,
  CalcomError,
  CalcomNotFoundError,
  CalcomRateLimitError,
  CalcomSlotUnavailableError,
  CalcomValidationError,
} from "@agni/calcom";
import { AppError } from "../../http/app-error";

/**
 * Cal.com failures during a conversation, as API errors whose message an agent can say. A slot that is gone is
 * handled by the caller (it needs alternatives); everything else ends here. Cal.com's own text (English for
 * developers, often with booking uids) never reaches `message`; it is kept in `details.calcom_message`.
 */
export function speakableCalcomError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof CalcomRateLimitError) {
    const seconds = Math.max(1, Math.ceil(err.retryAfterMs / 1000));
    return new AppError("RATE_LIMITED", "The calendar is busy right now; please try again in a moment.", { retry_after_seconds: seconds });
  }
  if (err instanceof CalcomAuthError) {
    return new AppError("BAD_GATEWAY", "I can't access the calendar right now because its connection needs attention.", { calcom_status: err.status });
  }
  if (err instanceof CalcomValidationError) {
    return new AppError("INVALID_REQUEST", err.field ? `The calendar needs a valid answer for ${err.field}.` : "The calendar did not accept that request.", {
      calcom_status: err.status,
      calcom_message: err.message,
      ...(err.field ? { field: err.field } : {}),
    });
  }
  if (err instanceof CalcomSlotUnavailableError) {
    return new AppError("SLOT_UNAVAILABLE", "That time is no longer available.");
  }
  if (err instanceof CalcomNotFoundError) {
    return new AppError("NOT_FOUND", "The calendar could not find that.", { calcom_status: err.status, calcom_message: err.message });
  }
  if (err instanceof CalcomApiError && err.status < 500) {
    return new AppError("INVALID_REQUEST", "The calendar did not accept that request.", { calcom_status: err.status, calcom_message: err.message });
  }
  if (err instanceof CalcomError) {
    return new AppError("BAD_GATEWAY", "I couldn't reach the calendar just now; please try again in a moment.");
  }
  throw err;
}
