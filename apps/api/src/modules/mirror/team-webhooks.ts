import { CALCOM_WEBHOOK_TRIGGERS, CalcomApiError, CalcomNotFoundError, type CalcomClient } from "@agni/calcom";
import type { Logger } from "pino";
import type { EventTypeWebhookRepository, StoredEventTypeWebhook } from "./event-type-webhooks.repository";
import type { MirrorAccount } from "./mirror.repository";

/**
 * Team bookings reach the mirror as they happen. Cal.com fires no user-level webhook for a booking of a team event type
 * (round-robin, collective): handleNewBooking's `triggerForUser = !teamId || parentId` leaves the organizer out, and
 * getWebhooks then selects only the event type's and the team's webhooks (calcom/cal.com
 * packages/features/bookings/lib/handleNewBooking.ts @ 9d8f3ffb959a39fc8414e554cd5ac0af70887481, the same rule in
 * handleCancelBooking.ts @ 2446b58b7f257ba3b40ba3e0aacaca9a18fd188e; packages/features/webhooks/lib/getWebhooks.ts
 * @ 028bb9d24306792acc9efa5833063b7e3d0a058b). So for each team event type the account's agents book, the mirror
 * registers an event-type webhook (same intake URL and per-account secret as the account's own webhook) through
 * POST /v2/teams/{teamId}/event-types/{eventTypeId}/webhooks — which Cal.com allows a team admin or owner only
 * (IsTeamEventTypeWebhookGuard, apps/api/v2/src/modules/webhooks/guards/is-team-event-type-webhook-guard.ts
 * @ 062d483b8c1d78ed6eefee3947aa1ec2fc6442e3). The user-level route, /v2/event-types/{id}/webhooks, refuses any event
 * type whose userId is not the caller's, which a team's never is (is-user-event-type-webhook-guard.ts
 * @ 03670679c00d600615e8df2bc64545bd51c61646). A key of a plain member therefore gets no webhook: the refusal is kept
 * on the row, and the account's team bookings arrive through reconciliation alone.
 *
 * Never throws: a failure is logged and kept on the row, and the next reconciliation run tries again; an event type
 * no agent books any more (an agent moved to another, or disconnected) has its webhook removed.
 */
export class TeamWebhooks {
  /**
   * Event types found not to be a team's, per account, and when: an agent on its own event type would otherwise cost
   * `GET /v2/teams` and a list per team on every reconciliation run. Looked at again after NOT_TEAM_TTL_MS (a team
   * event type does not turn into an own one, but an id may be read before the key's owner joins the team).
   */
  private readonly notTeam = new Map<string, Map<number, number>>();

  constructor(
    private readonly repo: EventTypeWebhookRepository,
    private readonly logger: Pick<Logger, "warn">,
    private readonly now: () => number = Date.now,
  ) {}

  async ensure(account: MirrorAccount, cal: CalcomClient, url: string, secret: () => Promise<string>): Promise<void> {
    try {
      const wanted = await this.repo.agentEventTypeIds(account);
      const stored = await this.repo.list(account.id);
      for (const row of stored) if (!wanted.includes(row.eventTypeId)) await this.drop(cal, row);
      const known = new Map(stored.filter((r) => wanted.includes(r.eventTypeId)).map((r) => [r.eventTypeId, r]));
      const unknown = wanted.filter((id) => !known.has(id) && !this.knownNotTeam(account.id, id));
      const teams = await this.teamsOf(cal, unknown);
      for (const id of unknown) if (!teams.has(id)) this.rememberNotTeam(account.id, id);
      for (const [eventTypeId, teamId] of teams) await this.ensureOne(account, cal, url, secret, teamId, eventTypeId, null);
      for (const row of known.values()) await this.ensureOne(account, cal, url, secret, row.teamId, row.eventTypeId, row.calcomWebhookId);
    } catch (err) {
      this.logger.warn({ account: account.id, err: reason(err) }, "could not check the team event types' Cal.com webhooks; reconciliation will try again");
    }
  }

  private knownNotTeam(accountId: string, eventTypeId: number): boolean {
    const at = this.notTeam.get(accountId)?.get(eventTypeId);
    return at !== undefined && this.now() - at < NOT_TEAM_TTL_MS;
  }

