import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { promisify } from "node:util";
import { createSandbox, type Sandbox } from "@agni/calcom-sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../src/db/database";
import { SecretBox } from "../src/lib/crypto";
import { rotateStoredCalcomKeys, rotateWebhookSecrets } from "../src/modules/calcom/key-rotation";
import { bearer, callApi, deploymentSecrets, setUpCalendarAgent, startApiProcess } from "./support/api-process";
import { createTestDatabase, TEST_DATABASE_KIND } from "./support/test-database";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const key = () => randomBytes(32);

describe(`encryption key rotation (${TEST_DATABASE_KIND})`, () => {
  let db: Database;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.close());

  it("re-encrypts every readable stored key under the new key, once, and reports the ones it cannot open", async () => {
    const [oldKey, newKey, strangerKey] = [key(), key(), key()];
    const orgs = [`org-rot-a-${Date.now()}`, `org-rot-b-${Date.now()}`];
    for (const id of orgs) await db.prisma.organization.create({ data: { id } });
    const seal = (k: Buffer, secret: string, org: string) => new SecretBox(k).encrypt(secret, org);
    const account = (organizationId: string, apiKeyEncrypted: string | null) =>
      db.prisma.calcomAccount.create({ data: { organizationId, kind: "org", apiKeyEncrypted, apiKeyMasked: "cal_…" } });
    const a = await account(orgs[0]!, seal(oldKey, "cal_live_a", orgs[0]!));
    const b = await account(orgs[1]!, seal(oldKey, "cal_live_b", orgs[1]!));
    const already = await account(orgs[1]!, seal(newKey, "cal_live_c", orgs[1]!));
    const lost = await account(orgs[1]!, seal(strangerKey, "cal_live_d", orgs[1]!));
    await account(orgs[0]!, null); // disconnected: nothing to rotate

    const rotating = new SecretBox(newKey, [oldKey]);
    const report = await rotateStoredCalcomKeys(db.prisma, rotating, 2); // small batches: the cursor walks them all
    expect(report).toMatchObject({ checked: 4, rotated: 2, unreadable: [{ id: lost.id, organizationId: orgs[1] }] });
    expect(report.organizations.sort()).toEqual([...orgs].sort());

    const stored = async (id: string) => (await db.prisma.calcomAccount.findUniqueOrThrow({ where: { id } })).apiKeyEncrypted!;
    const onlyNew = new SecretBox(newKey);
    expect(onlyNew.decrypt(await stored(a.id), orgs[0]!)).toBe("cal_live_a");
    expect(onlyNew.decrypt(await stored(b.id), orgs[1]!)).toBe("cal_live_b");
    expect(await stored(already.id)).toBe(already.apiKeyEncrypted);
    expect(await stored(lost.id)).toBe(lost.apiKeyEncrypted);
    const rotatedA = await stored(a.id);
    expect(() => new SecretBox(oldKey).decrypt(rotatedA, orgs[0]!)).toThrow();

    const again = await rotateStoredCalcomKeys(db.prisma, rotating);
    expect(again).toMatchObject({ checked: 4, rotated: 0, organizations: [] });
  });

  it("re-encrypts webhook signing secrets the same way", async () => {
    const [oldKey, newKey] = [key(), key()];
    const org = `org-rot-w-${Date.now()}`;
    await db.prisma.organization.create({ data: { id: org } });
    const hook = (secret: string, k: Buffer) =>
      db.prisma.webhookSubscription.create({ data: { organizationId: org, url: "https://crm.example.com/h", events: ["appointment.booked"], secretEncrypted: new SecretBox(k).encrypt(secret, org) } });
    const old = await hook("whsec_old", oldKey);
    const lost = await hook("whsec_lost", key());
    const report = await rotateWebhookSecrets(db.prisma, new SecretBox(newKey, [oldKey]), 1);
    expect(report).toMatchObject({ checked: 2, rotated: 1, unreadable: [{ id: lost.id, organizationId: org }], organizations: [org] });
    const stored = await db.prisma.webhookSubscription.findUniqueOrThrow({ where: { id: old.id } });
    expect(new SecretBox(newKey).decrypt(stored.secretEncrypted, org)).toBe("whsec_old");
  });

  it("re-encrypts the Cal.com mirror's per-account webhook secrets too", async () => {
    const [oldKey, newKey] = [key(), key()];
    const org = `org-rot-m-${Date.now()}`;
    await db.prisma.organization.create({ data: { id: org } });
    const account = await db.prisma.calcomAccount.create({
      data: { organizationId: org, kind: "org", accountName: "Mirror", webhookSecretEncrypted: new SecretBox(oldKey).encrypt("mirror-secret", org) },
    });
    const report = await rotateWebhookSecrets(db.prisma, new SecretBox(newKey, [oldKey]));
    expect(report).toMatchObject({ rotated: 1, organizations: [org] });
    const stored = await db.prisma.calcomAccount.findUniqueOrThrow({ where: { id: account.id } });
    expect(new SecretBox(newKey).decrypt(stored.webhookSecretEncrypted!, org)).toBe("mirror-secret");
  });
});

