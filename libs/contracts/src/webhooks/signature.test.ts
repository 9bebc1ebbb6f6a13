import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { verifyAgniSignature } from "./signature.js";

const secret = "whsec_test0123456789abcdefghijklmnopqrstuvwxyzAB";
const body = '{"id":"0192f5d6-1b20-7c3b-9d2a-5b6c7d8e9f07","type":"appointment.booked"}';
const now = new Date("2026-12-01T10:00:00Z");
const t = Math.floor(now.getTime() / 1000);
const sign = (at: number, payload = body, key = secret) => createHmac("sha256", key).update(`${at}.${payload}`).digest("hex");

describe("verifyAgniSignature", () => {
  it("accepts the HMAC-SHA256 of '<t>.<raw body>' within the tolerance, as a string or as bytes", async () => {
    expect(await verifyAgniSignature(body, `t=${t},v1=${sign(t)}`, secret, { now })).toBe(true);
    expect(await verifyAgniSignature(new TextEncoder().encode(body), `t=${t},v1=${sign(t)}`, secret, { now })).toBe(true);
    expect(await verifyAgniSignature(body, `t=${t - 299},v1=${sign(t - 299)}`, secret, { now })).toBe(true);
    // During a secret change a sender may sign twice: one matching v1 is enough.
    expect(await verifyAgniSignature(body, `t=${t},v1=${sign(t, body, "whsec_other")},v1=${sign(t)}`, secret, { now })).toBe(true);
  });

  it("refuses a forged, tampered, expired or future signature, another secret, and malformed headers", async () => {
    expect(await verifyAgniSignature(body, `t=${t},v1=${sign(t, body, "whsec_forged")}`, secret, { now })).toBe(false);
    expect(await verifyAgniSignature(body.replace("booked", "cancelled"), `t=${t},v1=${sign(t)}`, secret, { now })).toBe(false);
    expect(await verifyAgniSignature(body, `t=${t + 1},v1=${sign(t)}`, secret, { now })).toBe(false); // t is signed too
    expect(await verifyAgniSignature(body, `t=${t - 301},v1=${sign(t - 301)}`, secret, { now })).toBe(false);
    expect(await verifyAgniSignature(body, `t=${t + 301},v1=${sign(t + 301)}`, secret, { now })).toBe(false);
    expect(await verifyAgniSignature(body, `t=${t - 3600},v1=${sign(t - 3600)}`, secret, { now, toleranceSeconds: 7200 })).toBe(true);
    for (const header of [undefined, null, "", `v1=${sign(t)}`, `t=${t}`, `t=abc,v1=${sign(t)}`, `t=${t},v1=zz`, `t=${t},v0=${sign(t)}`]) {
      expect(await verifyAgniSignature(body, header, secret, { now }), String(header)).toBe(false);
    }
    expect(await verifyAgniSignature(body, `t=${t},v1=${sign(t)}`, "", { now })).toBe(false);
  });
});
