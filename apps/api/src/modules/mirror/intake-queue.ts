import type { Logger } from "pino";
import type { JobEngine } from "../../jobs/engine";
import type { MirrorApplier } from "./apply";
import type { MirrorRepository } from "./mirror.repository";
import type { MirrorChange } from "./observation";
import type { Reconciler } from "./reconcile";

export const MIRROR_QUEUE = "agni-mirror";
const APPLY = "apply";
const RECONCILE = "reconcile";
const RECONCILE_SWEEP = "reconcile-sweep";
/** A waitlist offer's lapse: due when the offer expires, it passes the account's lapsed offers on. */
export const WAITLIST_LAPSE = "waitlist-lapse";
/** Run a lapse job this long after the offer's expiry, so that the offer has surely lapsed by the job's clock. */
const LAPSE_MARGIN_MS = 250;
/** Accounts queued for reconciliation per sweep (the rest wait for the next sweep). */
const SWEEP_BATCH = 200;

// A delivery whose apply failed (the database, or Cal.com while following a reschedule chain) is tried again for a
// few minutes (1 s, 2 s, 4 s … by the engine's default backoff); past that, reconciliation repairs what it would have.
const APPLY_JOB = { attempts: 10, backoff: { type: "mirror" } };

export interface ApplyJob {
  accountId: string;
  change: MirrorChange;
}

/** Rebuilds the dates a job's JSON carried as strings. */
function revive(change: MirrorChange): MirrorChange {
  if (change.kind !== "booking") return change;
  const o = change.observation;
  return { kind: "booking", observation: { ...o, start: new Date(o.start), end: new Date(o.end) } };
}

/** The mirror's queue: deliveries to apply (one job per distinct delivery) and reconciliation runs. */
export class MirrorQueue {
  constructor(
    private readonly engine: JobEngine,
    private readonly logger: Pick<Logger, "info" | "warn">,
  ) {}

  /**
   * Queues a verified delivery. The job id is the delivery's digest, so the same delivery received again while the
   * first is still queued is one job; one received after it was applied is applied again and changes nothing.
   * Throws when the queue cannot take it (the intake then answers 503 and the delivery is repaired by reconciliation).
   */
  async delivery(accountId: string, digest: string, change: MirrorChange): Promise<void> {
    await this.engine.add(MIRROR_QUEUE, APPLY, { accountId, change } satisfies ApplyJob, { jobId: `delivery-${accountId}-${digest}`, ...APPLY_JOB });
  }

  /** Queues a reconciliation of the account now (once: one already queued for it is that one). */
  async reconcile(accountId: string): Promise<void> {
    await this.engine.add(MIRROR_QUEUE, RECONCILE, { accountId }, { jobId: `reconcile-${accountId}` }).catch((err: unknown) => {
      this.logger.warn({ err, account: accountId }, "could not queue a reconciliation; the next sweep will");
    });
  }

  /**
   * Schedules the pass of an offer that lapses at `at` to the next waiting caller (WaitlistOffers.passOnLapsed), so
   * that they do not wait for the account's next reconciliation (which still passes on any this job missed). One job
   * per entry and offer (its job id); the pass is conditional, so a job running after the offer was taken, or after
   * reconciliation passed it on, changes nothing.
   */
  async lapse(accountId: string, entryId: string, at: Date): Promise<void> {
    const delay = Math.max(0, at.getTime() - Date.now()) + LAPSE_MARGIN_MS;
    await this.engine.add(MIRROR_QUEUE, WAITLIST_LAPSE, { accountId }, { jobId: `${WAITLIST_LAPSE}-${entryId}-${at.getTime()}`, delay, ...APPLY_JOB });
  }

  /**
   * Applies deliveries and runs reconciliations in this process, and schedules the sweep that queues every connected
   * account's reconciliation once per `intervalMs` (one BullMQ job scheduler, so once across all processes).
   */
  async work(deps: {
    repo: MirrorRepository;
    applier: MirrorApplier;
    reconciler: Reconciler;
    /** Passes the account's lapsed waitlist offers on (createMirror's `passOnLapsed`). */
    passOnLapsed: (accountId: string) => Promise<void>;
    intervalMs: number;
    concurrency: number;
  }): Promise<void> {
    const { repo, applier, reconciler, intervalMs } = deps;
    this.engine.work(
      MIRROR_QUEUE,
      {
        [APPLY]: async (job) => {
          const { accountId, change } = job.data as ApplyJob;
          const account = await repo.account(accountId);
          if (account && account.status !== "inactive") await applier.apply(account, revive(change));
        },
        [RECONCILE]: async (job) => {
          const result = await reconciler.run((job.data as { accountId: string }).accountId);
          if (result.changed > 0) this.logger.info({ account: result.account_id, changed: result.changed }, "reconciliation repaired the mirror");
        },
        [WAITLIST_LAPSE]: async (job) => {
          await deps.passOnLapsed((job.data as { accountId: string }).accountId);
        },
        [RECONCILE_SWEEP]: async () => {
          const due = await repo.dueAccounts(new Date(Date.now() - intervalMs), SWEEP_BATCH);
          await Promise.all(due.map((id) => this.reconcile(id)));
        },
      },
      { concurrency: deps.concurrency },
    );
    await this.engine.every(MIRROR_QUEUE, "reconcile-sweep", Math.min(60_000, Math.max(500, Math.floor(intervalMs / 5))), RECONCILE_SWEEP);
  }
}
