import { HttpError } from "./context";

// Cal.com's input pipes validate with class-validator (whitelist + forbidNonWhitelisted) and answer 400 with their
// own wording: "<property> property is wrong,<constraints> <children>", joined by ", " (calcom/cal.com
// packages/platform/types/bookings/2024-08-13/inputs/create-booking-input.pipe.ts @ 51442f5ecb3ff25bfdf6f5cb5b75c014b058f149
// and the slots, cancel and reschedule pipes written the same way).

export interface FieldError {
  property: string;
  constraints: string[];
  children?: FieldError[];
}

export function formatErrors(errors: FieldError[]): string {
  return errors
    .map((e) => `${e.property} property is wrong,${e.constraints.join(", ")} ${e.children?.length ? formatErrors(e.children) : ""}`)
    .join(", ");
}

/** Throws the pipe's 400 when there are errors. */
export function refuse(errors: FieldError[]): void {
  if (errors.length > 0) throw new HttpError(400, formatErrors(errors));
}

/** forbidNonWhitelisted: one error per property the input class does not declare. */
export function unknownProperties(input: Record<string, unknown>, allowed: readonly string[]): FieldError[] {
  return Object.keys(input)
    .filter((k) => !allowed.includes(k))
    .map((k) => ({ property: k, constraints: [`property ${k} should not exist`] }));
}

/** A property's failed constraints, or nothing. */
export function check(property: string, failed: (string | false | undefined)[]): FieldError[] {
  const constraints = failed.filter((c): c is string => typeof c === "string");
  return constraints.length ? [{ property, constraints }] : [];
}

const zones = new Map<string, boolean>();
/** class-validator's @IsTimeZone: a zone Intl knows. */
export function isTimeZone(value: unknown): boolean {
  if (typeof value !== "string" || !value) return false;
  if (!zones.has(value)) {
    try {
      new Intl.DateTimeFormat("en", { timeZone: value });
      zones.set(value, true);
    } catch {
      zones.set(value, false);
    }
  }
  return zones.get(value) === true;
}

/** class-validator's @IsDateString (ISO 8601); `strict` also refuses impossible dates. */
export function isDateString(value: unknown): boolean {
  return typeof value === "string" && /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(value) && !Number.isNaN(Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value));
}

export const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);
export const isInt = (v: unknown) => typeof v === "number" && Number.isInteger(v);
