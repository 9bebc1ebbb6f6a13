import { LRUCache } from "lru-cache";

/**
 * Whose free slots: one event type on one Cal.com account (at one length). The caller's time zone is not part of it:
 * Cal.com reads `start` and `end` as UTC instants (calcom/cal.com apps/api/v2/src/modules/slots/slots-2024-09-04/
 * services/slots-input.service.ts @ 5b6d63e6300b8d930530b1b876d556a12fcfbd96) and `timeZone` re-renders the same
 * instants (slots-output.service.ts @ 741e51d2e35607058bbcab7e46e67c7a842cdb00), which the API flattens to instants.
 */
export interface SlotKey {
  accountId: string;
  eventTypeId: number;
  duration?: number;
}

/** Free start times between `start` and `end`, and when Cal.com was asked for them. */
export interface FreeSlots {
  starts: Date[];
  asOf: Date;
}

/** Asks Cal.com for the free start times in [start, end]. */
export type SlotFetch = (window: { start: Date; end: Date }) => Promise<Date[]>;

export interface SlotCacheOptions {
  /** How long fetched slots may be served; 0 turns the cache off (every answer asks Cal.com). Default 60 s. */
  ttlMs?: number;
  /** The account's calendar version: bumped with every change of one of its appointments, on any replica. */
  version: (accountId: string) => Promise<number | null>;
  /** Entries kept (least recently used go first); default 5 000. */
  maxEntries?: number;
  /** Milliseconds since the epoch; tests pass their own clock. */
  now?: () => number;
  /** Told when a background refresh fails (the entry is served until it expires). */
  onRefreshError?: (err: unknown) => void;
}

interface Entry {
  version: number;
  starts: Date[];
  asOf: number;
}

const DAY = 86_400_000;
/**
 * Every entry covers whole UTC days from today: WINDOW_DAYS of them, or a multiple when a request reaches further.
 * 16 days hold "the next 7 days" (or up to 15) in any zone (±14 h), so a conversation's suggest and availability
 * calls, in whatever zone and range, share one entry.
 */
export const WINDOW_DAYS = 16;
/** Share of the TTL after which a hit also refreshes the entry in the background. */
const REFRESH_AT = 0.75;

/**
 * Free slots per (account, event type, length), served from memory while the account's calendar version is the one
 * read before they were fetched and they are younger than the TTL. Every request reads the version (one indexed
 * read), so a booking, reschedule or cancel applied on any replica (our own, or seen from Cal.com) makes the next
 * answer ask Cal.com again. A hit past 75 % of the TTL refreshes in the background; concurrent misses of one entry
 * share one Cal.com call.
 */
export class SlotCache {
  private readonly entries: LRUCache<string, Entry>;
  /** Fetches in flight, by entry key and the version they were read at. */
  private readonly flights = new Map<string, Promise<Entry>>();
  /** Entries being refreshed in the background. */
  private readonly refreshing = new Set<string>();
  private readonly ttlMs: number;

  constructor(private readonly options: SlotCacheOptions) {
    this.ttlMs = options.ttlMs ?? 60_000;
    this.entries = new LRUCache({ max: options.maxEntries ?? 5_000 });
  }

  private now(): number {
    return this.options.now ? this.options.now() : Date.now();
  }

  /** The free slots in `range` (whose start is never before now), from memory when still true, else from `fetch`. */
  async get(key: SlotKey, range: { start: Date; end: Date }, fetch: SlotFetch): Promise<FreeSlots> {
    if (this.ttlMs <= 0) {
      const asOf = new Date(this.now());
      return { starts: await fetch(range), asOf };
    }
    const window = this.windowFor(range);
    const id = `${key.accountId}|${key.eventTypeId}|${key.duration ?? ""}|${window.end.getTime()}`;
    const version = await this.options.version(key.accountId);
    if (version === null) return { starts: await fetch(range), asOf: new Date(this.now()) };
    let entry = this.entries.get(id);
    const age = entry ? this.now() - entry.asOf : 0;
    if (entry && entry.version === version && age < this.ttlMs) {
      if (age >= this.ttlMs * REFRESH_AT) this.refresh(id, key.accountId, window, fetch);
    } else {
      entry = await this.load(id, version, window, fetch);
    }
    return { starts: entry.starts.filter((d) => d >= range.start && d <= range.end), asOf: new Date(entry.asOf) };
  }

  /** Drops what is held for an account: Cal.com refused a time these slots offered, so they are stale. */
  forget(accountId: string): void {
    for (const id of [...this.entries.keys()]) if (id.startsWith(`${accountId}|`)) this.entries.delete(id);
  }

  /**
   * From the range's start (now: Cal.com offers nothing earlier, and later requests want nothing earlier) to the end
   * of whole UTC days from today, WINDOW_DAYS at a time. The window's end names the entry.
   */
  private windowFor(range: { start: Date; end: Date }): { start: Date; end: Date } {
    const today = Math.floor(this.now() / DAY) * DAY;
    const spans = Math.max(1, Math.ceil((range.end.getTime() + 1 - today) / (WINDOW_DAYS * DAY)));
    return { start: range.start, end: new Date(today + spans * WINDOW_DAYS * DAY - 1) };
  }

  /** One fetch per entry and version at a time; its result is kept unless a newer one is already there. */
  private load(id: string, version: number, window: { start: Date; end: Date }, fetch: SlotFetch): Promise<Entry> {
    const flight = `${id}@${version}`;
    const running = this.flights.get(flight);
    if (running) return running;
    const asOf = this.now();
    const promise = fetch(window)
      .then((starts) => {
        const entry: Entry = { version, starts, asOf };
        const held = this.entries.get(id);
        if (!held || held.version < version || (held.version === version && held.asOf <= asOf)) this.entries.set(id, entry);
        return entry;
      })
      .finally(() => this.flights.delete(flight));
    this.flights.set(flight, promise);
    return promise;
  }

  /** Refetches in the background, once at a time: the version is read again first, so the new entry is tagged truly. */
  private refresh(id: string, accountId: string, window: { start: Date; end: Date }, fetch: SlotFetch): void {
    if (this.refreshing.has(id)) return;
    this.refreshing.add(id);
    void this.options
      .version(accountId)
      .then((version) => (version === null ? undefined : this.load(id, version, window, fetch)))
      .catch((err: unknown) => this.options.onRefreshError?.(err))
      .finally(() => this.refreshing.delete(id));
  }
}
