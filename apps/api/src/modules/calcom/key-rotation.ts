import type { PrismaClient } from "../../db/prisma";
import type { SecretBox } from "../../lib/crypto";

export interface KeyRotationReport {
  /** Stored Cal.com keys looked at. */
  checked: number;
  /** Keys re-encrypted under the current encryption key by this run. */
  rotated: number;
  /** Accounts whose key opens under none of the configured keys; left untouched. */
  unreadable: { id: string; organizationId: string }[];
  /** Organisations with a rotated key (their cached account rows are stale). */
  organizations: string[];
}

/**
 * Re-encrypts every stored Cal.com key under the box's current key (key rotation). Safe to run while the API
 * serves and to run again: a key already under the current key is skipped, and a row changed meanwhile (the
 * account reconnected) is left as the API wrote it.
 */
export async function rotateStoredCalcomKeys(prisma: PrismaClient, box: SecretBox, batchSize = 200): Promise<KeyRotationReport> {
  const report: KeyRotationReport = { checked: 0, rotated: 0, unreadable: [], organizations: [] };
  const organizations = new Set<string>();
  for (let cursor: string | undefined; ; ) {
    const batch = await prisma.calcomAccount.findMany({
      where: { apiKeyEncrypted: { not: null }, ...(cursor ? { id: { gt: cursor } } : {}) },
      select: { id: true, organizationId: true, apiKeyEncrypted: true },
      orderBy: { id: "asc" },
      take: batchSize,
    });
    if (batch.length === 0) break;
    cursor = batch[batch.length - 1].id;
    for (const account of batch) {
      if (account.apiKeyEncrypted === null) continue; // the query leaves these out; this tells the type
      report.checked += 1;
      let resealed: string | null;
      try {
        resealed = box.reseal(account.apiKeyEncrypted, account.organizationId);
      } catch {
        report.unreadable.push({ id: account.id, organizationId: account.organizationId });
        continue;
      }
      if (resealed === null) continue;
      const { count } = await prisma.calcomAccount.updateMany({
        where: { id: account.id, apiKeyEncrypted: account.apiKeyEncrypted },
        data: { apiKeyEncrypted: resealed },
      });
      if (count === 1) {
        report.rotated += 1;
        organizations.add(account.organizationId);
      }
    }
  }
  report.organizations = [...organizations];
  return report;
}
