import { randomBytes } from "node:crypto";
import { CALCOM_WEBHOOK_TRIGGERS, CalcomApiError, CalcomNotFoundError, type CalcomClient } from "@agni/calcom";
import type { Logger } from "pino";
import type { SecretBox } from "../../lib/crypto";
import type { AccountClients } from "./account-client";
import type { MirrorAccount, MirrorRepository } from "./mirror.repository";
import type { TeamWebhooks } from "./team-webhooks";

/** Where Cal.com delivers an account's webhooks: public, outside `/api/v1`'s authentication (the signature is the proof). */
export const intakePath = (accountId: string) => `/api/v1/calcom/webhooks/${accountId}`;

/** What became of an account's webhook: in place, registered now, impossible without AGNI_PUBLIC_URL, or failed (retried). */
export type WebhookState = "present" | "registered" | "no_public_url" | "failed";

/**
 * Keeps one Cal.com webhook per connected account pointing at our intake, signed with a random per-account secret
 * (stored sealed like the key). Registration never fails a connect: a failure is logged and kept on the account
 * (`webhook_error`), and every reconciliation run tries again, as it does for a webhook someone deleted in Cal.com.
 */
export class WebhookRegistrar {
  constructor(
    private readonly repo: MirrorRepository,
    private readonly clients: AccountClients,
    private readonly box: SecretBox,
    /** AGNI_PUBLIC_URL: without it Cal.com cannot reach us, and the mirror lives on reconciliation alone. */
    private readonly publicUrl: string | undefined,
    private readonly logger: Pick<Logger, "warn">,
    /** The event-type webhooks of the team event types the account's agents book (Cal.com's user webhook misses them). */
    private readonly teams?: TeamWebhooks,
  ) {}

  private url(accountId: string): string | null {
    return this.publicUrl ? new URL(intakePath(accountId), this.publicUrl).toString() : null;
  }

  /**
   * Makes sure the account's webhook exists (re-registering one that went missing), and the event-type webhooks of its
   * agents' team event types; never throws. The state answered is the account's own webhook's.
   */
  async ensure(account: MirrorAccount, cal: CalcomClient | null = this.clients.forAccount(account)): Promise<WebhookState> {
    const url = this.url(account.id);
    if (!url) return "no_public_url";
    if (!cal) return "failed";
    const state = await this.ensureOwn(account, cal, url);
    await this.teams?.ensure(account, cal, url, () => this.secret(account));
    return state;
  }

  private async ensureOwn(account: MirrorAccount, cal: CalcomClient, url: string): Promise<WebhookState> {
    try {
      if (account.calcomWebhookId !== null && account.webhookSecretEncrypted) {
        const hook = await cal.webhooks.get(account.calcomWebhookId).catch((err: unknown) => {
          if (err instanceof CalcomNotFoundError) return null;
          throw err;
        });
        if (hook && hook.subscriberUrl === url && hook.active) return "present";
      }
      return await this.register(account, cal, url);
    } catch (err) {
      const reason = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      this.logger.warn({ account: account.id, err: reason }, "could not register the Cal.com webhook; reconciliation will try again");
      await this.repo.webhookFailed(account.id, `Could not register the Cal.com webhook (${reason.slice(0, 300)}); retried at the next reconciliation`).catch(() => undefined);
      return "failed";
    }
  }

  /**
   * Registers the webhook. The secret is stored before Cal.com hears of it, so that the first delivery (which may come
   * before Cal.com's answer) already verifies; an existing secret is kept, so deliveries in flight stay valid.
   * Concurrent registrations of one account (a connect's, a reconciliation's) converge: the first secret stored is
   * everyone's, and Cal.com's refusal of a second webhook with the same URL (409 "Webhook with this subscriber url
   * already exists for this user", apps/api/v2/src/modules/webhooks/services/user-webhooks.service.ts @
   * b03cf427261a618cf5a277a629ba678edf624046) adopts the one that exists, with that secret.
   */
  private async register(account: MirrorAccount, cal: CalcomClient, url: string): Promise<WebhookState> {
    const secret = await this.secret(account);
    const input = { subscriberUrl: url, active: true, triggers: [...CALCOM_WEBHOOK_TRIGGERS], secret };
    let hookId: number;
    try {
      hookId = (await cal.webhooks.create(input)).id;
    } catch (err) {
      if (!(err instanceof CalcomApiError && err.status === 409)) throw err;
      const existing = (await cal.webhooks.list({ take: 250 })).find((w) => w.subscriberUrl === url);
      if (!existing) throw err;
      hookId = (await cal.webhooks.update(existing.id, input)).id;
    }
    if (account.calcomWebhookId !== null && account.calcomWebhookId !== hookId) await cal.webhooks.delete(account.calcomWebhookId).catch(() => undefined);
    await this.repo.webhookRegistered(account.id, hookId);
    return "registered";
  }

  /** The account's webhook secret: the stored one, else a new one stored only if none was meanwhile (then that one). */
  private async secret(account: MirrorAccount): Promise<string> {
    const open = (sealed: string | null) => {
      if (!sealed) return null;
      try {
        return this.box.decrypt(sealed, account.organizationId);
      } catch {
        return null;
      }
    };
    const stored = open(account.webhookSecretEncrypted);
    if (stored) return stored;
    const sealed = this.box.encrypt(randomBytes(32).toString("hex"), account.organizationId);
    const claimed = open(await this.repo.claimWebhookSecret(account.id, account.webhookSecretEncrypted, sealed));
    if (!claimed) throw new Error("the account's webhook secret does not open with this deployment's encryption keys");
    return claimed;
  }

  /** Removes the webhook of an account being disconnected (with its key as it was); best effort, never throws. */
  async remove(account: MirrorAccount): Promise<void> {
    const cal = this.clients.forAccount({ ...account, status: "active" });
    await this.teams?.removeAll(account.id, cal);
    if (account.calcomWebhookId === null) return;
    await cal?.webhooks.delete(account.calcomWebhookId).catch((err: unknown) => {
      if (!(err instanceof CalcomNotFoundError)) this.logger.warn({ account: account.id, err: err instanceof Error ? err.message : String(err) }, "could not remove the Cal.com webhook of a disconnected account");
    });
  }
}
