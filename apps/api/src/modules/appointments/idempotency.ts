import { ManageResultSchema, type ManageResult } from "@agni/contracts";
import { createHash } from "node:crypto";
import { z } from "zod";
import { AppError } from "../../errors/app-error";
import { IDEMPOTENCY_TTL_MS, type IdempotencyRepository } from "./idempotency.repository";

/**
 * A manage answer as a record keeps it: the HTTP answer it was (status and envelope), so that a replay is the same
 * answer, including across versions of the API.
 */
const toStored = (answer: ManageResult) => ({ status: 200, body: { success: true, message: answer.message, data: answer } });
const StoredBodySchema = z.object({ data: ManageResultSchema });
const fromStored = (body: unknown): ManageResult => StoredBodySchema.parse(body).data;

const POLL_MS = 50;
/** How long a claim survives its owner going silent (crash, kill -9, lost host); the owner renews it meanwhile. */
export const DEFAULT_LEASE_MS = 10_000;

export const requestHash = (value: unknown) => createHash("sha256").update(JSON.stringify(value)).digest("hex");

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What the work is told: whether an earlier attempt died half-way (so its effects may already exist). */
export interface Attempt {
  recovering: boolean;
}

/**
 * Runs a mutating manage call at most once per (organisation, key). The first caller inserts an `in_progress` row and does
 * the work; duplicates — concurrent or later, in this process or another replica — wait for that row to complete and
 * get the same answer. A failed call deletes its row, so a failure is never replayed and a retry runs again.
 * The claim is a lease the owner keeps renewing; if the owner dies, the lease runs out and the next caller takes
 * over as `recovering`, so the work can look for what the dead attempt already did instead of doing it twice.
 */
export class IdempotencyStore {
  /** Same-process waiters skip the polling. */
  private readonly inFlight = new Map<string, Promise<unknown>>();

  constructor(
    private readonly records: IdempotencyRepository,
    private readonly waitMs = 30_000,
    private readonly leaseMs = DEFAULT_LEASE_MS,
  ) {}

  /**
   * `replayable`, when given, is asked about a completed answer before it is replayed: false forgets that answer and
   * runs the work afresh (it may throw instead, to answer something else).
   */
  async run(
    organizationId: string,
    key: string,
    hash: string,
    work: (attempt: Attempt) => Promise<ManageResult>,
    replayable?: (answer: ManageResult) => Promise<boolean>,
  ): Promise<ManageResult> {
    const deadline = Date.now() + this.waitMs + this.leaseMs;
    for (;;) {
      const claimed = await this.claim(organizationId, key, hash);
      if (claimed) return this.execute(organizationId, key, () => work(claimed));
      const row = await this.records.find(organizationId, key);
      if (!row) continue; // the first attempt failed and let go: try to claim it ourselves
      if (row.requestHash !== hash) {
        throw new AppError("CONFLICT", "This Idempotency-Key was already used for a different request; use a new key for a new request");
      }
      if (row.state === "completed") {
        const answer = fromStored(row.responseBody);
        if (!replayable || (await replayable(answer))) return answer;
        // Forget this very answer (not one a concurrent caller may have stored since), then claim the key afresh.
        await this.records.forget(organizationId, key, row);
        continue;
      }
      if (Date.now() > deadline) {
        throw new AppError("CONFLICT", "The same request is still being processed; try again in a moment");
      }
      const local = this.inFlight.get(`${organizationId}\u0000${key}`);
      if (local) await local.catch(() => undefined);
      else await sleep(POLL_MS);
    }
  }

  /** Claims the key; an expired claim of this very request belongs to an owner that died: take over, say so. */
  private claim(organizationId: string, key: string, hash: string): Promise<Attempt | null> {
    return this.records.claim(organizationId, key, hash, new Date(Date.now() + this.leaseMs));
  }

  private async execute(organizationId: string, key: string, work: () => Promise<ManageResult>): Promise<ManageResult> {
    const id = `${organizationId}\u0000${key}`;
    const renew = setInterval(() => void this.records.renew(organizationId, key, new Date(Date.now() + this.leaseMs)).catch(() => undefined), this.leaseMs / 3);
    const running = work();
    this.inFlight.set(id, running);
    try {
      const result = await running;
      await this.records.complete(organizationId, key, toStored(result), new Date(Date.now() + IDEMPOTENCY_TTL_MS));
      return result;
    } catch (err) {
      await this.records.release(organizationId, key).catch(() => undefined);
      throw err;
    } finally {
      clearInterval(renew);
      this.inFlight.delete(id);
    }
  }
}
