import type { ErrorEnvelope } from "@agni/contracts";
import { RequestValidationError } from "@ts-rest/express";
import type { ErrorRequestHandler, RequestHandler } from "express";
import type { ZodError } from "zod";
import { AppError } from "./app-error";
import { requestContext } from "./request-context";

type Issue = { location: string; path: string; message: string };

function issuesOf(location: string, error: ZodError | null): Issue[] {
  if (!error) return [];
  return error.issues.map((i) => ({ location, path: i.path.join("."), message: i.message }));
}

function describe(issue: Issue): string {
  // Our schemas phrase most messages with the field name already ("agent_id must be a UUID").
  if (!issue.path || issue.message.startsWith(issue.path.split(".")[0]!)) return issue.message;
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

/** Prisma's known request errors, matched by code (never by message). */
function prismaError(err: unknown): AppError | null {
  const code = (err as { code?: unknown; name?: string })?.code;
  if (typeof code !== "string" || !/^P\d{4}$/.test(code)) return null;
  if (code === "P2002") return new AppError("CONFLICT", "A record with the same unique value already exists");
  if (code === "P2025") return new AppError("NOT_FOUND", "Record not found");
  return null;
}

// Prisma's codes for "no usable connection", the driver adapter's kinds for the same, and PostgreSQL's SQLSTATEs for
// a server that is shutting down or starting up (class 57P) or a broken connection (class 08).
const UNREACHABLE_PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);
const UNREACHABLE_ADAPTER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);
const UNREACHABLE_SQLSTATE = /^(57P0[1-3]|08...)$/;
// What the adapter lets through unmapped: node-postgres's errors for a lost connection, which carry no code (see
// pg/lib/client.js and pg-pool), and socket errors it does not map (EPIPE: writing to a connection the server closed).
const PG_CONNECTION_LOST = new Set([
  "Connection terminated unexpectedly",
  "Connection terminated",
  "Client has encountered a connection error and is not queryable",
  "timeout exceeded when trying to connect",
  "Connection terminated due to connection timeout",
]);
const UNREACHABLE_SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ECONNABORTED"]);

type DbErrorShape = {
  code?: unknown;
  syscall?: unknown;
  message?: unknown;
  kind?: unknown;
  originalCode?: unknown;
  cause?: DbErrorShape;
  meta?: { driverAdapterError?: { cause?: DbErrorShape } };
} | null;

function unreachable(e: DbErrorShape, depth = 0): boolean {
  if (!e || typeof e !== "object" || depth > 3) return false;
  if (typeof e.code === "string" && (UNREACHABLE_PRISMA_CODES.has(e.code) || (typeof e.syscall === "string" && UNREACHABLE_SOCKET_CODES.has(e.code)))) return true;
  if (typeof e.kind === "string" && UNREACHABLE_ADAPTER_KINDS.has(e.kind)) return true;
  if (typeof e.originalCode === "string" && UNREACHABLE_SQLSTATE.test(e.originalCode)) return true;
  if (e instanceof Error && e.constructor === Error && PG_CONNECTION_LOST.has(e.message)) return true;
  return unreachable(e.meta?.driverAdapterError?.cause ?? null, depth + 1) || unreachable(e.cause ?? null, depth + 1);
}

/** The database cannot be reached right now (down, restarting, pool exhausted): a 503 the client can retry. */
function databaseUnavailable(err: unknown): AppError | null {
  return unreachable(err as DbErrorShape)
    ? new AppError("SERVICE_UNAVAILABLE", "The service's database is unavailable right now; try again in a moment", { retry_after_seconds: 2 })
    : null;
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
          : (bodyParserError(err as HttpLikeError) ?? databaseUnavailable(err) ?? prismaError(err));
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
  const retryAfter = (envelope.details as { retry_after_seconds?: unknown } | undefined)?.retry_after_seconds;
  if (typeof retryAfter === "number") res.setHeader("Retry-After", String(retryAfter));
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
