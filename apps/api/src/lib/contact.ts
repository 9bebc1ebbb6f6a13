import { type CountryCode, parsePhoneNumberFromString } from "libphonenumber-js";

/** How a phone number given without a country code is read when nothing says otherwise. */
export const DEFAULT_PHONE_REGION: CountryCode = "US";

/**
 * A phone number in E.164 form (+14155550100), read from whatever a caller or Cal.com wrote: "+1 415 555 0100",
 * "(415) 555-0100" (with `region`). Null when it is not a possible number (or has no country code and no region).
 */
export function toE164(text: string, region?: CountryCode): string | null {
  const parsed = parsePhoneNumberFromString(text, region);
  return parsed?.isPossible() ? parsed.number : null;
}

/** A phone number as the appointments table stores it: E.164 when it can be read (international form), else as given. */
export const storedPhone = (phone: string | null | undefined): string | null => (phone ? (toE164(phone) ?? phone.trim()) : null);

/** An email as the appointments table stores it: trimmed and lower-cased, so lookups by email are exact and indexed. */
export const storedEmail = (email: string | null | undefined): string | null => (email ? email.trim().toLowerCase() : null);

/** A name as `find` compares names: case and spacing do not matter ("  ada   LOVELACE" is "Ada Lovelace"). */
export const comparableName = (name: string) => name.trim().replace(/\s+/g, " ").toLocaleLowerCase("en-US");
