import { createHash } from "node:crypto";
import { Prisma, type PrismaClient } from "../../db/prisma";
import { AppError } from "../../http/app-error";

export interface StoredResponse {
  status: number;
  body: unknown;
}

const TTL_MS = 24 * 3_600_000;
const POLL_MS = 50;

export const requestHash = (value: unknown) => createHash("sha256").update(JSON.stringify(value)).digest("hex");

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs a mutating call at most once per (organisation, key). The first caller inserts an `in_progress` row and does
 * the work; duplicates — concurrent or later, in this process or another replica — wait for that row to complete and
 * get the same answer. A failed call deletes its row, so a failure is never replayed and a retry runs again.
 */
export class IdempotencyStore {
  /** Same-process waiters skip the polling. */
  private readonly inFlight = new Map<string, Promise<unknown>>();

  constructor(
    private readonly prisma: PrismaClient,
    private readonly waitMs = 30_000,
  ) {}

  async run(organizationId: string, key: string, hash: string, work: () => Promise<StoredResponse>): Promise<StoredResponse> {
    const deadline = Date.now() + this.waitMs;
    for (;;) {
      if (await this.claim(organizationId, key, hash)) return this.execute(organizationId, key, work);
      const row = await this.prisma.idempotencyRecord.findUnique({ where: { organizationId_key: { organizationId, key } } });
      if (!row) continue; // the first attempt failed and let go: try to claim it ourselves
      if (row.requestHash !== hash) {
        throw new AppError("CONFLICT", "This Idempotency-Key was already used for a different request; use a new key for a new request");
      }
      if (row.state === "completed") return { status: row.responseStatus ?? 200, body: row.responseBody };
      if (Date.now() > deadline) {
        throw new AppError("CONFLICT", "The same request is still being processed; try again in a moment");
      }
      const local = this.inFlight.get(`${organizationId}\u0000${key}`);
      if (local) await local.catch(() => undefined);
      else await sleep(POLL_MS);
    }
  }

  private async claim(organizationId: string, key: string, hash: string): Promise<boolean> {
    await this.prisma.idempotencyRecord.deleteMany({ where: { organizationId, key, expiresAt: { lt: new Date() } } });
    try {
      await this.prisma.idempotencyRecord.create({
        data: { organizationId, key, requestHash: hash, expiresAt: new Date(Date.now() + TTL_MS) },
      });
      return true;
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") return false;
      throw err;
    }
  }

  private async execute(organizationId: string, key: string, work: () => Promise<StoredResponse>): Promise<StoredResponse> {
    const id = `${organizationId}\u0000${key}`;
    const running = work();
    this.inFlight.set(id, running);
    try {
      const result = await running;
      await this.prisma.idempotencyRecord.update({
        where: { organizationId_key: { organizationId, key } },
        data: { state: "completed", responseStatus: result.status, responseBody: result.body as Prisma.InputJsonValue },
      });
      return result;
    } catch (err) {
      await this.prisma.idempotencyRecord.deleteMany({ where: { organizationId, key } }).catch(() => undefined);
      throw err;
    } finally {
      this.inFlight.delete(id);
    }
  }
}
