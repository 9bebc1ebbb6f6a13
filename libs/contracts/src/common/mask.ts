/**
 * Masks a secret for display, keeping its recognisable prefix and last four characters:
 * `cal_live_abcdef1234` → `cal_live_…1234`. Short secrets are fully masked.
 */
export function maskSecret(secret: string): string {
  const prefix = /^(cal_live_|cal_test_|cal_|agni_)/.exec(secret)?.[0] ?? "";
  const rest = secret.slice(prefix.length);
  if (rest.length < 12) return `${prefix}…`;
  return `${prefix}…${rest.slice(-4)}`;
}
