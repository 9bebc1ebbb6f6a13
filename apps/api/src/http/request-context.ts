import type { RequestHandler, Response } from "express";
import type { Logger } from "pino";
import { uuidv7 } from "uuidv7";

export interface RequestContext {
  requestId: string;
  logger: Logger;
}

const INCOMING_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Gives every request an id (the caller's `X-Request-Id` when well-formed), a child logger and a log line. */
export function requestContextMiddleware(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get("x-request-id");
    const requestId = incoming && INCOMING_ID.test(incoming) ? incoming : uuidv7();
    const ctx: RequestContext = { requestId, logger: logger.child({ requestId }) };
    res.locals.ctx = ctx;
    res.setHeader("X-Request-Id", requestId);
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      // Only method, path and status: never headers, bodies or query strings, which may carry secrets.
      ctx.logger.info(
        { method: req.method, path: req.path, status: res.statusCode, ms: Math.round(ms * 10) / 10, orgId: res.locals.auth?.orgId },
        "request",
      );
    });
    next();
  };
}

export function requestContext(res: Response): RequestContext {
  return res.locals.ctx as RequestContext;
}
