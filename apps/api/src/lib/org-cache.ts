import type { Request, RequestHandler, Response } from "express";
import pg from "pg";
import type { Logger } from "pino";
import type { PrismaClient } from "../db/prisma";

/**
 * Tells every API replica that an organisation's data changed. `publish` reaches the others (and may echo back);
 * `subscribe` receives organisation ids, or null when notifications may have been missed (drop everything).
 */
export interface InvalidationBus {
  publish(orgId: string): Promise<void>;
  subscribe(listener: (orgId: string | null) => void): void;
  /** False while the bus cannot guarantee delivery; the cache then serves nothing. */
  healthy(): boolean;
  close(): Promise<void>;
}

interface OrgEntries {
  generation: number;
  entries: Map<string, { value: unknown; expires: number }>;
}

/**
 * Read-through cache of per-organisation reads on the hot path of a call (an agent's effective Cal.com account,
 * its calendar tool). Any write by an organisation drops all of that organisation's entries, here at once and on
 * the other replicas through the bus; a read that raced a write is not stored (generation check); entries also
 * expire after `ttlMs` as a last resort.
 */
export class OrgCache {
  private orgs = new Map<string, OrgEntries>();
  private size = 0;

  constructor(
    private readonly options: {
      ttlMs?: number;
      maxEntries?: number;
      bus?: InvalidationBus;
      /** The clock that entries expire by (milliseconds since the epoch); tests pass their own. */
      now?: () => number;
    } = {},
  ) {
    options.bus?.subscribe((orgId) => (orgId === null ? this.clear() : this.invalidate(orgId)));
  }

  async get<T>(orgId: string, key: string, load: () => Promise<T>): Promise<T> {
    if (this.options.bus && !this.options.bus.healthy()) return load();
    let org = this.orgs.get(orgId);
    if (!org) this.orgs.set(orgId, (org = { generation: 0, entries: new Map() }));
    const hit = org.entries.get(key);
    if (hit && hit.expires > this.now()) return hit.value as T;
    const generation = org.generation;
    const value = await load();
    if (this.orgs.get(orgId) === org && org.generation === generation) {
      if (this.size >= (this.options.maxEntries ?? 50_000)) this.clear();
      else {
        if (!org.entries.has(key)) this.size += 1;
        org.entries.set(key, { value, expires: this.now() + (this.options.ttlMs ?? 30_000) });
      }
    }
    return value;
  }

  private now(): number {
    return this.options.now ? this.options.now() : Date.now();
  }

  invalidate(orgId: string): void {
    const org = this.orgs.get(orgId);
    if (!org) return;
    org.generation += 1;
    this.size -= org.entries.size;
    org.entries.clear();
  }

  /** Drops everything; loads in flight are not stored either. */
  clear(): void {
    this.orgs = new Map();
    this.size = 0;
  }

  /** Called for every write an organisation makes: drop here, then tell the other replicas. */
  async changed(orgId: string): Promise<void> {
    this.invalidate(orgId);
    await this.options.bus?.publish(orgId);
  }
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * After authentication: a request that may write (any method but GET/HEAD/OPTIONS) invalidates its organisation's
 * cache entries before it runs and again just before its answer leaves, so the caller's next read sees the write.
 */
export function invalidateOnWrite(
  cache: OrgCache,
  orgOf: (res: Response) => string,
  logger: Logger,
  /** Requests known to write nothing that is cached (they invalidate what they change themselves). */
  exempt: (req: Request) => boolean = () => false,
): RequestHandler {
  return (req, res, next) => {
    if (SAFE_METHODS.has(req.method) || exempt(req)) return next();
    const orgId = orgOf(res);
    cache.invalidate(orgId);
    const end = res.end.bind(res) as (...args: unknown[]) => Response;
    res.end = ((...args: unknown[]) => {
      cache.changed(orgId).catch((err: unknown) => logger.warn({ err }, "cache invalidation could not be published"));
      return end(...args);
    }) as Response["end"];
    next();
  };
}

/** Tells every replica listening on this PostgreSQL database that an organisation's data changed. */
export const notifyOrgChanged = (prisma: PrismaClient, orgId: string) =>
  prisma.$executeRaw`SELECT pg_notify(${PgInvalidationBus.CHANNEL}, ${orgId})`;

/** Invalidation through PostgreSQL LISTEN/NOTIFY: every replica on the same database hears every write. */
export class PgInvalidationBus implements InvalidationBus {
  static readonly CHANNEL = "agni_cache";
  private client: pg.Client | null = null;
  private listeners: ((orgId: string | null) => void)[] = [];
  private connected = false;
  private closed = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly connectionString: string,
    private readonly notify: (orgId: string) => Promise<unknown>,
    private readonly logger?: Pick<Logger, "warn">,
  ) {}

  /** Connects and listens; keeps retrying in the background when the database is away. */
  async start(): Promise<void> {
    try {
      const client = new pg.Client({ connectionString: this.connectionString });
      client.on("notification", ({ payload }) => {
        if (payload) this.listeners.forEach((l) => l(payload));
      });
      client.on("error", () => this.lost(client));
      client.on("end", () => this.lost(client));
      await client.connect();
      await client.query(`LISTEN ${PgInvalidationBus.CHANNEL}`);
      this.client = client;
      this.connected = true;
    } catch (err) {
      this.logger?.warn({ err: (err as Error).message }, "cache invalidation channel unavailable; caching is off until it returns");
      this.scheduleRetry();
    }
  }

  private lost(client: pg.Client) {
    if (this.client !== client) return;
    this.client = null;
    this.connected = false;
    this.listeners.forEach((l) => l(null)); // anything may have changed meanwhile
    client.end().catch(() => undefined);
    this.scheduleRetry();
  }

  private scheduleRetry() {
    if (this.closed || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      void this.start();
    }, 1_000);
    this.retry.unref();
  }

  healthy(): boolean {
    return this.connected;
  }

  subscribe(listener: (orgId: string | null) => void): void {
    this.listeners.push(listener);
  }

  async publish(orgId: string): Promise<void> {
    await this.notify(orgId);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = null;
    this.connected = false;
    await client?.end().catch(() => undefined);
  }
}
