import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportJWK, exportSPKI, generateKeyPair, SignJWT } from "jose";
import { startTestApi, TEST_JWT_SECRET, type TestApi } from "./support/test-api";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api?.close());

const AGENTS = "/api/v1/agents/";

describe("authentication", () => {
  it("rejects a request without credentials with 401 in the envelope", async () => {
    const res = await api.request("GET", AGENTS);
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ success: false, code: "UNAUTHORIZED" });
    expect(res.body.message).toMatch(/Bearer/);
  });

  it.each([
    ["a non-Bearer scheme", "Basic dXNlcjpwYXNz"],
    ["a malformed token", "Bearer not.a.jwt"],
    ["an empty bearer", "Bearer "],
  ])("rejects %s with 401", async (_what, header) => {
    const res = await api.request("GET", AGENTS, { auth: { authorization: header } });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe("UNAUTHORIZED");
  });

  it("rejects a token signed with another secret", async () => {
    const t = await api.token({ org_id: "o1" }, { secret: "another-secret-another-secret-another-secret!!" });
    const res = await api.request("GET", AGENTS, { auth: { authorization: `Bearer ${t}` } });
    expect(res.status).toBe(401);
  });

  it("rejects an expired token", async () => {
    const t = await api.token({ org_id: "o1" }, { expiresIn: "-1m" });
    const res = await api.request("GET", AGENTS, { auth: { authorization: `Bearer ${t}` } });
    expect(res.status).toBe(401);
    expect(res.body.message).toMatch(/expired/i);
  });

  it("rejects an unsigned (alg: none) token", async () => {
    const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const t = `${enc({ alg: "none", typ: "JWT" })}.${enc({ org_id: "o1", exp: Math.floor(Date.now() / 1000) + 600 })}.`;
    const res = await api.request("GET", AGENTS, { auth: { authorization: `Bearer ${t}` } });
    expect(res.status).toBe(401);
  });

  it("rejects a token whose payload was tampered with", async () => {
    const t = await api.token({ org_id: "org-a" });
    const [h, , s] = t.split(".");
    const forged = Buffer.from(JSON.stringify({ org_id: "org-b", exp: Math.floor(Date.now() / 1000) + 600 })).toString("base64url");
    const res = await api.request("GET", AGENTS, { auth: { authorization: `Bearer ${h}.${forged}.${s}` } });
    expect(res.status).toBe(401);
  });

  it("rejects a token that is not valid yet (nbf in the future) and one without exp", async () => {
    const secret = new TextEncoder().encode(TEST_JWT_SECRET);
    const early = await new SignJWT({ org_id: "o1" })
      .setProtectedHeader({ alg: "HS256" })
      .setNotBefore("5m")
      .setExpirationTime("10m")
      .sign(secret);
    const res = await api.request("GET", AGENTS, { auth: { authorization: `Bearer ${early}` } });
    expect(res.status).toBe(401);
    expect(res.body.message).toMatch(/nbf/);

    const forever = await new SignJWT({ org_id: "o1" }).setProtectedHeader({ alg: "HS256" }).sign(secret);
    const res2 = await api.request("GET", AGENTS, { auth: { authorization: `Bearer ${forever}` } });
    expect(res2.status).toBe(401);
    expect(res2.body.message).toMatch(/exp/);
  });

  it("rejects HS256 tokens signed with other algorithms' key material and other HMAC variants", async () => {
    const hs512 = await new SignJWT({ org_id: "o1" })
      .setProtectedHeader({ alg: "HS512" })
      .setExpirationTime("10m")
      .sign(new TextEncoder().encode(TEST_JWT_SECRET));
    const res = await api.request("GET", AGENTS, { auth: { authorization: `Bearer ${hs512}` } });
    expect(res.status).toBe(401);
    expect(res.body.message).toMatch(/HS512 is not accepted/);
  });

  it("needs org context: no claim and no org_id is 401", async () => {
    const t = await api.token({});
    const res = await api.request("GET", AGENTS, { auth: { authorization: `Bearer ${t}` } });
    expect(res.status).toBe(401);
    expect(res.body.message).toMatch(/org_id/);
  });

  it("honours the org_id query fallback only for organisations listed in org_ids", async () => {
    const orgA = `org_${randomUUID()}`;
    const t = await api.token({ org_ids: [orgA] });
    const auth = { authorization: `Bearer ${t}` };
    const created = await api.request("POST", `${AGENTS}?org_id=${orgA}`, { auth, body: { agentName: "Fallback" } });
    expect(created.status).toBe(201);
    expect(created.body.data.organizationId).toBe(orgA);

    const denied = await api.request("GET", `${AGENTS}?org_id=org_${randomUUID()}`, { auth });
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe("FORBIDDEN");
  });

  it("ignores a query org_id that differs from the token's own org_id claim", async () => {
    const mine = await api.org();
    const other = await api.org();
    await api.request("POST", AGENTS, { auth: other.auth, body: { agentName: "Other's" } });
    const res = await api.request("GET", `${AGENTS}?org_id=${other.orgId}`, { auth: mine.auth });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([]);
  });
});

