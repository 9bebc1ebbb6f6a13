import type { RequestHandler, Response } from "express";
import { LRUCache } from "lru-cache";
import { createRemoteJWKSet, decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTPayload } from "jose";
import type { AppConfig } from "../config";
import { AppError, forbidden, unauthorized } from "../errors/app-error";
import type { AuthFailureLimit } from "./auth-failures";

/** Who is calling, resolved once per request. */
export type AuthContext = { orgId: string } & ({ method: "jwt"; subject: string | null } | { method: "api_key"; subject: string });

const ASYMMETRIC_ALGS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA"];
const ORG_ID = /^[A-Za-z0-9._:-]{1,255}$/;

export function authOf(res: Response): AuthContext {
  return res.locals.auth as AuthContext;
}

/** What authentication needs to know about API keys: whose a presented key is (null when unknown or revoked). */
export interface ApiKeyLookup {
  authenticate(key: string): Promise<{ id: string; organizationId: string } | null>;
}

/** Records an organisation on its first authenticated use. */
export interface OrganizationRegistry {
  ensure(orgId: string): Promise<unknown>;
}

interface AuthDeps {
  auth: AppConfig["auth"];
  apiKeys: ApiKeyLookup;
  organizations: OrganizationRegistry;
  /** Failed authentications per client address; unlimited when absent. */
  failures?: AuthFailureLimit;
}

/**
 * Authenticates `Authorization: Bearer <JWT>` (HS256 with the shared secret, or asymmetric keys from the JWKS
 * URL — each algorithm family only with its own key, so HS/RS confusion is impossible) or `X-Api-Key`.
 */
export function createJwtVerifier(auth: AppConfig["auth"]) {
  const secret = auth.jwtSecret ? new TextEncoder().encode(auth.jwtSecret) : undefined;
  const jwks = auth.jwksUrl ? createRemoteJWKSet(new URL(auth.jwksUrl)) : undefined;
  const common = { requiredClaims: ["exp"], issuer: auth.issuer, audience: auth.audience, clockTolerance: 5 };
  // A voice agent sends the same token on every call of a conversation: remember verified tokens (never past their
  // own expiry, at most five minutes) instead of checking the signature each time.
  const verified = new LRUCache<string, JWTPayload>({ max: 10_000 });

  return async (token: string): Promise<JWTPayload> => {
    const known = verified.get(token);
    if (known) return known;
    const payload = await verify(token);
    const ttl = Math.min(5 * 60_000, (payload.exp as number) * 1000 - Date.now());
    if (ttl > 0) verified.set(token, payload, { ttl });
    return payload;
  };

  async function verify(token: string): Promise<JWTPayload> {
    let alg: string | undefined;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      throw unauthorized("Malformed token");
    }
    try {
      if (alg === "HS256" && secret) return (await jwtVerify(token, secret, { ...common, algorithms: ["HS256"] })).payload;
      if (alg && ASYMMETRIC_ALGS.includes(alg) && jwks) {
        return (await jwtVerify(token, jwks, { ...common, algorithms: ASYMMETRIC_ALGS })).payload;
      }
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) throw unauthorized("Token has expired");
      if (err instanceof joseErrors.JWTClaimValidationFailed) throw unauthorized(`Invalid token: ${err.message}`);
      if (err instanceof joseErrors.JOSEError) throw unauthorized("Invalid token signature or format");
      throw err;
    }
    throw unauthorized(`Token algorithm ${alg ?? "none"} is not accepted`);
  }
}

function orgFromClaims(payload: JWTPayload, queryOrgId: unknown): string {
  const claim = payload.org_id;
  if (claim !== undefined) {
    if (typeof claim !== "string" || !ORG_ID.test(claim)) throw unauthorized("Invalid token: org_id claim is malformed");
    return claim; // the claim wins over any query org_id
  }
  if (typeof queryOrgId !== "string" || queryOrgId === "") {
    throw unauthorized("The token carries no org_id claim; pass org_id as a query parameter");
  }
  const allowed = payload.org_ids;
  if (!Array.isArray(allowed) || !allowed.includes(queryOrgId) || !ORG_ID.test(queryOrgId)) {
    throw forbidden("The token does not grant access to that organisation");
  }
  return queryOrgId;
}

export function authMiddleware(deps: AuthDeps): RequestHandler {
  const verifyJwt = createJwtVerifier(deps.auth);
  const { failures } = deps;
  return (req, res, next) => {
    const refused = failures?.refusal(req);
    if (refused) return next(refused);
    const run = async (): Promise<AuthContext> => {
      const authorization = req.get("authorization");
      const apiKey = req.get("x-api-key");
      if (authorization !== undefined) {
        const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
        if (!token) throw unauthorized("Authorization header must be 'Bearer <token>'");
        const payload = await verifyJwt(token);
        return {
          orgId: orgFromClaims(payload, req.query.org_id),
          method: "jwt",
          subject: typeof payload.sub === "string" ? payload.sub : null,
        };
      }
      if (apiKey !== undefined) {
        const found = await deps.apiKeys.authenticate(apiKey.trim());
        if (!found) throw unauthorized("Invalid or revoked API key");
        return { orgId: found.organizationId, method: "api_key", subject: `api_key:${found.id}` };
      }
      throw new AppError("UNAUTHORIZED", "Missing credentials: send Authorization: Bearer <JWT> or X-Api-Key");
    };
    run()
      .then(async (auth) => {
        await deps.organizations.ensure(auth.orgId);
        res.locals.auth = auth;
        next();
      })
      .catch((err: unknown) => {
        if (!failures || !(err instanceof AppError) || err.code !== "UNAUTHORIZED") return next(err);
        // Counting failed (the shared store is down): answer the 401 rather than fail the request.
        failures.failed(req, err).then(next, () => next(err));
      });
  };
}

/** Guards routes that only a person's JWT may use (e.g. minting API keys). */
export function requireJwt(res: Response): void {
  if (authOf(res).method !== "jwt") throw forbidden("This operation needs a JWT; API keys cannot manage API keys");
}
