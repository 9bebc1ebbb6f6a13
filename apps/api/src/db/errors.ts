import { Prisma } from "./prisma";
import { AppError } from "../errors/app-error";

// Everything the API knows about database errors: Prisma's codes, the driver adapters' kinds, PostgreSQL's SQLSTATEs.

/** A unique constraint refused the write (Prisma P2002). Repositories turn it into what it means for them. */
export const isUniqueViolation = (err: unknown) => err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002";

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

function unreachableShape(e: DbErrorShape, depth = 0): boolean {
  if (!e || typeof e !== "object" || depth > 3) return false;
  if (typeof e.code === "string" && (UNREACHABLE_PRISMA_CODES.has(e.code) || (typeof e.syscall === "string" && UNREACHABLE_SOCKET_CODES.has(e.code)))) return true;
  if (typeof e.kind === "string" && UNREACHABLE_ADAPTER_KINDS.has(e.kind)) return true;
  if (typeof e.originalCode === "string" && UNREACHABLE_SQLSTATE.test(e.originalCode)) return true;
  if (e instanceof Error && e.constructor === Error && PG_CONNECTION_LOST.has(e.message)) return true;
  return unreachableShape(e.meta?.driverAdapterError?.cause ?? null, depth + 1) || unreachableShape(e.cause ?? null, depth + 1);
}

/** The database cannot be reached right now (down, restarting, pool exhausted, a lost connection). */
export function isDatabaseUnreachable(err: unknown): boolean {
  return unreachableShape(err as DbErrorShape);
}

/** Prisma's known request errors that no repository handled, matched by code (never by message). */
function knownRequestError(err: unknown): AppError | null {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== "string" || !/^P\d{4}$/.test(code)) return null;
  if (code === "P2002") return new AppError("CONFLICT", "A record with the same unique value already exists");
  if (code === "P2025") return new AppError("NOT_FOUND", "Record not found");
  return null;
}

/**
 * A database failure as an API error, or null when it is not one: an unreachable database is a 503 the client can
 * retry; a unique or not-found refusal nobody handled is a 409 or 404.
 */
export function databaseError(err: unknown): AppError | null {
  if (isDatabaseUnreachable(err)) {
    return new AppError("SERVICE_UNAVAILABLE", "The service's database is unavailable right now; try again in a moment", undefined, { retryAfterSeconds: 2 });
  }
  return knownRequestError(err);
}
