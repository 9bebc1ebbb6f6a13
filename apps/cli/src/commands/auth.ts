import { Option, type Command } from "commander";
import { SignJWT } from "jose";
import { action } from "../action";
import { envValue, readJwtSecret } from "../config";
import { UsageError, type CliContext } from "../context";
import { parseDuration } from "../options";

/** The organisation ids the API accepts in the `org_id` claim. */
const ORG_ID = /^[A-Za-z0-9._:-]{1,255}$/;

export interface DevTokenRequest {
  secret: string;
  orgId: string;
  subject: string;
  expiresInSeconds: number;
  issuer?: string;
  audience?: string;
  now?: Date;
}

/** Signs an HS256 development JWT with the claims the API expects: `org_id`, `sub`, `iat`, `exp` (and `iss`/`aud` when configured). */
export async function mintDevToken(request: DevTokenRequest): Promise<{ token: string; expiresAt: Date }> {
  const issuedAt = Math.floor((request.now ?? new Date()).getTime() / 1000);
  const expiresAt = issuedAt + request.expiresInSeconds;
  const jwt = new SignJWT({ org_id: request.orgId })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(request.subject)
    .setIssuedAt(issuedAt)
    .setExpirationTime(expiresAt);
  if (request.issuer !== undefined) jwt.setIssuer(request.issuer);
  if (request.audience !== undefined) jwt.setAudience(request.audience);
  const token = await jwt.sign(new TextEncoder().encode(request.secret));
  return { token, expiresAt: new Date(expiresAt * 1000) };
}

export function registerAuth(program: Command, ctx: CliContext): void {
  const auth = program.command("auth").description("Credentials for the API");

  auth
    .command("token")
    .description("Mint a development JWT for --org <id> (required; HS256, secret from AGNI_JWT_SECRET or the API's <AGNI_DATA_DIR>/secrets.json)")
    // The default as typed: the help says 12h, not 43200.
    .addOption(new Option("--expires <duration>", "lifetime: 90s, 30m, 12h, 7d").argParser(parseDuration).default(12 * 3600, "12h"))
    .option("--sub <subject>", "the token's subject", "agni-cli")
    .action(
      action<{ expires: number; sub: string }>(ctx, async ({ config }, _args, options) => {
        if (config.org === undefined) throw new UsageError("auth token needs --org <organisation id>");
        if (!ORG_ID.test(config.org)) throw new UsageError("--org may contain only letters, digits and . _ : - (at most 255)");
        const { token, expiresAt } = await mintDevToken({
          secret: readJwtSecret(ctx.env, ctx.cwd),
          orgId: config.org,
          subject: options.sub,
          expiresInSeconds: options.expires,
          issuer: envValue(ctx.env, "AGNI_JWT_ISSUER"),
          audience: envValue(ctx.env, "AGNI_JWT_AUDIENCE"),
        });
        // Only the token, so that `export AGNI_TOKEN=$(agni auth token --org acme)` works.
        return { body: { token, org_id: config.org, expires_at: expiresAt.toISOString() }, human: () => token };
      }),
    );
}
