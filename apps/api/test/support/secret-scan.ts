import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";

export interface RecordedResponse {
  method: string;
  path: string;
  status: number;
  body: string;
}

/** Wraps a request listener so that every response body it sends is kept (whatever client made the request). */
export function recordResponses(listener: RequestListener): { listener: RequestListener; responses: RecordedResponse[] } {
  const responses: RecordedResponse[] = [];
  const wrapped: RequestListener = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    const keep = (chunk: unknown, encoding?: unknown) => {
      if (chunk === undefined || chunk === null || typeof chunk === "function") return;
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk), typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8"));
    };
    const write = res.write.bind(res) as (...args: unknown[]) => boolean;
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    res.write = ((chunk: unknown, ...rest: unknown[]) => (keep(chunk, rest[0]), write(chunk, ...rest))) as typeof res.write;
    res.end = ((chunk?: unknown, ...rest: unknown[]) => (keep(chunk, rest[0]), end(chunk, ...rest))) as typeof res.end;
    res.once("close", () =>
      responses.push({ method: req.method ?? "", path: req.url ?? "", status: res.statusCode, body: Buffer.concat(chunks).toString("utf8") }),
    );
    listener(req, res);
  };
  return { listener: wrapped, responses };
}

/**
 * The only responses that may show a secret the API made: an organisation API key's creation (`POST /api/v1/api-keys`)
 * and a webhook subscription's (`POST /api/v1/webhooks`, its signing secret), each shown once.
 */
export const isKeyMint = (r: RecordedResponse) => r.method === "POST" && ["/api/v1/api-keys", "/api/v1/webhooks"].includes(r.path.split("?")[0] ?? "") && r.status === 201;

/** Organisation API keys and webhook signing secrets handed out during the run, read from their creation responses. */
export function mintedKeys(responses: RecordedResponse[]): string[] {
  return responses.filter(isKeyMint).map((r) => {
    const { data } = JSON.parse(r.body) as { data: { key?: string; secret?: string } };
    return data.key ?? data.secret ?? "";
  });
}

/**
 * Every place a secret appeared where it must not: any response body other than the key's own creation, any log
 * line. Returns descriptions (empty when clean) rather than throwing, so callers can say where.
 */
export function findLeaks(secrets: Iterable<string>, responses: RecordedResponse[], logs: string[]): string[] {
  const leaks: string[] = [];
  for (const secret of new Set(secrets)) {
    if (secret.length < 12) continue; // not a real secret; would match by accident
    for (const r of responses) {
      if (!isKeyMint(r) && r.body.includes(secret)) leaks.push(`response ${r.method} ${r.path} (${r.status}) contains ${secret.slice(0, 8)}…`);
    }
    for (const line of logs) if (line.includes(secret)) leaks.push(`log line contains ${secret.slice(0, 8)}…: ${line.slice(0, 120)}`);
  }
  return leaks;
}
