/**
 * One throttler limit as Cal.com's CustomThrottlerGuard applies it through @nestjs/throttler storage (calcom/cal.com
 * apps/api/v2/src/lib/throttler-guard.ts @ 42e7dc494dfba03e5ca5224a418c57c012bdac3e): a fixed window per tracker;
 * the hit past the limit blocks the tracker for the block duration (the window's length by default). Reset values
 * are seconds until the window (or the block) ends; remaining is 0 while blocked.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; hits: number; blockedUntil: number }>();

  constructor(
    readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number,
  ) {}

  hit(tracker: string): { blocked: boolean; limit: number; remaining: number; resetSeconds: number } {
    const now = this.now();
    let w = this.windows.get(tracker);
    if (!w || (now - w.start >= this.windowMs && now >= w.blockedUntil)) {
      w = { start: now, hits: 0, blockedUntil: 0 };
      this.windows.set(tracker, w);
    }
    const seconds = (ms: number) => Math.ceil(ms / 1000);
    if (now < w.blockedUntil) return { blocked: true, limit: this.limit, remaining: 0, resetSeconds: seconds(w.blockedUntil - now) };
    w.hits += 1;
    if (w.hits > this.limit) {
      w.blockedUntil = now + this.windowMs;
      return { blocked: true, limit: this.limit, remaining: 0, resetSeconds: seconds(this.windowMs) };
    }
    return { blocked: false, limit: this.limit, remaining: this.limit - w.hits, resetSeconds: seconds(w.start + this.windowMs - now) };
  }
}
