import type { PrismaClient } from "../../db/prisma";

/** What the slot cache reads: an account's calendar version (its primary key: one indexed read). */
export class SlotsRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** Null when the account is gone (nothing is cached for it then). */
  async calendarVersion(accountId: string): Promise<number | null> {
    const row = await this.prisma.calcomAccount.findUnique({ where: { id: accountId }, select: { calendarVersion: true } });
    return row?.calendarVersion ?? null;
  }
}
