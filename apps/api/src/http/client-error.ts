import { STATUS_CODES, type Server } from "node:http";
import type { Duplex } from "node:stream";
import type { ErrorEnvelope } from "@agni/contracts";
import { uuidv7 } from "uuidv7";

/**
 * Requests that Node's HTTP parser refuses before Express sees them (headers or URL over the size limit, broken
 * framing) are answered in the API's envelope instead of Node's bare status line.
 */
export function answerClientErrorsInEnvelope(server: Server): void {
  server.on("clientError", (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code === "ECONNRESET" || !socket.writable) return void socket.destroy();
    const tooLarge = err.code === "HPE_HEADER_OVERFLOW";
    const status = tooLarge ? 431 : 400;
    const body: ErrorEnvelope = {
      success: false,
      message: tooLarge ? "The request line or headers are too large" : "Malformed HTTP request",
      code: tooLarge ? "HEADERS_TOO_LARGE" : "INVALID_REQUEST",
      request_id: uuidv7(),
    };
    const json = JSON.stringify(body);
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`,
    );
  });
}
