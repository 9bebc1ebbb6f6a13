import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../src/db/database";
import { sweepExpiredRows } from "../src/housekeeping";
import { PgRateLimitStore } from "../src/modules/calcom/calcom-budgets.repository";
import { createTestDatabase, TEST_DATABASE_KIND } from "./support/test-database";

describe(`housekeeping (${TEST_DATABASE_KIND})`, () => {
  let db: Database;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db?.close());

  it("removes expired answers, long-dead claims and idle Cal.com budgets, and keeps everything still in use", async () => {
    const now = new Date();
    const at = (ms: number) => new Date(now.getTime() + ms);
    const hour = 3_600_000;
    const record = (key: string, state: "completed" | "in_progress", expiresAt: Date) => ({ organizationId: "org_hk", key, requestHash: "h", state, expiresAt });
    await db.prisma.idempotencyRecord.createMany({
      data: [
        record("answer-expired", "completed", at(-1_000)),
        record("answer-fresh", "completed", at(hour)),
        record("claim-live", "in_progress", at(5_000)),
        // Its owner died a minute ago: a retry must still find it to recover instead of booking twice.
        record("claim-dead-recently", "in_progress", at(-60_000)),
        record("claim-dead-long-ago", "in_progress", at(-25 * hour)),
      ],
    });
    const store = new PgRateLimitStore(db.prisma);
    await store.take("calcom:idle", 120, 60_000, now.getTime() - 2 * hour);
    await store.take("calcom:busy", 120, 60_000, now.getTime() - 10_000);

    expect(await sweepExpiredRows(db.prisma, now)).toEqual({ idempotencyRecords: 2, calcomBudgets: 1, appointmentEvents: 0 });
    const keys = (await db.prisma.idempotencyRecord.findMany({ select: { key: true } })).map((r) => r.key).sort();
    expect(keys).toEqual(["answer-fresh", "claim-dead-recently", "claim-live"]);
    expect((await db.prisma.calcomBudget.findMany({ select: { key: true } })).map((b) => b.key)).toEqual(["calcom:busy"]);

    // A swept key starts a fresh budget; a second sweep finds nothing more.
    expect(await store.take("calcom:idle", 120, 60_000, now.getTime())).toBe(0);
    expect(await sweepExpiredRows(db.prisma, now)).toEqual({ idempotencyRecords: 0, calcomBudgets: 0, appointmentEvents: 0 });
  });

  it("removes appointment events past 30 days whose deliveries have all finished, with their deliveries and attempts", async () => {
    const now = new Date();
    const day = 86_400_000;
    const org = `org_hk_events_${Date.now()}`;
    await db.prisma.organization.create({ data: { id: org } });
    const sub = await db.prisma.webhookSubscription.create({ data: { organizationId: org, url: "https://crm.example.com/h", events: ["appointment.booked"], secretEncrypted: "v1:x:y:z" } });
    const event = async (ageDays: number, status: "pending" | "succeeded" | "failed" | null) => {
      const e = await db.prisma.appointmentEvent.create({
        data: { organizationId: org, type: "appointment.booked", appointmentId: crypto.randomUUID(), payload: {}, createdAt: new Date(now.getTime() - ageDays * day) },
      });
      if (status) {
        const d = await db.prisma.webhookDelivery.create({ data: { subscriptionId: sub.id, eventId: e.id, status } });
        await db.prisma.webhookDeliveryAttempt.create({ data: { deliveryId: d.id, at: e.createdAt, statusCode: 500, durationMs: 5 } });
      }
      return e.id;
    };
    const [oldDone, oldFailed, oldBare, oldPending, recent] = [await event(31, "succeeded"), await event(40, "failed"), await event(31, null), await event(31, "pending"), await event(29, "succeeded")];
    expect((await sweepExpiredRows(db.prisma, now)).appointmentEvents).toBe(3);
    const left = (await db.prisma.appointmentEvent.findMany({ where: { organizationId: org }, select: { id: true } })).map((e) => e.id).sort();
    expect(left).toEqual([oldPending, recent].sort());
    expect([oldDone, oldFailed, oldBare].every((id) => !left.includes(id))).toBe(true);
    expect(await db.prisma.webhookDelivery.count({ where: { subscriptionId: sub.id } })).toBe(2);
    expect(await db.prisma.webhookDeliveryAttempt.count({ where: { delivery: { subscriptionId: sub.id } } })).toBe(2);
  });
});
