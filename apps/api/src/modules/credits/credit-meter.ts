import type { CalcomClient } from "@agni/calcom";
import { DEFAULT_CREDITS_PER_ACTION, type CreditMode } from "@agni/contracts";
import { LRUCache } from "lru-cache";
import { AppError } from "../../errors/app-error";
import { speakableCalcomError } from "../../errors/calcom-errors";
import type { OrgCache } from "../../lib/org-cache";
import type { CreditSettingsRow, CreditsRepository, SessionKey } from "./credits.repository";
import { NO_CREDITS_SENTENCE } from "./wording";

/** How long Cal.com's "has credits" answer is reused per account. */
export const CREDIT_CHECK_TTL_MS = 30_000;

export interface EffectiveCreditSettings {
  enabled: boolean;
  mode: CreditMode;
  perAction: Record<string, number>;
  updatedAt: Date | null;
}

export function effectiveSettings(row: CreditSettingsRow | null): EffectiveCreditSettings {
  if (!row) return { enabled: false, mode: "hard", perAction: { ...DEFAULT_CREDITS_PER_ACTION }, updatedAt: null };
  const perAction = typeof row.perAction === "object" && row.perAction !== null && !Array.isArray(row.perAction) ? row.perAction : {};
  const costs = Object.fromEntries(Object.entries(perAction).filter((e): e is [string, number] => typeof e[1] === "number"));
  return { enabled: row.enabled, mode: row.mode, perAction: costs, updatedAt: row.updatedAt };
}

/** Cal.com's `GET /v2/credits/available`, answered from a short per-account cache. */
export class CreditCheck {
  private readonly answers = new LRUCache<string, { hasCredits: boolean }>({ max: 10_000, ttl: CREDIT_CHECK_TTL_MS });

  async hasCredits(accountId: string, cal: CalcomClient): Promise<boolean> {
    const hit = this.answers.get(accountId);
    if (hit) return hit.hasCredits;
    const { hasCredits } = await cal.credits.available();
    this.answers.set(accountId, { hasCredits });
    return hasCredits;
  }

  /** After a charge the balance has changed: the next check asks Cal.com. */
  forget(accountId: string): void {
    this.answers.delete(accountId);
  }
}

/** A billable action let through: what it adds to its call session once it has succeeded. */
export interface Admission {
  session: SessionKey | null;
  credits: number;
  noCreditsAtCheck: boolean;
}

/**
 * Check-then-charge metering of agent actions (Cal.com's "credits per interaction" guide): before a call session's
 * first billable action, Cal.com is asked whether there are credits; in hard mode none means a refusal the agent can
 * say. A succeeded action adds its credits to the session; `CreditsService.complete` charges them once.
 */
export class CreditMeter {
  constructor(
    private readonly repo: CreditsRepository,
    private readonly check: CreditCheck,
    private readonly cache: OrgCache,
  ) {}

  settings(organizationId: string): Promise<EffectiveCreditSettings> {
    return this.cache.get(organizationId, "credit-settings", async () => effectiveSettings(await this.repo.settings(organizationId)));
  }

  /** Null when the action costs nothing (metering off, or a free action). Throws 402 with a sentence in hard mode without credits. */
  async admit(calendar: { agent: { id: string; organizationId: string }; accountId: string; cal: CalcomClient }, action: string, callSessionId?: string): Promise<Admission | null> {
    const organizationId = calendar.agent.organizationId;
    const settings = await this.settings(organizationId);
    const credits = settings.perAction[action] ?? 0;
    if (!settings.enabled || credits <= 0) return null;
    // Calls without a call session are checked but cannot be charged (there is no call to complete).
    const session = callSessionId ? { organizationId, agentId: calendar.agent.id, callSessionId } : null;
    const existing = session && (await this.repo.session(session));
    if (existing && existing.actions > 0) return { session, credits, noCreditsAtCheck: false };
    let hasCredits: boolean;
    try {
      hasCredits = await this.check.hasCredits(calendar.accountId, calendar.cal);
    } catch (err) {
      // Soft mode never stops a call; hard mode cannot tell, so it says the calendar is unreachable.
      if (settings.mode === "soft") return { session, credits, noCreditsAtCheck: false };
      throw speakableCalcomError(err);
    }
    if (!hasCredits && settings.mode === "hard") throw new AppError("PAYMENT_REQUIRED", NO_CREDITS_SENTENCE, { reason: "Credit metering is on (hard mode) and the Cal.com account has no credits left" });
    return { session, credits, noCreditsAtCheck: !hasCredits };
  }

  /** Adds a succeeded action's credits to its session (nothing once the session is completed). */
  async record(admission: Admission | null): Promise<void> {
    if (admission?.session) await this.repo.addCredits(admission.session, admission.credits, admission.noCreditsAtCheck);
  }
}
