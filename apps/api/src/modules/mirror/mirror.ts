import type { SyncResult } from "@agni/contracts";
import { CalcomError } from "@agni/calcom";
import type { Logger } from "pino";
import type { PrismaClient } from "../../db/prisma";
import { notFound } from "../../errors/app-error";
import type { SecretBox } from "../../lib/crypto";
import { calcomError } from "../../errors/calcom-errors";
import type { CalcomGateway } from "../calcom/calcom-gateway";
import type { DeliveryQueue } from "../webhooks/delivery-queue";
import { AccountClients } from "./account-client";
import { MirrorApplier } from "./apply";
import type { MirrorQueue } from "./intake-queue";
import { MirrorLifecycle } from "./lifecycle";
import { MirrorRepository } from "./mirror.repository";
import { Reconciler } from "./reconcile";
import { WebhookRegistrar } from "./webhook-registration";
import { EventTypeWebhookRepository } from "./event-type-webhooks.repository";
import { TeamWebhooks } from "./team-webhooks";
import { type FreedTime, WaitlistOffers } from "../waitlist/waitlist-offers";
import { WaitlistSweep } from "../waitlist/waitlist-sweep";

/** The Cal.com mirror's parts, wired once per process (the API and `npm run worker` both build one). */
export function createMirror(deps: {
  prisma: PrismaClient;
  gateway: CalcomGateway;
  box: SecretBox;
  publicUrl: string | undefined;
  deliveries: DeliveryQueue | undefined;
  queue: MirrorQueue | undefined;
  logger: Pick<Logger, "warn" | "info">;
  /** How long an unheld waitlist offer is kept for its caller (AGNI_WAITLIST_OFFER_MS); the default otherwise. */
  waitlistOfferMs?: number;
}) {
  const repo = new MirrorRepository(deps.prisma);
  const clients = new AccountClients(deps.gateway, deps.box);
  const queue = deps.queue;
  // Each offer schedules its own lapse on the mirror's queue; without one (no job engine), reconciliation passes it on.
  const lapse = queue ? (accountId: string, entryId: string, at: Date) => queue.lapse(accountId, entryId, at) : undefined;
  const waitlist = new WaitlistOffers(deps.prisma, deps.deliveries, deps.logger, { offerMs: deps.waitlistOfferMs, lapse });
  const applier = new MirrorApplier(repo, clients, deps.deliveries, deps.logger, waitlist, new WaitlistSweep(deps.prisma, waitlist, deps.logger));
  const teamWebhooks = new TeamWebhooks(new EventTypeWebhookRepository(deps.prisma), deps.logger);
  const registrar = new WebhookRegistrar(repo, clients, deps.box, deps.publicUrl, deps.logger, teamWebhooks);
  const reconciler = new Reconciler(repo, clients, applier, registrar);
  return {
    repo,
    applier,
    waitlist,
    /** Times our own cancel or reschedule freed on an account, offered to its waitlist (the mirror hears of them as old news). */
    async offerFreed(accountId: string, times: FreedTime[]): Promise<void> {
      const account = await repo.account(accountId);
      if (account) await waitlist.freed(account, clients.forAccount(account), times);
    },
    /** An offer's lapse job (MirrorQueue.lapse): the account's lapsed waitlist offers go to the next in line. */
    async passOnLapsed(accountId: string): Promise<void> {
      const account = await repo.account(accountId);
      if (account && account.status !== "inactive") await waitlist.passOnLapsed(account, clients.forAccount(account));
    },
    reconciler,
    lifecycle: new MirrorLifecycle(repo, registrar, deps.queue),
    /** `POST /calcom/accounts/{id}/sync`: one of the organisation's connected accounts, reconciled now. */
    async sync(organizationId: string, accountId: string): Promise<SyncResult> {
      const account = await repo.orgAccount(organizationId, accountId);
      if (!account || account.status === "inactive") throw notFound("Cal.com account");
      try {
        return await reconciler.run(account.id);
      } catch (err) {
        if (err instanceof CalcomError) throw calcomError(err, { admin: { apiBaseUrl: account.apiBaseUrl } });
        throw err;
      }
    },
  };
}

export type Mirror = ReturnType<typeof createMirror>;
