// The signature of events out, as a receiver checks it. Web Crypto only, so that it runs wherever receivers do
// (Node.js, Deno, Bun, edge functions). Re-exported by @agni/client.

/** The header that carries a delivery's signature: `t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export const AGNI_SIGNATURE_HEADER = "agni-signature";

export interface VerifyAgniSignatureOptions {
  /** How old (or how far in the future) `t` may be, in seconds (default 300); older deliveries are refused as replays. */
  toleranceSeconds?: number;
  /** The current time (default: the clock). */
  now?: Date;
}

const hexBytes = (hex: string): Uint8Array<ArrayBuffer> | null => {
  if (!/^(?:[0-9a-f]{2})+$/i.test(hex)) return null;
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
};

/**
 * Whether a delivery really comes from Agni: `header` (the `Agni-Signature` header) must hold a timestamp within
 * `toleranceSeconds` of now and a `v1` signature that is the HMAC-SHA256, keyed with the subscription's secret
 * (`whsec_…`), of `"<t>.<rawBody>"`. Pass the body exactly as received, before any JSON parsing. Never throws: a
 * missing or malformed header is simply not valid. Several `v1=` entries are allowed; one matching is enough.
 *
 * @example
 * const ok = await verifyAgniSignature(rawBody, req.headers["agni-signature"], process.env.AGNI_WEBHOOK_SECRET);
 * if (!ok) return res.status(400).end();
 * const event = JSON.parse(rawBody); // dedupe on event.id: a delivery may arrive more than once
 */
export async function verifyAgniSignature(
  rawBody: string | Uint8Array,
  header: string | null | undefined,
  secret: string,
  options: VerifyAgniSignatureOptions = {},
): Promise<boolean> {
  if (typeof header !== "string" || !secret) return false;
  let t: string | undefined;
  const signatures: Uint8Array<ArrayBuffer>[] = [];
  for (const part of header.split(",")) {
    const [key, value] = part.trim().split("=", 2);
    if (key === "t" && value !== undefined) t = value;
    if (key === "v1" && value !== undefined) {
      const bytes = hexBytes(value);
      if (bytes) signatures.push(bytes);
    }
  }
  if (!t || !/^\d{1,12}$/.test(t) || signatures.length === 0) return false;
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  if (Math.abs(now - Number(t)) > (options.toleranceSeconds ?? 300)) return false;
  const encoder = new TextEncoder();
  const body = typeof rawBody === "string" ? encoder.encode(rawBody) : rawBody;
  const prefix = encoder.encode(`${t}.`);
  const signed = new Uint8Array(prefix.length + body.length);
  signed.set(prefix);
  signed.set(body, prefix.length);
  const key = await globalThis.crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
  for (const signature of signatures) {
    // subtle.verify compares in constant time.
    if (await globalThis.crypto.subtle.verify("HMAC", key, signature, signed)) return true;
  }
  return false;
}
