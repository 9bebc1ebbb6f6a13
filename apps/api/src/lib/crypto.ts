import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from "node:crypto";

const VERSION = "v1";

/**
 * AES-256-GCM encryption of secrets at rest. The ciphertext is bound to `context` (additional authenticated
 * data, e.g. the organisation id) so that it cannot be copied to another tenant's row and still decrypt.
 * Format: `v1:<iv>:<tag>:<ciphertext>`, each part base64url.
 *
 * Key rotation: new secrets are sealed with `key`; `previousKeys` still open what was sealed before, until
 * `reseal` has moved every stored value to the current key.
 */
export class SecretBox {
  private readonly previousKeys: Buffer[];

  constructor(
    private readonly key: Buffer,
    previousKeys: Buffer[] = [],
  ) {
    if ([key, ...previousKeys].some((k) => k.length !== 32)) throw new Error("SecretBox needs 32-byte keys");
    this.previousKeys = previousKeys.filter((k) => !k.equals(key));
  }

  encrypt(plaintext: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    cipher.setAAD(Buffer.from(context, "utf8"));
    const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [VERSION, iv.toString("base64url"), tag.toString("base64url"), ciphertext.toString("base64url")].join(":");
  }

  /** Throws when the value was tampered with, encrypted under none of the keys or for another context. */
  decrypt(sealed: string, context: string): string {
    return this.open(sealed, context).plaintext;
  }

  /** The value sealed again under the current key, or null when it already is. Throws like `decrypt`. */
  reseal(sealed: string, context: string): string | null {
    const { plaintext, current } = this.open(sealed, context);
    return current ? null : this.encrypt(plaintext, context);
  }

  private open(sealed: string, context: string): { plaintext: string; current: boolean } {
    const [version, iv, tag, ciphertext] = sealed.split(":");
    if (version !== VERSION || !iv || !tag || ciphertext === undefined) throw new Error("Unrecognised ciphertext format");
    for (const key of [this.key, ...this.previousKeys]) {
      try {
        const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
        decipher.setAAD(Buffer.from(context, "utf8"));
        decipher.setAuthTag(Buffer.from(tag, "base64url"));
        const plaintext = Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
        return { plaintext, current: key === this.key };
      } catch {
        /* not this key: try the next */
      }
    }
    throw new Error("The value does not decrypt under any configured key (wrong key, other context, or tampered)");
  }
}

/** SHA-256 hex digest. API keys are 256-bit random values, so a fast hash is the right tool (no salt needed). */
export function sha256Hex(value: string): string {
  return createHash("sha256").update(value, "utf8").digest("hex");
}

export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
