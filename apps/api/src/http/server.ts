import { createServer, STATUS_CODES, type RequestListener, type Server } from "node:http";
import type { Duplex } from "node:stream";
import type { ErrorCode, ErrorEnvelope } from "@agni/contracts";
import { uuidv7 } from "uuidv7";

/** How long a connection may take, and how many there may be: the API answers in milliseconds, so these are short. */
export interface ServerLimits {
  /** From a request's first byte to the end of its headers (AGNI_HEADERS_TIMEOUT_MS). */
  headersTimeoutMs: number;
  /** From a request's first byte to the end of its body (AGNI_REQUEST_TIMEOUT_MS); not the time taken to answer. */
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open between requests (AGNI_KEEP_ALIVE_TIMEOUT_MS). */
  keepAliveTimeoutMs: number;
  /** Open connections at most; those over it are closed at once (AGNI_MAX_CONNECTIONS; 0: no cap). */
  maxConnections: number;
}

export const DEFAULT_SERVER_LIMITS: ServerLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 1_000,
};

/**
 * The HTTP server for a request listener (the Express app), with the limits applied and the errors Node's parser
 * raises before Express sees a request answered in the API's envelope. main.ts and the tests both start it here.
 */
export function createHttpServer(listener: RequestListener, limits: Partial<ServerLimits> = {}): Server {
  const l = { ...DEFAULT_SERVER_LIMITS, ...limits };
  const server = createServer(
    {
      headersTimeout: l.headersTimeoutMs,
      requestTimeout: l.requestTimeoutMs,
      keepAliveTimeout: l.keepAliveTimeoutMs,
      // Node looks for connections past those timeouts every 30 s by default, which would let a slow client stay
      // up to 30 s longer than the limit.
      connectionsCheckingInterval: Math.max(25, Math.min(1_000, Math.floor(l.headersTimeoutMs / 4))),
    },
    listener,
  );
  server.keepAliveTimeout = l.keepAliveTimeoutMs;
  if (l.maxConnections > 0) server.maxConnections = l.maxConnections;
  answerClientErrorsInEnvelope(server);
  return server;
}

const CLIENT_ERRORS: Record<string, { status: number; code: ErrorCode; message: string }> = {
  HPE_HEADER_OVERFLOW: { status: 431, code: "HEADERS_TOO_LARGE", message: "The request line or headers are too large" },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, code: "REQUEST_TIMEOUT", message: "The request took too long to arrive" },
};

/**
 * Requests that Node's HTTP parser refuses before Express sees them (headers or URL over the size limit, broken
 * framing, headers or body arriving too slowly) are answered in the API's envelope instead of Node's bare status line.
 */
function answerClientErrorsInEnvelope(server: Server): void {
  server.on("clientError", (err: NodeJS.ErrnoException, socket: Duplex) => {
    // Nothing can be said on a connection that is gone or whose answer has already started.
    const answering = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
    if (err.code === "ECONNRESET" || !socket.writable || answering) return void socket.destroy();
    const known = CLIENT_ERRORS[err.code ?? ""] ?? { status: 400, code: "INVALID_REQUEST", message: "Malformed HTTP request" };
    const body: ErrorEnvelope = { success: false, message: known.message, code: known.code, request_id: uuidv7() };
    const json = JSON.stringify(body);
    socket.end(
      `HTTP/1.1 ${known.status} ${STATUS_CODES[known.status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`,
    );
  });
}
