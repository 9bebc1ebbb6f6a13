import type { IncomingMessage, ServerResponse } from "node:http";
import { sendError, sendJson } from "../http";

/**
 * A scripted failure for the next matching request(s). `delayMs` waits first; then `status` answers with `body`
 * (or Cal.com's error envelope), `malformed` answers 200 with a body that is not JSON, `drop: "before"` closes the
 * connection without handling, and `drop: "after"` handles the request fully and then closes the connection
 * without answering (Cal.com did the work; the client never hears of it). `apiKey` limits it to requests made with
 * that key, so that a test's faults cannot reach another test's requests.
 */
export interface Fault {
  path?: string | RegExp;
  method?: string;
  apiKey?: string;
  status?: number;
  body?: unknown;
  delayMs?: number;
  malformed?: boolean;
  /** Close the connection before handling, after handling (answer lost), or handle and never answer ("hang"). */
  drop?: "before" | "after" | "hang";
  /** How many requests it applies to (default 1). */
  times?: number;
  /** Holds the request until this settles, then goes on (in-process tests only: lets a test decide when Cal.com answers). */
  until?: Promise<unknown>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The injected faults, consumed by matching requests. */
export class Faults {
  private readonly pending: (Fault & { remaining: number })[] = [];

  inject(fault: Fault): void {
    this.pending.push({ ...fault, remaining: fault.times ?? 1 });
  }

  /** Removes every fault, or only those scoped to `apiKey`. */
  clear(apiKey?: string): void {
    const kept = this.pending.filter((f) => apiKey !== undefined && f.apiKey !== apiKey);
    this.pending.splice(0, this.pending.length, ...kept);
  }

  /** The first fault matching the request, counted as used. */
  take(method: string, path: string, apiKey: string | undefined): Fault | undefined {
    const i = this.pending.findIndex(
      (f) =>
        (!f.method || f.method.toUpperCase() === method) &&
        (!f.path || (typeof f.path === "string" ? path === f.path : f.path.test(path))) &&
        (!f.apiKey || f.apiKey === apiKey),
    );
    const fault = this.pending[i];
    if (!fault) return undefined;
    if (--fault.remaining <= 0) this.pending.splice(i, 1);
    return fault;
  }
}

/** Plays the part of a fault that comes before handling; true when it has answered (or dropped) the request. */
export async function failBefore(fault: Fault | undefined, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  if (!fault) return false;
  if (fault.delayMs) await sleep(fault.delayMs);
  if (fault.until) await fault.until.catch(() => undefined);
  if (fault.drop === "before") {
    req.socket.destroy();
    return true;
  }
  if (fault.malformed) {
    res.writeHead(200, { "content-type": "application/json" });
    res.end('{"status":"success","data":');
    return true;
  }
  if (fault.status) {
    if (fault.body !== undefined) sendJson(res, fault.status, fault.body);
    else sendError(req, res, fault.status, "Injected fault");
    return true;
  }
  return false;
}

/** For `drop: "after" | "hang"`: a response that swallows the answer, so the work is done but never reported. */
export function lostAnswer(res: ServerResponse): ServerResponse {
  const sink: ServerResponse = Object.assign(Object.create(res), { writeHead: () => sink, setHeader: () => sink, end: () => sink });
  return sink;
}
