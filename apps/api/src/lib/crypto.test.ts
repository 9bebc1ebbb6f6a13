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
});

describe("sha256Hex", () => {
  it("is the SHA-256 digest in hex", () => {
    expect(sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
});
