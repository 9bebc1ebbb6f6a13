import { CalcomApiError, CalcomAuthError, CalcomRateLimitError } from "@agni/calcom";
import type { CreditCharge, CreditChargeStatus, CreditSettings, UpdateCreditSettingsBody } from "@agni/contracts";
import { setTimeout as sleep } from "node:timers/promises";
import { conflict } from "../../errors/app-error";
import { speakableCalcomError } from "../../errors/calcom-errors";
import type { Calendars } from "../appointments/calendar";
import { type CreditCheck, type CreditMeter, effectiveSettings, type EffectiveCreditSettings } from "./credit-meter";
import type { CreditChargeRow, CreditsRepository, SessionKey } from "./credits.repository";

/** How long "call completed" waits for another completion of the same call before answering 409. */
const WAIT_FOR_OTHER_MS = 10_000;

const settingsView = (s: EffectiveCreditSettings): CreditSettings => ({
  enabled: s.enabled,
  mode: s.mode,
  credits_per_action: s.perAction,
  updated_at: s.updatedAt?.toISOString() ?? null,
});

export const chargeView = (r: CreditChargeRow): CreditCharge => ({
  id: r.id,
  agent_id: r.agentId,
  call_session_id: r.callSessionId,
  credits: r.credits,
  actions: r.actions,
  status: r.status,
  no_credits_at_check: r.noCreditsAtCheck,
  external_ref: r.externalRef,
  last_error: r.lastError,
  charged_at: r.chargedAt?.toISOString() ?? null,
  created_at: r.createdAt.toISOString(),
});

/** Cal.com refused the charge itself (no credits, a bad amount), as opposed to being unreachable, busy, or refusing the key. */
const refusedCharge = (err: unknown) => err instanceof CalcomApiError && err.status < 500 && !(err instanceof CalcomAuthError) && !(err instanceof CalcomRateLimitError);

/** Credit settings, the charges list, and "call completed": one Cal.com charge per call session. */
export class CreditsService {
  constructor(
    private readonly repo: CreditsRepository,
    private readonly meter: CreditMeter,
    private readonly check: CreditCheck,
    private readonly calendars: Calendars,
  ) {}

  async settings(organizationId: string): Promise<CreditSettings> {
    return settingsView(await this.meter.settings(organizationId));
  }

  async updateSettings(organizationId: string, body: UpdateCreditSettingsBody): Promise<CreditSettings> {
    const current = await this.meter.settings(organizationId);
    const row = await this.repo.saveSettings(organizationId, {
      enabled: body.enabled ?? current.enabled,
      mode: body.mode ?? current.mode,
      perAction: body.credits_per_action ? Object.fromEntries(Object.entries(body.credits_per_action).filter((e) => e[1] !== undefined)) : current.perAction,
    });
    return settingsView(effectiveSettings(row));
  }

  async charges(organizationId: string, query: { limit: number; offset: number; status?: CreditChargeStatus }) {
    const { items, total } = await this.repo.list(organizationId, query);
    return { items: items.map(chargeView), total };
  }

  /**
   * Charges a call session's credits once. The session is claimed by one conditional update, so of two completions
   * at once one charges and the other waits for its answer; Cal.com's `externalRef` (the session) covers a process
   * that died after charging and before recording it.
   */
  async complete(organizationId: string, agentId: string, callSessionId: string): Promise<CreditCharge> {
    await this.calendars.assertAgent(organizationId, agentId);
    const session: SessionKey = { organizationId, agentId, callSessionId };
    const deadline = Date.now() + WAIT_FOR_OTHER_MS;
    for (;;) {
      const claimed = await this.repo.claim(session);
      if (claimed) return chargeView(await this.charge(organizationId, claimed));
      const current = await this.repo.session(session);
      if (current && (current.status === "charged" || current.status === "unpaid")) return chargeView(current);
      if (Date.now() > deadline) throw conflict("This call is being charged by another request; complete it again in a moment");
      await sleep(100);
    }
  }

  private async charge(organizationId: string, row: CreditChargeRow): Promise<CreditChargeRow> {
    if (row.credits === 0) return this.repo.settle(row.id, "charged", null);
    try {
      const calendar = await this.calendars.open(organizationId, row.agentId);
      try {
        await calendar.cal.credits.charge({ credits: row.credits, creditFor: "AI_AGENT", externalRef: row.externalRef });
      } finally {
        this.check.forget(calendar.accountId);
      }
      return await this.repo.settle(row.id, "charged", null);
    } catch (err) {
      if (refusedCharge(err)) return this.repo.settle(row.id, "unpaid", err instanceof Error ? err.message.slice(0, 500) : "refused");
      await this.repo.settle(row.id, "open", err instanceof Error ? err.message.slice(0, 500) : "failed");
      throw speakableCalcomError(err);
    }
  }
}
