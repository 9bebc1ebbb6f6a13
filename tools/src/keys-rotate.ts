// Re-encrypts every stored Cal.com key under the current AGNI_ENCRYPTION_KEY, reading old values with the keys in
// AGNI_ENCRYPTION_KEY_PREVIOUS. Same database settings as the API (DATABASE_URL, or PGlite under AGNI_DATA_DIR —
// stop the API first then, PGlite is single-process). Usage: npm run keys:rotate   (see README, "Rotating the
// encryption key"). Exits 1 when some key opens under none of the configured keys.
import { rotateEncryptionKeys } from "@agni/api/ops";

const report = await rotateEncryptionKeys(process.env);
console.log(`Cal.com keys checked: ${report.checked}, re-encrypted under the current key: ${report.rotated}, unreadable: ${report.unreadable.length}`);
for (const a of report.unreadable) console.log(`  unreadable: account ${a.id} (organisation ${a.organizationId})`);
const hooks = report.webhookSecrets;
console.log(`Webhook secrets checked: ${hooks.checked}, re-encrypted under the current key: ${hooks.rotated}, unreadable: ${hooks.unreadable.length}`);
for (const w of hooks.unreadable) console.log(`  unreadable: webhook ${w.id} (organisation ${w.organizationId})`);
if (report.unreadable.length + hooks.unreadable.length > 0) {
  console.log("Add the key these were encrypted with to AGNI_ENCRYPTION_KEY_PREVIOUS and run again, or reconnect those accounts (and recreate those webhooks).");
  process.exitCode = 1;
} else {
  console.log("Every stored key is under the current key; AGNI_ENCRYPTION_KEY_PREVIOUS can be removed once replicas restart.");
}
