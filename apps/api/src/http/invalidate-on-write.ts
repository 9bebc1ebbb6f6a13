import type { Request, RequestHandler, Response } from "express";
import type { Logger } from "pino";
import type { OrgCache } from "../lib/org-cache";

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
