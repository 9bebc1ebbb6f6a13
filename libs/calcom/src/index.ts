export { createCalcomClient, DEFAULT_CALCOM_BASE_URL, type CalcomClient, type CalcomClientOptions } from "./client";
export { CAL_API_VERSIONS, type CalApiVersion } from "./versions";
export { systemClock, type CalcomClock } from "./clock";
export { budgetWait, MemoryRateLimitStore, type BudgetShare, type RateLimitOptions, type RateLimitStore } from "./rate-limit";
export { verifyWebhookSignature, signWebhookBody } from "./webhooks-signature";
export {
  parseCalcomWebhook,
  CalcomWebhookParseError,
  CALCOM_WEBHOOK_TRIGGERS,
  type CalcomWebhookEvent,
  type CalcomWebhookTrigger,
  type CalcomWebhookBooking,
  type CalcomWebhookBookingStatus,
  type CalcomWebhookAttendee,
  type CalcomWebhookOrganizer,
  type CalcomWebhookPreviousBooking,
} from "./webhook-events";
export { ALREADY_CANCELLED_MESSAGE, isAlreadyCancelled, parseCalcomError, retryAfterFromHeaders } from "./parse-error";
export { CalcomMeSchema, type CalcomMe } from "./resources/me";
export { CalcomBookingSchema, DEFAULT_CANCELLATION_REASON, type CalcomBooking } from "./resources/bookings";
export type {
  CreateBookingInput,
  CreateInstantBookingInput,
  RescheduleBookingInput,
  CancelBookingInput,
  DeclineBookingInput,
  BookingAttendeeInput,
  BookingLocationInput,
  BookingMetadata,
  CalcomLanguage,
  EventTypeSelector,
  JsonValue,
  ListBookingsQuery,
} from "./resources/booking-inputs";
export { CalcomSlotsSchema, CalcomReservationSchema, type CalcomSlots, type CalcomReservation, type ListSlotsQuery, type ReserveSlotInput } from "./resources/slots";
export { CalcomEventTypeSchema, CalcomBookingFieldSchema, type CalcomEventType, type CalcomBookingField, type ListEventTypesQuery } from "./resources/event-types";
export {
  CalcomTeamSchema,
  CalcomTeamEventTypeSchema,
  CalcomTeamHostSchema,
  type CalcomTeam,
  type CalcomTeamEventType,
  type CalcomTeamHost,
} from "./resources/teams";
export { CalcomScheduleSchema, type CalcomSchedule } from "./resources/schedules";
export { CalcomWebhookSchema, type CalcomWebhook, type WebhookInput } from "./resources/webhooks";
export { CalcomCreditsSchema, CalcomChargeSchema, type ChargeInput } from "./resources/credits";
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
