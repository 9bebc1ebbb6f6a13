/** A phone number in E.164 form: "+", a country code and at most 15 digits in all, e.g. +14155550123. */
export const E164_PATTERN = /^\+[1-9]\d{6,14}$/;
