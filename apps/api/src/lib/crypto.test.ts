import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { SecretBox, sha256Hex } from "./crypto";

describe("SecretBox", () => {
  const box = new SecretBox(randomBytes(32));

  it("round-trips a secret and never produces the same ciphertext twice", () => {
    const a = box.encrypt("cal_live_secret", "org-1");
    const b = box.encrypt("cal_live_secret", "org-1");
    expect(a).not.toBe(b);
    expect(a).not.toContain("cal_live_secret");
    expect(box.decrypt(a, "org-1")).toBe("cal_live_secret");
  });

  it("refuses a ciphertext moved to another organisation, tampered with, or sealed under another key", () => {
    const sealed = box.encrypt("cal_live_secret", "org-1");
    expect(() => box.decrypt(sealed, "org-2")).toThrow();
    const parts = sealed.split(":");
    parts[3] = Buffer.from("tampered").toString("base64url");
    expect(() => box.decrypt(parts.join(":"), "org-1")).toThrow();
    expect(() => new SecretBox(randomBytes(32)).decrypt(sealed, "org-1")).toThrow();
    expect(() => box.decrypt("garbage", "org-1")).toThrow(/format/);
  });

  it("needs a 32-byte key", () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow();
  });

  it("rotates: the new key seals, previous keys still open, reseal moves a value to the new key once", () => {
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const sealedOld = new SecretBox(oldKey).encrypt("cal_live_rotate", "org-1");
    const rotating = new SecretBox(newKey, [oldKey]);
    expect(rotating.decrypt(sealedOld, "org-1")).toBe("cal_live_rotate");
    expect(() => new SecretBox(newKey).decrypt(sealedOld, "org-1")).toThrow(/any configured key/);

    const resealed = rotating.reseal(sealedOld, "org-1")!;
    expect(resealed).not.toBe(sealedOld);
    expect(new SecretBox(newKey).decrypt(resealed, "org-1")).toBe("cal_live_rotate");
    expect(rotating.reseal(resealed, "org-1")).toBeNull();
    expect(() => new SecretBox(oldKey).decrypt(resealed, "org-1")).toThrow();
    // The context binding holds for previous keys too.
    expect(() => rotating.reseal(sealedOld, "org-2")).toThrow();
    expect(() => new SecretBox(newKey, [Buffer.alloc(16)])).toThrow(/32-byte/);
  });
});

describe("sha256Hex", () => {
  it("is the SHA-256 digest in hex", () => {
    expect(sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
});
