/**
 * The `cal-api-version` each Cal.com API v2 resource needs. Cal.com routes on this header: a missing or unknown
 * value silently falls back to 2024-04-15 and reaches legacy controllers with other shapes (or 404s), so every
 * request names its version explicitly.
 */
export const CAL_API_VERSIONS = {
  bookings: "2024-08-13",
  slots: "2024-09-04",
  eventTypes: "2024-06-14",
  schedules: "2024-06-11",
  /** `/v2/me`, webhooks and credits accept any version; one fixed value keeps requests reproducible. */
  unversioned: "2024-08-13",
} as const;

export type CalApiVersion = (typeof CAL_API_VERSIONS)[keyof typeof CAL_API_VERSIONS];