describe("organisation API keys", () => {
  it("creates a key shown once, lists it without the secret, authenticates with it, and revokes it", async () => {
    const { auth, orgId } = await api.org();
    const created = await api.request("POST", "/api/v1/api-keys", { auth, body: { name: "voice runtime" } });
    expect(created.status).toBe(201);
    const key: string = created.body.data.key;
    expect(key).toMatch(/^agni_[A-Za-z0-9_-]{43}$/);
    expect(key.startsWith(created.body.data.prefix)).toBe(true);

    const list = await api.request("GET", "/api/v1/api-keys", { auth });
    expect(list.status).toBe(200);
    expect(list.body.meta).toEqual({ total: "1", limit: 50, offset: 0 });
    expect(JSON.stringify(list.body)).not.toContain(key);
    expect(list.body.data[0]).toMatchObject({ id: created.body.data.id, name: "voice runtime", revokedAt: null });

    const viaKey = await api.request("POST", "/api/v1/agents/", { auth: { "x-api-key": key }, body: { agentName: "By key" } });
    expect(viaKey.status).toBe(201);
    expect(viaKey.body.data.organizationId).toBe(orgId);

    const cannotMint = await api.request("POST", "/api/v1/api-keys", { auth: { "x-api-key": key }, body: { name: "x" } });
    expect(cannotMint.status).toBe(403);

    const revoked = await api.request("DELETE", `/api/v1/api-keys/${created.body.data.id}`, { auth });
    expect(revoked.status).toBe(200);
    expect(revoked.body.data.revokedAt).toEqual(expect.any(String));

    const after = await api.request("GET", "/api/v1/agents/", { auth: { "x-api-key": key } });
    expect(after.status).toBe(401);
  });

  it("rejects unknown and malformed keys", async () => {
    for (const key of ["agni_" + "A".repeat(43), "nope", "x".repeat(5000)]) {
      const res = await api.request("GET", AGENTS, { auth: { "x-api-key": key } });
      expect(res.status).toBe(401);
    }
  });

  it("does not let one organisation revoke another's key", async () => {
    const a = await api.org();
    const b = await api.org();
    const created = await api.request("POST", "/api/v1/api-keys", { auth: a.auth, body: { name: "a" } });
    const res = await api.request("DELETE", `/api/v1/api-keys/${created.body.data.id}`, { auth: b.auth });
    expect(res.status).toBe(404);
    const still = await api.request("GET", AGENTS, { auth: { "x-api-key": created.body.data.key } });
    expect(still.status).toBe(200);
  });
});

