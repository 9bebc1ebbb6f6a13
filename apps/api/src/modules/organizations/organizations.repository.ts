import type { PrismaClient } from "../../db/prisma";

const MAX_REMEMBERED = 10_000;

/** Creates organisation rows on first use; remembers the ones it has seen so the hot path skips the write. */
export class OrganizationsRepository {
  private readonly known = new Set<string>();

  constructor(private readonly prisma: PrismaClient) {}

  async ensure(id: string): Promise<void> {
    if (this.known.has(id)) return;
    await this.prisma.organization.createMany({ data: [{ id }], skipDuplicates: true });
    if (this.known.size >= MAX_REMEMBERED) this.known.clear();
    this.known.add(id);
  }
}
