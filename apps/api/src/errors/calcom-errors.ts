import {
  CalcomApiError,
  CalcomAuthError,
  CalcomError,
  CalcomNotFoundError,
  CalcomRateLimitError,
  CalcomSlotUnavailableError,
  CalcomValidationError,
} from "@agni/calcom";
import { AppError } from "./app-error";

/**
 * Who hears about a Cal.com failure. `agent`: a voice agent during a call, so the message is a sentence it can say
 * and Cal.com's own text (English for developers, often with booking uids) stays in `details.calcom_message`.
 * `admin`: whoever connects an account to the address `apiBaseUrl`, which is theirs to choose: nothing repeats what
 * the target said or how the connection failed (the API must not become a way to look around its network), and
 * only the origin is named, never a path or credentials.
 */
export type CalcomAudience = { agent: true } | { admin: { apiBaseUrl: string } };

const retryAfter = (err: CalcomRateLimitError) => Math.max(1, Math.ceil(err.retryAfterMs / 1000));

/**
 * The one map from Cal.com failures to API errors, the agent's wording beside the admin's. For an agent, an AppError
 * passes through and anything that is not a Cal.com failure is rethrown; a taken slot the caller usually handles
 * itself (it needs alternatives). For an admin, a rejected key is the caller's problem (400) and an unreachable
 * Cal.com ours (502).
 */
export function calcomError(err: unknown, audience: CalcomAudience): AppError {
  if ("agent" in audience) {
    if (err instanceof AppError) return err;
    if (!(err instanceof CalcomError)) throw err;
  }
  const admin = "admin" in audience ? audience.admin : null;
  const origin = admin && URL.canParse(admin.apiBaseUrl) ? new URL(admin.apiBaseUrl).origin : "the configured address";
  const said = (e: CalcomApiError) => ({ calcom_status: e.status, calcom_message: e.message });

  if (err instanceof CalcomRateLimitError) {
    const seconds = retryAfter(err);
    const message = admin ? `Cal.com is rate-limiting this API key; try again in ${seconds} seconds` : "The calendar is busy right now; please try again in a moment.";
    return new AppError("RATE_LIMITED", message, undefined, { retryAfterSeconds: seconds });
  }
  if (err instanceof CalcomAuthError) {
    if (!admin) return new AppError("BAD_GATEWAY", "I can't access the calendar right now because its connection needs attention.", { calcom_status: err.status });
    // A self-hosted Cal.com without a licence key refuses every API key; say so in our words (the target's own text
    // is never repeated), so that the operator knows it is the instance, not the key.
    if (/CALCOM_LICENSE_KEY/.test(err.message)) {
      return new AppError("INVALID_REQUEST", `Cal.com at ${origin} refuses API keys: that self-hosted instance has no licence key (CALCOM_LICENSE_KEY)`, {
        calcom_status: err.status,
      });
    }
    return new AppError("INVALID_REQUEST", `Cal.com at ${origin} rejected the API key: check that it is correct and still active`, { calcom_status: err.status });
  }
  if (err instanceof CalcomValidationError && !admin) {
    return new AppError("INVALID_REQUEST", err.field ? `The calendar needs a valid answer for ${err.field}.` : "The calendar did not accept that request.", {
      ...said(err),
      ...(err.field ? { field: err.field } : {}),
    });
  }
  if (err instanceof CalcomSlotUnavailableError && !admin) return new AppError("SLOT_UNAVAILABLE", "That time is no longer available.");
  if (err instanceof CalcomNotFoundError) {
    if (!admin) return new AppError("NOT_FOUND", "The calendar could not find that.", said(err));
    return new AppError("INVALID_REQUEST", `Cal.com at ${origin} did not recognise the request: check api_base_url`, { calcom_status: err.status });
  }
  if (err instanceof CalcomApiError && err.status < 500) {
    if (!admin) return new AppError("INVALID_REQUEST", "The calendar did not accept that request.", said(err));
    return new AppError("INVALID_REQUEST", `Cal.com at ${origin} refused the request (HTTP ${err.status})`, { calcom_status: err.status });
  }
  if (!admin) return new AppError("BAD_GATEWAY", "I couldn't reach the calendar just now; please try again in a moment.");
  return new AppError("BAD_GATEWAY", `Could not reach Cal.com at ${origin}; check api_base_url and try again`);
}

/** A Cal.com failure during a conversation, as an error whose message an agent can say. */
export const speakableCalcomError = (err: unknown) => calcomError(err, { agent: true });
