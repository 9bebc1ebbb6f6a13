import type { BudgetShare, RateLimitStore } from "@agni/calcom";
import type { Store } from "express-rate-limit";
import { Redis } from "ioredis";
import { RedisStore, type RedisReply } from "rate-limit-redis";

// A rolling-window log per key in a sorted set, checked and appended atomically (the rule of budgetWait in
// @agni/calcom): returns 0 when a place was taken, or the milliseconds until one frees up. Members start with the
// caller's share id and "|", so that a caller's own entries can be counted against its share.
const TAKE = `
local key = KEYS[1]
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local share = ARGV[5]
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
local wait = 0
if count >= limit then
  local oldest = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
  wait = tonumber(oldest[2]) + window - now
end
if share ~= '' then
  local shareLimit = tonumber(ARGV[6])
  local prefix = share .. '|'
  local mine = {}
  local entries = redis.call('ZRANGE', key, 0, -1, 'WITHSCORES')
  for i = 1, #entries, 2 do
    if string.sub(entries[i], 1, #prefix) == prefix then mine[#mine + 1] = tonumber(entries[i + 1]) end
  end
  if #mine >= shareLimit then wait = math.max(wait, mine[#mine - shareLimit + 1] + window - now) end
end
if wait > 0 then return math.max(1, wait) end
redis.call('ZADD', key, now, ARGV[4])
redis.call('PEXPIRE', key, window)
return 0`;

/** The Cal.com per-key request budget, shared by every API replica that points at the same Redis. */
export class RedisRateLimitStore implements RateLimitStore {
  private seq = 0;
  constructor(
    private readonly redis: Redis,
    private readonly prefix = "agni:",
  ) {}

  async take(key: string, limit: number, windowMs: number, now: number, share?: BudgetShare): Promise<number> {
    const member = `${share?.id ?? ""}|${now}:${process.pid}:${(this.seq = (this.seq + 1) % 1e9)}:${Math.random()}`;
    const wait = await this.redis.eval(TAKE, 1, this.prefix + key, now, windowMs, limit, member, share?.id ?? "", share?.limit ?? 0);
    return Number(wait);
  }
}

export interface SharedStores {
  calcom: RateLimitStore;
  api: Store;
  /** Failed authentications per client address. */
  authFailures: Store;
  close(): Promise<void>;
}

/** Rate-limit stores on Redis for a multi-replica deployment (REDIS_URL). */
export function createRedisStores(url: string): SharedStores {
  const redis = new Redis(url, { maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: false });
  const sendCommand = (command: string, ...args: string[]) => redis.call(command, ...args) as Promise<RedisReply>;
  return {
    calcom: new RedisRateLimitStore(redis),
    api: new RedisStore({ prefix: "agni:api:", sendCommand }),
    authFailures: new RedisStore({ prefix: "agni:auth-failures:", sendCommand }),
    close: async () => {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
