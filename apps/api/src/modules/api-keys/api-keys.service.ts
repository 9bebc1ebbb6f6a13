import { randomBytes } from "node:crypto";
import { API_KEY_PREFIX, type ApiKey } from "@agni/contracts";
import type { ApiKey as ApiKeyRow } from "../../db/prisma";
import { notFound } from "../../errors/app-error";
import { sha256Hex } from "../../lib/crypto";
import type { ApiKeysRepository } from "./api-keys.repository";

const TOUCH_INTERVAL_MS = 60_000;
const KEY_SHAPE = /^agni_[A-Za-z0-9_-]{43}$/;

export function toApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

export class ApiKeysService {
  constructor(private readonly repo: ApiKeysRepository) {}

  /** Creates a key and returns its secret; only the hash is stored. */
  async create(organizationId: string, name: string) {
    const key = `${API_KEY_PREFIX}${randomBytes(32).toString("base64url")}`;
    const row = await this.repo.create({ organizationId, name, prefix: key.slice(0, 12), hash: sha256Hex(key) });
    return { ...toApiKey(row), key };
  }

  async list(organizationId: string, limit: number, offset: number) {
    const { items, total } = await this.repo.list(organizationId, limit, offset);
    return { items: items.map(toApiKey), total };
  }

  /** Revoking is idempotent: a key revoked earlier keeps its first revocation time. */
  async revoke(organizationId: string, id: string) {
    const row = await this.repo.findById(organizationId, id);
    if (!row) throw notFound("API key");
    return toApiKey(row.revokedAt ? row : await this.repo.revoke(row.id, new Date()));
  }

  /** Resolves a presented key to its organisation, or null when unknown, malformed or revoked. */
  async authenticate(key: string): Promise<{ id: string; organizationId: string } | null> {
    if (!KEY_SHAPE.test(key)) return null;
    const row = await this.repo.findActiveByHash(sha256Hex(key));
    if (!row) return null;
    const now = new Date();
    if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > TOUCH_INTERVAL_MS) {
      await this.repo.touch(row.id, now);
    }
    return { id: row.id, organizationId: row.organizationId };
  }
}
