import pg from "pg";
import type { Logger } from "pino";
import type { InvalidationBus } from "../lib/org-cache";
import type { PrismaClient } from "./prisma";

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
