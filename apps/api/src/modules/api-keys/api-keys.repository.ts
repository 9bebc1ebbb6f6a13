import type { PrismaClient } from "../../db/prisma";

export class ApiKeysRepository {
  constructor(private readonly prisma: PrismaClient) {}

  create(data: { organizationId: string; name: string; prefix: string; hash: string }) {
    return this.prisma.apiKey.create({ data });
  }

  findActiveByHash(hash: string) {
    return this.prisma.apiKey.findFirst({ where: { hash, revokedAt: null } });
  }

  async list(organizationId: string, limit: number, offset: number) {
    const where = { organizationId };
    const [items, total] = await this.prisma.$transaction([
      this.prisma.apiKey.findMany({ where, orderBy: [{ createdAt: "asc" }, { id: "asc" }], take: limit, skip: offset }),
      this.prisma.apiKey.count({ where }),
    ]);
    return { items, total };
  }

  findById(organizationId: string, id: string) {
    return this.prisma.apiKey.findFirst({ where: { id, organizationId } });
  }

  revoke(id: string, at: Date) {
    return this.prisma.apiKey.update({ where: { id }, data: { revokedAt: at } });
  }

  touch(id: string, at: Date) {
    return this.prisma.apiKey.update({ where: { id }, data: { lastUsedAt: at } });
  }
}