// The documented procedure, end to end with the built API and `npm run keys:rotate` as real processes.
describe.skipIf(TEST_DATABASE_KIND !== "postgres")("rotating the key of a running deployment", () => {
  let db: Database & { url?: string };
  let sandbox: Sandbox;
  let sandboxServer: { url: string; close(): Promise<void> };
  beforeAll(async () => {
    db = await createTestDatabase();
    sandbox = createSandbox();
    sandboxServer = await sandbox.listen(0, "127.0.0.1");
  });
  afterAll(async () => {
    await sandboxServer?.close();
    await db?.close();
  });

  it("old key → new key with the old one as previous → keys:rotate → new key alone, bookings work throughout", async () => {
    const secrets = deploymentSecrets();
    const oldKey = secrets.AGNI_ENCRYPTION_KEY;
    const newKey = key().toString("base64");
    const auth = await bearer(secrets.AGNI_JWT_SECRET, `org-rotation-${Date.now()}`);
    const withApi = async <T>(encryption: Record<string, string>, fn: (url: string) => Promise<T>) => {
      const p = await startApiProcess({ ...secrets, ...encryption, DATABASE_URL: db.url });
      try {
        return await fn(p.url);
      } finally {
        p.child.kill("SIGTERM");
        await p.exited;
      }
    };
    const suggest = (url: string, agentId: string) =>
      callApi(url, auth, "POST", "/api/v1/calcom/appointments/manage", { action: "suggest", agent_id: agentId, timezone: "UTC" });

    const { agent, apiKey } = await withApi({ AGNI_ENCRYPTION_KEY: oldKey }, (url) =>
      setUpCalendarAgent(url, auth, { it: sandbox, url: sandboxServer.url }, "Rotating", ["suggest"]),
    );
    const agentId = agent.id;

    const transition = { AGNI_ENCRYPTION_KEY: newKey, AGNI_ENCRYPTION_KEY_PREVIOUS: oldKey };
    await withApi(transition, async (url) => expect(await suggest(url, agentId)).toMatchObject({ status: 200 }));

    const run = await promisify(execFile)(process.execPath, [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), "--conditions", "agni-source", "tools/src/keys-rotate.ts"], {
      cwd: ROOT,
      env: { ...process.env, ...secrets, ...transition, DATABASE_URL: db.url, NODE_ENV: "production", AGNI_PUBLIC_URL: "https://agni.test" },
    });
    expect(run.stdout).toContain("checked: 1, re-encrypted under the current key: 1, unreadable: 0");
    expect(run.stdout).not.toContain(apiKey);

    await withApi({ AGNI_ENCRYPTION_KEY: newKey }, async (url) => {
      const answer = await suggest(url, agentId);
      expect(answer.status).toBe(200);
      expect(answer.body.data.slot_times.length).toBeGreaterThan(0);
    });
    // The old key alone no longer opens it: a clear answer naming the cause, not a 500.
    await withApi({ AGNI_ENCRYPTION_KEY: oldKey }, async (url) => {
      const answer = await suggest(url, agentId);
      expect(answer.body).toMatchObject({ success: false, code: "NOT_CONNECTED" });
      expect(JSON.stringify(answer.body)).toContain("AGNI_ENCRYPTION_KEY_PREVIOUS");
    });
  }, 60_000);
});
