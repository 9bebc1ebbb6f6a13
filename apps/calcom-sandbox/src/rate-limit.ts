/**
 * Cal.com's throttler as observed: a fixed 60-second window per API key (120 requests by default), and once the
 * limit is exceeded the key is blocked for 60 seconds. Reset values are seconds until the window (or block) ends.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number; blockedUntil: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  hit(key: string): { allowed: boolean; limit: number; remaining: number; resetSeconds: number } {
    const now = this.now();
    let w = this.windows.get(key);
    if (!w || (now - w.start >= this.windowMs && now >= w.blockedUntil)) {
      w = { start: now, count: 0, blockedUntil: 0 };
      this.windows.set(key, w);
    }
    if (now < w.blockedUntil) {
      return { allowed: false, limit: this.limit, remaining: 0, resetSeconds: Math.ceil((w.blockedUntil - now) / 1000) };
    }
    w.count += 1;
    if (w.count > this.limit) {
      w.blockedUntil = now + this.windowMs;
      return { allowed: false, limit: this.limit, remaining: 0, resetSeconds: Math.ceil(this.windowMs / 1000) };
    }
    return { allowed: true, limit: this.limit, remaining: this.limit - w.count, resetSeconds: Math.ceil((w.start + this.windowMs - now) / 1000) };
  }
}
