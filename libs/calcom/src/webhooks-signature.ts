import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Checks Cal.com's `X-Cal-Signature-256` header: lowercase hex HMAC-SHA256 of the raw request body with the webhook's
 * secret. Pass the body exactly as received (before any JSON parsing). Constant-time comparison.
 */
export function verifyWebhookSignature(rawBody: string | Uint8Array, signatureHeader: string | null | undefined, secret: string): boolean {
  if (!signatureHeader || !secret) return false;
  const expected = createHmac("sha256", secret).update(rawBody).digest();
  const given = Buffer.from(signatureHeader.trim().toLowerCase(), "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The header value Cal.com would send for this body (for tests and for the sandbox). */
export function signWebhookBody(rawBody: string | Uint8Array, secret: string): string {
  return createHmac("sha256", secret).update(rawBody).digest("hex");
}