describe("HTTP basics", () => {
  it("answers /health and /ready without auth", async () => {
    expect((await api.request("GET", "/health")).body).toEqual({ status: "ok" });
    const ready = await api.request("GET", "/ready");
    expect(ready.status).toBe(200);
    expect(ready.body.checks.database).toBe("ok");
  });

  it("puts a request id on every response, echoing a well-formed incoming one", async () => {
    const res = await api.request("GET", "/health", { headers: { "x-request-id": "trace-123" } });
    expect(res.headers.get("x-request-id")).toBe("trace-123");
    const err = await api.request("GET", AGENTS);
    expect(err.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(err.body.request_id).toBe(err.headers.get("x-request-id"));
    const bad = await api.request("GET", "/health", { headers: { "x-request-id": "bad id with spaces" } });
    expect(bad.headers.get("x-request-id")).not.toBe("bad id with spaces");
  });

  it("maps malformed JSON, non-JSON bodies, oversized bodies and unknown routes to the envelope", async () => {
    const { auth } = await api.org();
    const malformed = await api.request("POST", AGENTS, { auth, body: '{"agentName": ' });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ success: false, code: "INVALID_REQUEST", message: "Malformed JSON body" });

    const text = await api.request("POST", AGENTS, { auth, body: "agentName=x", headers: { "content-type": "text/plain" } });
    expect(text.status).toBe(415);
    expect(text.body.code).toBe("UNSUPPORTED_MEDIA_TYPE");

    const big = await api.request("POST", AGENTS, { auth, body: { agentName: "x", prompt: "y".repeat(2_000_000) } });
    expect(big.status).toBe(413);
    expect(big.body.code).toBe("PAYLOAD_TOO_LARGE");

    const nowhere = await api.request("GET", "/api/v1/nowhere", { auth });
    expect(nowhere.status).toBe(404);
    expect(nowhere.body.code).toBe("NOT_FOUND");
  });
});

describe("HS/RS algorithm confusion", () => {
  // The API trusts both a shared HS256 secret and an RSA key published at a JWKS URL. The classic attack signs an
  // HS256 token using the *public* RSA key as the HMAC secret; it must fail, as must an RS256 token from another key.
  let jwksApi: TestApi;
  let jwksServer: Server;
  let keys: Awaited<ReturnType<typeof generateKeyPair>>;
  let publicPem: string;

  beforeAll(async () => {
    keys = await generateKeyPair("RS256", { extractable: true });
    publicPem = await exportSPKI(keys.publicKey);
    const jwk = { ...(await exportJWK(keys.publicKey)), kid: "k1", alg: "RS256", use: "sig" };
    jwksServer = createServer((_req, res) => res.setHeader("content-type", "application/json").end(JSON.stringify({ keys: [jwk] })));
    await new Promise<void>((resolve) => jwksServer.listen(0, "127.0.0.1", resolve));
    const jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks.json`;
    jwksApi = await startTestApi({ config: { auth: { jwtSecret: TEST_JWT_SECRET, jwksUrl } } });
  });
  afterAll(async () => {
    await jwksApi?.close();
    jwksServer?.close();
  });

  const get = (token: string) => jwksApi.request("GET", AGENTS, { auth: { authorization: `Bearer ${token}` } });

  it("accepts a genuine RS256 token from the JWKS and a genuine HS256 token", async () => {
    const rs = await new SignJWT({ org_id: `org_${randomUUID()}` })
      .setProtectedHeader({ alg: "RS256", kid: "k1" })
      .setExpirationTime("10m")
      .sign(keys.privateKey);
    expect((await get(rs)).status).toBe(200);
    expect((await get(await jwksApi.token({ org_id: `org_${randomUUID()}` }))).status).toBe(200);
  });

  it("rejects an HS256 token whose HMAC secret is the RSA public key", async () => {
    for (const secret of [publicPem, JSON.stringify(await exportJWK(keys.publicKey))]) {
      const forged = await new SignJWT({ org_id: "victim" })
        .setProtectedHeader({ alg: "HS256", kid: "k1" })
        .setExpirationTime("10m")
        .sign(new TextEncoder().encode(secret));
      const res = await get(forged);
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ success: false, code: "UNAUTHORIZED" });
    }
  });

  it("rejects an RS256 token signed by a key that is not in the JWKS, and an RS256 header over an HMAC signature", async () => {
    const stranger = await generateKeyPair("RS256");
    const rs = await new SignJWT({ org_id: "victim" })
      .setProtectedHeader({ alg: "RS256", kid: "k1" })
      .setExpirationTime("10m")
      .sign(stranger.privateKey);
    expect((await get(rs)).status).toBe(401);

    const hs = await jwksApi.token({ org_id: "victim" });
    const [, payload, signature] = hs.split(".");
    const relabelled = `${Buffer.from(JSON.stringify({ alg: "RS256", kid: "k1" })).toString("base64url")}.${payload}.${signature}`;
    expect((await get(relabelled)).status).toBe(401);
  });
});
