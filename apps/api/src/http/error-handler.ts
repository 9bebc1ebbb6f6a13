import type { ErrorEnvelope } from "@agni/contracts";
import { RequestValidationError } from "@ts-rest/express";
import type { ErrorRequestHandler, RequestHandler } from "express";
import type { ZodError } from "zod";
import { databaseError } from "../db/errors";
import { AppError } from "../errors/app-error";
import { requestContext } from "./request-context";

type Issue = { location: string; path: string; message: string };

function issuesOf(location: string, error: ZodError | null): Issue[] {
  if (!error) return [];
  return error.issues.map((i) => ({ location, path: i.path.join("."), message: i.message }));
}

function describe(issue: Issue): string {
  // Our schemas phrase most messages with the field name already ("agent_id must be a UUID").
  if (!issue.path || issue.message.startsWith(issue.path.split(".")[0] ?? "")) return issue.message;
  if (issue.message === "Required") return `${issue.path} is required`;
  return `${issue.path}: ${issue.message}`;
}

/** Maps ts-rest request validation failures (path, query, body) to one 400 envelope. */
export function validationError(err: RequestValidationError): AppError {
  const issues = [
    ...issuesOf("path", err.pathParams),
    ...issuesOf("query", err.query),
    ...issuesOf("header", err.headers),
    ...issuesOf("body", err.body),
  ];
  const message = issues.length > 0 ? issues.map(describe).join("; ") : "Invalid request";
  return new AppError("INVALID_REQUEST", message, { issues });
}

interface HttpLikeError {
  type?: string;
  status?: number;
  statusCode?: number;
  expose?: boolean;
}

/** Errors raised by body-parser before our handlers run. */
function bodyParserError(err: HttpLikeError): AppError | null {
  switch (err.type) {
    case "entity.parse.failed":
      return new AppError("INVALID_REQUEST", "Malformed JSON body");
    case "entity.too.large":
      return new AppError("PAYLOAD_TOO_LARGE", "Request body is too large");
    case "encoding.unsupported":
    case "charset.unsupported":
      return new AppError("UNSUPPORTED_MEDIA_TYPE", "Unsupported body encoding");
    case "request.aborted":
    case "request.size.invalid":
    case "stream.encoding.set":
      return new AppError("INVALID_REQUEST", "Incomplete or invalid request body");
    default:
      return null;
  }
}

/** Turns anything thrown into the error envelope; unknown errors become a logged 500 without internals. */
export const errorHandler: ErrorRequestHandler = (err, req, res, next) => {
  if (res.headersSent) return next(err);
  const appError =
    err instanceof AppError
      ? err
      : err instanceof RequestValidationError
        ? validationError(err)
        : err instanceof URIError
          ? new AppError("INVALID_REQUEST", "The URL path is not valid percent-encoded UTF-8")
          : (bodyParserError(err as HttpLikeError) ?? databaseError(err));
  const ctx = requestContext(res);
  if (!appError) {
    ctx.logger.error({ err }, "unhandled error");
  } else if (appError.status >= 500) {
    ctx.logger.error({ code: appError.code, message: appError.message }, "request failed");
  }
  const envelope = appError ?? new AppError("INTERNAL_ERROR", "Internal server error");
  const body: ErrorEnvelope = {
    success: false,
    message: envelope.message,
    code: envelope.code,
    ...(envelope.details === undefined ? {} : { details: envelope.details }),
    request_id: ctx.requestId,
  };
  if (envelope.retryAfterSeconds !== undefined) res.setHeader("Retry-After", String(envelope.retryAfterSeconds));
  res.status(envelope.status).json(body);
};

/** Fallback for routes nothing matched. */
export const notFoundHandler: RequestHandler = (req, res) => {
  const body: ErrorEnvelope = {
    success: false,
    message: `Route ${req.method} ${req.path} not found`,
    code: "NOT_FOUND",
    request_id: requestContext(res).requestId,
  };
  res.status(404).json(body);
};
