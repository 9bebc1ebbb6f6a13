import type { CalcomAccount } from "../../db/prisma";
import type { CalcomAccountObserver } from "../calcom/calcom.service";
import type { MirrorQueue } from "./intake-queue";
import type { MirrorRepository } from "./mirror.repository";
import type { WebhookRegistrar } from "./webhook-registration";

/** How long a connect waits for its webhook's registration. */
const REGISTRATION_WAIT_MS = 5_000;

/**
 * The mirror's part in connecting and disconnecting: on connect, the account's webhook is registered (a failure is
 * kept on the account and retried by reconciliation; the connect succeeds regardless) and a first reconciliation is
 * queued, which brings in the calendar as it already is; on disconnect, the webhook is removed.
 */
export class MirrorLifecycle implements CalcomAccountObserver {
  constructor(
    private readonly repo: MirrorRepository,
    private readonly registrar: WebhookRegistrar,
    private readonly queue: MirrorQueue | undefined,
  ) {}

  async connected(accountId: string): Promise<void> {
    const account = await this.repo.account(accountId);
    if (!account) return;
    // The connect waits for the registration, but not for a Cal.com that answers slowly: past a few seconds it goes on
    // by itself (never throwing), and the reconciliation queued next registers it too if need be.
    let waited: NodeJS.Timeout | undefined;
    await Promise.race([this.registrar.ensure(account), new Promise((resolve) => (waited = setTimeout(resolve, REGISTRATION_WAIT_MS)))]);
    clearTimeout(waited);
    await this.queue?.reconcile(accountId);
  }

  /** An agent of the account now books another event type: a reconciliation run moves the team event-type webhooks. */
  async eventTypeChanged(accountId: string): Promise<void> {
    await this.queue?.reconcile(accountId);
  }

  async disconnected(accounts: CalcomAccount[]): Promise<void> {
    await Promise.all(accounts.map((a) => this.registrar.remove(a)));
  }
}
