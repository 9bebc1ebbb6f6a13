import type { PrismaClient } from "../../db/prisma";
import type { SecretBox } from "../../lib/crypto";

export interface KeyRotationReport {
  /** Stored secrets looked at. */
  checked: number;
  /** Secrets re-encrypted under the current encryption key by this run. */
  rotated: number;
  /** Rows whose secret opens under none of the configured keys; left untouched. */
  unreadable: { id: string; organizationId: string }[];
  /** Organisations with a rotated secret (their cached account rows are stale). */
  organizations: string[];
}

interface SealedRow {
  id: string;
  organizationId: string;
  sealed: string;
}

/**
 * Re-encrypts every sealed value `batch` pages through (by id, after `cursor`) under the box's current key; `save`
 * writes one only if the row still holds the old ciphertext (false when it changed meanwhile).
 */
async function resealAll(
  box: SecretBox,
  batch: (cursor: string | undefined, take: number) => Promise<SealedRow[]>,
  save: (row: SealedRow, resealed: string) => Promise<boolean>,
  batchSize: number,
): Promise<KeyRotationReport> {
  const report: KeyRotationReport = { checked: 0, rotated: 0, unreadable: [], organizations: [] };
  const organizations = new Set<string>();
  for (let cursor: string | undefined; ; ) {
    const rows = await batch(cursor, batchSize);
    if (rows.length === 0) break;
    cursor = rows[rows.length - 1]?.id;
    for (const row of rows) {
      report.checked += 1;
      let resealed: string | null;
      try {
        resealed = box.reseal(row.sealed, row.organizationId);
      } catch {
        report.unreadable.push({ id: row.id, organizationId: row.organizationId });
        continue;
      }
      if (resealed !== null && (await save(row, resealed))) {
        report.rotated += 1;
        organizations.add(row.organizationId);
      }
    }
  }
  report.organizations = [...organizations];
  return report;
}

/**
 * Re-encrypts every stored Cal.com key under the box's current key (key rotation). Safe to run while the API
 * serves and to run again: a key already under the current key is skipped, and a row changed meanwhile (the
 * account reconnected) is left as the API wrote it.
 */
export function rotateStoredCalcomKeys(prisma: PrismaClient, box: SecretBox, batchSize = 200): Promise<KeyRotationReport> {
  return resealAll(
    box,
    async (cursor, take) =>
      (
        await prisma.calcomAccount.findMany({
          where: { apiKeyEncrypted: { not: null }, ...(cursor ? { id: { gt: cursor } } : {}) },
          select: { id: true, organizationId: true, apiKeyEncrypted: true },
          orderBy: { id: "asc" },
          take,
        })
      ).map((a) => ({ id: a.id, organizationId: a.organizationId, sealed: a.apiKeyEncrypted ?? "" })),
    async (row, resealed) =>
      (await prisma.calcomAccount.updateMany({ where: { id: row.id, apiKeyEncrypted: row.sealed }, data: { apiKeyEncrypted: resealed } })).count === 1,
    batchSize,
  );
}

/**
 * The same for webhook signing secrets, which are sealed like Cal.com keys: the subscriptions' (events out) and the
 * Cal.com mirror's per-account secrets (the ones Cal.com signs its deliveries to us with). One report for both.
 */
export async function rotateWebhookSecrets(prisma: PrismaClient, box: SecretBox, batchSize = 200): Promise<KeyRotationReport> {
  const subscriptions = await resealAll(
    box,
    async (cursor, take) =>
      (
        await prisma.webhookSubscription.findMany({
          where: cursor ? { id: { gt: cursor } } : {},
          select: { id: true, organizationId: true, secretEncrypted: true },
          orderBy: { id: "asc" },
          take,
        })
      ).map((w) => ({ id: w.id, organizationId: w.organizationId, sealed: w.secretEncrypted })),
    async (row, resealed) =>
      (await prisma.webhookSubscription.updateMany({ where: { id: row.id, secretEncrypted: row.sealed }, data: { secretEncrypted: resealed } })).count === 1,
    batchSize,
  );
  const mirror = await resealAll(
    box,
    async (cursor, take) =>
      (
        await prisma.calcomAccount.findMany({
          where: { webhookSecretEncrypted: { not: null }, ...(cursor ? { id: { gt: cursor } } : {}) },
          select: { id: true, organizationId: true, webhookSecretEncrypted: true },
          orderBy: { id: "asc" },
          take,
        })
      ).map((a) => ({ id: a.id, organizationId: a.organizationId, sealed: a.webhookSecretEncrypted ?? "" })),
    async (row, resealed) =>
      (await prisma.calcomAccount.updateMany({ where: { id: row.id, webhookSecretEncrypted: row.sealed }, data: { webhookSecretEncrypted: resealed } })).count === 1,
    batchSize,
  );
  return {
    checked: subscriptions.checked + mirror.checked,
    rotated: subscriptions.rotated + mirror.rotated,
    unreadable: [...subscriptions.unreadable, ...mirror.unreadable],
    organizations: [...new Set([...subscriptions.organizations, ...mirror.organizations])],
  };
}