  private rememberNotTeam(accountId: string, eventTypeId: number): void {
    const ids = this.notTeam.get(accountId) ?? new Map<number, number>();
    ids.set(eventTypeId, this.now());
    this.notTeam.set(accountId, ids);
  }

  /** Removes every event-type webhook of an account being disconnected (its key as it was); best effort. */
  async removeAll(accountId: string, cal: CalcomClient | null): Promise<void> {
    this.notTeam.delete(accountId);
    for (const row of await this.repo.list(accountId).catch(() => [])) {
      if (cal) await this.drop(cal, row);
      else await this.repo.forget(row.id).catch(() => undefined);
    }
  }

  /** The team of each of `ids` that is a team event type of one of the key owner's teams (an own event type is not). */
  private async teamsOf(cal: CalcomClient, ids: number[]): Promise<Map<number, number>> {
    const found = new Map<number, number>();
    if (ids.length === 0) return found;
    for (const team of await cal.teams.list()) {
      for (const e of await cal.teams.eventTypes(team.id)) if (ids.includes(e.id)) found.set(e.id, team.id);
      if (found.size === ids.length) break;
    }
    return found;
  }

  private async ensureOne(account: MirrorAccount, cal: CalcomClient, url: string, secret: () => Promise<string>, teamId: number, eventTypeId: number, hookId: number | null): Promise<void> {
    const hooks = cal.teams.eventTypeWebhooks(teamId, eventTypeId);
    try {
      if (hookId !== null) {
        const hook = await hooks.get(hookId).catch((err: unknown) => {
          if (err instanceof CalcomNotFoundError) return null;
          throw err;
        });
        if (hook && hook.subscriberUrl === url && hook.active) return;
      }
      const input = { subscriberUrl: url, active: true, triggers: [...CALCOM_WEBHOOK_TRIGGERS], secret: await secret() };
      let id: number;
      try {
        id = (await hooks.create(input)).id;
      } catch (err) {
        // 409 "Webhook with this subscriber url already exists for this event type" (team-event-type-webhooks.service.ts
        // @ 4de462c18cfa56f3bf250a8d714385da7cc80339): adopt it, with this account's secret.
        if (!(err instanceof CalcomApiError && err.status === 409)) throw err;
        const existing = (await hooks.list()).find((w) => w.subscriberUrl === url);
        if (!existing) throw err;
        id = (await hooks.update(existing.id, input)).id;
      }
      await this.repo.record(account.id, teamId, eventTypeId, { calcomWebhookId: id, error: null });
    } catch (err) {
      const forbidden = err instanceof CalcomApiError && err.status === 403;
      const error = forbidden
        ? `Cal.com lets only a team admin or owner register a webhook on team event type ${eventTypeId}; its bookings reach Agni at reconciliation`
        : `Could not register the webhook of team event type ${eventTypeId} (${reason(err).slice(0, 300)}); retried at the next reconciliation`;
      this.logger.warn({ account: account.id, team: teamId, event_type: eventTypeId, err: reason(err) }, "could not register a team event type's Cal.com webhook");
      await this.repo.record(account.id, teamId, eventTypeId, { calcomWebhookId: hookId, error }).catch(() => undefined);
    }
  }

  /** Removes the webhook in Cal.com, and then the row (kept, for the next try, when Cal.com could not remove it). */
  private async drop(cal: CalcomClient, row: StoredEventTypeWebhook): Promise<void> {
    if (row.calcomWebhookId !== null) {
      try {
        await cal.teams.eventTypeWebhooks(row.teamId, row.eventTypeId).delete(row.calcomWebhookId);
      } catch (err) {
        if (!(err instanceof CalcomNotFoundError)) {
          this.logger.warn({ event_type: row.eventTypeId, err: reason(err) }, "could not remove a team event type's Cal.com webhook");
          return;
        }
      }
    }
    await this.repo.forget(row.id).catch(() => undefined);
  }
}

/** How long an event type found not to be a team's is taken as such (see TeamWebhooks.notTeam). */
const NOT_TEAM_TTL_MS = 6 * 60 * 60_000;

const reason = (err: unknown) => (err instanceof Error ? `${err.name}: ${err.message}` : String(err));
