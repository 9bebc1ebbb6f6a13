import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

// Cal.com's response shapes: `{status:"success", data}` and, for Nest HttpExceptions, an error envelope whose
// `code` is the exception class name and whose `details` is the exception's own response body.

const STATUS_TEXT: Record<number, [code: string, error: string]> = {
  400: ["BadRequestException", "Bad Request"],
  401: ["UnauthorizedException", "Unauthorized"],
  403: ["ForbiddenException", "Forbidden"],
  404: ["NotFoundException", "Not Found"],
  409: ["ConflictException", "Conflict"],
  422: ["UnprocessableEntityException", "Unprocessable Entity"],
  429: ["ThrottlerException", "Too Many Requests"],
  500: ["InternalServerErrorException", "Internal Server Error"],
};

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

export function sendSuccess(res: ServerResponse, data: unknown, status = 200): void {
  sendJson(res, status, { status: "success", data });
}

/**
 * An HttpException as Cal.com's global filter wraps it; `details` is the exception's response body when it was built
 * from an object (e.g. the ValidationPipe's `{ errors }`), else Nest's `{ message, error, statusCode }`.
 */
export function sendError(req: IncomingMessage, res: ServerResponse, status: number, message: string, details?: unknown): void {
  const [code, error] = STATUS_TEXT[status] ?? [`HttpException`, "Error"];
  sendJson(res, status, {
    status: "error",
    timestamp: new Date().toISOString(),
    path: req.url ?? "",
    error: { code, message, details: details ?? { message, error, statusCode: status } },
  });
}

/** A plain Error or core HttpError, which Cal.com answers unwrapped (e.g. `booking_conflict_error`). */
export function sendBareError(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, { statusCode: status, message });
}

/** A ZodError as Cal.com's ZodExceptionFilter answers it: code BAD_REQUEST and no details. */
export function sendZodError(req: IncomingMessage, res: ServerResponse, message: string): void {
  sendJson(res, 400, { status: "error", timestamp: new Date().toISOString(), path: req.url ?? "", error: { code: "BAD_REQUEST", message } });
}

export function assignRequestId(res: ServerResponse): void {
  res.setHeader("x-request-id", randomUUID());
}

export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  if (!text) return undefined;
  return JSON.parse(text);
}
