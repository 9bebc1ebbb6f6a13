import type { CalcomBooking, ListBookingsQuery } from "@agni/calcom";
import type { MirrorApplier } from "./apply";
import type { AccountClients } from "./account-client";
import type { MirrorAccount, MirrorRepository } from "./mirror.repository";
import { observationFromBooking } from "./observation";
import type { WebhookRegistrar, WebhookState } from "./webhook-registration";

/** Bookings per page, and pages per run: a run reads at most PAGE × MAX_PAGES bookings; the next run goes on from there. */
const PAGE = 100;
const MAX_PAGES = 10;
/** Read again before the cursor: Cal.com's clock and ours differ, and a booking may commit after we read past it. */
const OVERLAP_MS = 60_000;
/** The first run of an account reads the bookings starting from this long ago on (its calendar, not its history). */
const FIRST_RUN_LOOKBACK_MS = 30 * 86_400_000;

export interface ReconcileResult {
  account_id: string;
  /** Bookings read from Cal.com. */
  checked: number;
  /** Appointment changes the mirror had missed (each one recorded, and its event sent). */
  changed: number;
  webhook: WebhookState | "skipped";
  reconciled_at: string | null;
}

/**
 * The mirror's safety net: pages through the account's Cal.com bookings changed since the last run (`afterUpdatedAt`,
 * oldest change first) and applies each through the same path as a webhook delivery, so a lost delivery, a delivery
 * Cal.com could not make (no AGNI_PUBLIC_URL, or none reachable) or a missed change is repaired; re-registers the
 * account's webhook when it went missing. Its Cal.com calls spend the background share of the key's budget.
 */
export class Reconciler {
  constructor(
    private readonly repo: MirrorRepository,
    private readonly clients: AccountClients,
    private readonly applier: MirrorApplier,
    private readonly registrar: WebhookRegistrar,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async run(accountId: string): Promise<ReconcileResult> {
    const account = await this.repo.account(accountId);
    const result: ReconcileResult = { account_id: accountId, checked: 0, changed: 0, webhook: "skipped", reconciled_at: account?.reconciledAt?.toISOString() ?? null };
    if (!account || !this.clients.forAccount(account)) return result;
    result.webhook = await this.registrar.ensure(account);
    const startedAt = this.now();
    const query: ListBookingsQuery = account.reconcileCursor
      ? { afterUpdatedAt: new Date(account.reconcileCursor.getTime() - OVERLAP_MS).toISOString(), sortUpdatedAt: "asc" }
      : { afterStart: new Date(startedAt.getTime() - FIRST_RUN_LOOKBACK_MS).toISOString(), sortStart: "asc" };
    let cursor = startedAt;
    for (let page = 0; ; page++) {
      const bookings = await this.page(account, { ...query, take: PAGE, skip: page * PAGE });
      for (const booking of bookings) {
        result.checked += 1;
        const observation = observationFromBooking(booking);
        // The first run imports the calendar as it stood when the account was connected without announcing it (no
        // events out for bookings that are not news); a booking changed since the connect is a change like any other.
        const announce = account.reconcileCursor !== null || updatedAt(booking, startedAt) >= account.connectedAt;
        if (observation) result.changed += await this.applier.apply(account, { kind: "booking", observation }, { announce });
      }
      if (bookings.length < PAGE) break;
      if (page + 1 >= MAX_PAGES) {
        // More than a run reads: go on next time from the last change read (changes-since runs only; a first run's
        // later bookings are read as they change).
        cursor = account.reconcileCursor ? updatedAt(bookings.at(-1), startedAt) : startedAt;
        break;
      }
    }
    await this.applier.tendWaitlist(account);
    await this.repo.reconciled(account.id, cursor, this.now());
    result.reconciled_at = this.now().toISOString();
    return result;
  }

  /** One page, on a fresh client (each unit of work gets its own deadline). */
  private page(account: MirrorAccount, query: ListBookingsQuery): Promise<CalcomBooking[]> {
    const cal = this.clients.forAccount(account);
    if (!cal) return Promise.resolve([]);
    return cal.bookings.list(query);
  }
}

const updatedAt = (b: CalcomBooking | undefined, fallback: Date) => {
  const at = b?.updatedAt;
  return typeof at === "string" && !Number.isNaN(Date.parse(at)) ? new Date(at) : fallback;
};
