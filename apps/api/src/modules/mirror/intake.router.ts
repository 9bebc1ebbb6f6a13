import { createHash } from "node:crypto";
import { CalcomWebhookParseError, parseCalcomWebhook, verifyWebhookSignature, type CalcomWebhookEvent } from "@agni/calcom";
import express, { type Router } from "express";
import { AppError } from "../../errors/app-error";
import type { SecretBox } from "../../lib/crypto";
import type { MirrorQueue } from "./intake-queue";
import type { MirrorRepository } from "./mirror.repository";
import { changeFromWebhook } from "./observation";
import { intakePath } from "./webhook-registration";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `POST /api/v1/calcom/webhooks/{calcom_account_id}`: Cal.com's deliveries for one account. A raw Express route (the
 * signature covers the body's exact bytes, so it must be read before any JSON parsing), mounted before `/api`'s
 * authentication: the proof is `X-Cal-Signature-256`, HMAC-SHA256 of the raw body with the account's webhook secret;
 * anything else — an unknown or disconnected account, a missing or wrong signature — is 401 in the envelope. A verified
 * delivery is answered as soon as its job is queued (one insert: no booking lock, no Cal.com call on this path).
 */
export function calcomWebhookIntake(deps: { repo: MirrorRepository; box: SecretBox; queue?: MirrorQueue; bodyLimit: string }): Router {
  const router = express.Router();
  router.post(intakePath(":accountId"), express.raw({ type: () => true, limit: deps.bodyLimit }), (req, res, next) => {
    accept(deps, req.params.accountId ?? "", Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0), req.get("x-cal-signature-256"))
      .then(({ status, message }) => res.status(status).json({ success: true, message, data: null }))
      .catch(next);
  });
  return router;
}

async function accept(
  deps: { repo: MirrorRepository; box: SecretBox; queue?: MirrorQueue },
  accountId: string,
  body: Buffer,
  signature: string | undefined,
): Promise<{ status: number; message: string }> {
  const account = UUID.test(accountId) ? await deps.repo.account(accountId) : null;
  let secret: string | null = null;
  if (account?.webhookSecretEncrypted && account.status !== "inactive") {
    try {
      secret = deps.box.decrypt(account.webhookSecretEncrypted, account.organizationId);
    } catch {
      secret = null;
    }
  }
  if (!account || !secret || !verifyWebhookSignature(body, signature, secret)) {
    throw new AppError("UNAUTHORIZED", "The delivery's X-Cal-Signature-256 does not verify with this account's webhook secret");
  }
  let event: CalcomWebhookEvent;
  try {
    event = parseCalcomWebhook(body);
  } catch (err) {
    if (err instanceof CalcomWebhookParseError && err.reason === "unsupported_trigger") return { status: 200, message: `Ignored: ${err.triggerEvent} is not a trigger the mirror reads` };
    if (err instanceof CalcomWebhookParseError) throw new AppError("INVALID_REQUEST", err.message, { issues: err.issues });
    throw err;
  }
  const change = changeFromWebhook(event);
  if (!change) return { status: 200, message: `Ignored: ${event.triggerEvent} changes no appointment` };
  if (!deps.queue) throw new AppError("SERVICE_UNAVAILABLE", "This process has no job queue to take Cal.com deliveries");
  try {
    await deps.queue.delivery(account.id, createHash("sha256").update(body).digest("hex"), change);
  } catch {
    throw new AppError("SERVICE_UNAVAILABLE", "The delivery could not be queued; reconciliation will pick the change up");
  }
  return { status: 202, message: "Delivery queued" };
}
