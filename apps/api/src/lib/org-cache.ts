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
