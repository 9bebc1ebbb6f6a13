// Re-encrypts every stored Cal.com key under the current AGNI_ENCRYPTION_KEY, reading old values with the keys in
// AGNI_ENCRYPTION_KEY_PREVIOUS. Same database settings as the API (DATABASE_URL, or PGlite under AGNI_DATA_DIR —
// stop the API first then, PGlite is single-process). Usage: npm run keys:rotate   (see README, "Rotating the
// encryption key"). Exits 1 when some key opens under none of the configured keys.
import path from "node:path";
import { loadConfig } from "../../apps/api/src/config";
import { openDatabase } from "../../apps/api/src/db/database";
import { SecretBox } from "../../apps/api/src/lib/crypto";
import { notifyOrgChanged } from "../../apps/api/src/lib/org-cache";
import { rotateStoredCalcomKeys } from "../../apps/api/src/modules/calcom/key-rotation";

const config = loadConfig(process.env);
const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.databaseUrl ? undefined : path.join(config.dataDir, "pglite") });
try {
  const report = await rotateStoredCalcomKeys(db.prisma, new SecretBox(config.encryptionKey, config.previousEncryptionKeys));
  // Running replicas drop cached account rows of these organisations (they hold the old ciphertext).
  if (db.kind === "postgres") {
    for (const org of report.organizations) await notifyOrgChanged(db.prisma, org);
  }
  console.log(`Cal.com keys checked: ${report.checked}, re-encrypted under the current key: ${report.rotated}, unreadable: ${report.unreadable.length}`);
  for (const a of report.unreadable) console.log(`  unreadable: account ${a.id} (organisation ${a.organizationId})`);
  if (report.unreadable.length > 0) {
    console.log("Add the key these were encrypted with to AGNI_ENCRYPTION_KEY_PREVIOUS and run again, or reconnect those accounts.");
    process.exitCode = 1;
  } else {
    console.log("Every stored key is under the current key; AGNI_ENCRYPTION_KEY_PREVIOUS can be removed once replicas restart.");
  }
} finally {
  await db.close();
}
