import type { IncomingMessage, ServerResponse } from "node:http";
import { readJsonBody, sendError, sendSuccess } from "../http";
import { HttpError } from "../routes/context";
import type { Sandbox } from "../sandbox";
import type { WebhookFault, WebhookTarget } from "../webhook-delivery";
import type { Fault } from "./faults";

// The test controls under /_sandbox/ (no auth): reset, request faults, bookings, the web app's actions and the
// webhook delivery controls. Each answers in Cal.com's success envelope; a bad control request is a 400 envelope.

type Handler = (sandbox: Sandbox, body: unknown, url: URL, params: string[]) => unknown;

const isRecord = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);

/** A control's JSON object (or {}), handed to an action that checks each field itself, as Cal.com's pages do. */
const input = <T>(body: unknown): T => (isRecord(body) ? body : {}) as T;

/** The optional delivery ids of a release: strings only. */
function idsOf(ids: unknown): string[] | undefined {
  if (ids === undefined) return undefined;
  if (!Array.isArray(ids) || !ids.every((id) => typeof id === "string")) throw new HttpError(400, "ids must be an array of delivery ids");
  return ids.map(String);
}

/** A webhook target from a JSON body or a query string. */
function targetOf(source: unknown): WebhookTarget {
  const get = (key: string) => (source instanceof URLSearchParams ? (source.get(key) ?? undefined) : isRecord(source) ? source[key] : undefined);
  const webhookId = get("webhookId");
  const subscriberUrl = get("subscriberUrl");
  const id = typeof webhookId === "string" ? Number(webhookId) : webhookId;
  if (id !== undefined && !Number.isInteger(id)) throw new HttpError(400, "webhookId must be an integer");
  if (subscriberUrl !== undefined && typeof subscriberUrl !== "string") throw new HttpError(400, "subscriberUrl must be a string");
  return { ...(id !== undefined ? { webhookId: id as number } : {}), ...(subscriberUrl !== undefined ? { subscriberUrl } : {}) };
}

const FAULT_TYPES: Record<string, string> = { webhookId: "number", subscriberUrl: "string", triggerEvent: "string", drop: "boolean", delayMs: "number", duplicate: "boolean", times: "number" };

function webhookFaultOf(body: unknown): WebhookFault {
  if (!isRecord(body)) throw new HttpError(400, "A webhook fault is a JSON object");
  for (const [key, value] of Object.entries(body)) {
    if (!FAULT_TYPES[key]) throw new HttpError(400, `Unknown webhook fault property ${key}`);
    if (typeof value !== FAULT_TYPES[key]) throw new HttpError(400, `${key} must be a ${FAULT_TYPES[key]}`);
  }
  return body as WebhookFault;
}

const ROUTES: [method: string, pattern: RegExp, status: number, handle: Handler][] = [
  ["POST", /^\/_sandbox\/reset$/, 200, (s) => (s.reset(), { reset: true })],
  [
    "POST",
    /^\/_sandbox\/faults$/,
    201,
    (s, body) => {
      const fault = input<Fault & { pathPattern?: string }>(body);
      s.faults.inject({ ...fault, ...(fault.pathPattern ? { path: new RegExp(fault.pathPattern) } : {}) });
      return { injected: true };
    },
  ],
  ["DELETE", /^\/_sandbox\/faults$/, 200, (s, _b, url) => (s.faults.clear(url.searchParams.get("apiKey") ?? undefined), { cleared: true })],
  ["GET", /^\/_sandbox\/bookings$/, 200, (s) => s.bookings()],
  ["POST", /^\/_sandbox\/web-app\/bookings$/, 201, (s, body) => s.webApp.book(input(body))],
  ["POST", /^\/_sandbox\/web-app\/bookings\/([^/]+)\/reschedule$/, 201, (s, body, _u, [uid = ""]) => s.webApp.reschedule(uid, input(body))],
  ["POST", /^\/_sandbox\/web-app\/bookings\/([^/]+)\/cancel$/, 200, (s, body, _u, [uid = ""]) => s.webApp.cancel(uid, input(body))],
  ["POST", /^\/_sandbox\/web-app\/bookings\/([^/]+)\/confirm$/, 200, (s, _b, _u, [uid = ""]) => s.webApp.confirm(uid)],
  ["POST", /^\/_sandbox\/web-app\/bookings\/([^/]+)\/reject$/, 200, (s, body, _u, [uid = ""]) => s.webApp.reject(uid, input(body))],
  ["POST", /^\/_sandbox\/web-app\/bookings\/([^/]+)\/no-show$/, 200, (s, body, _u, [uid = ""]) => s.webApp.markNoShow(uid, input(body))],
  [
    "GET",
    /^\/_sandbox\/webhook-deliveries$/,
    200,
    async (s, _b, url) => {
      await s.webhooksSettled();
      const q = url.searchParams;
      return s.webhookDeliveries({ ...targetOf(q), triggerEvent: q.get("triggerEvent") ?? undefined, bookingUid: q.get("bookingUid") ?? undefined });
    },
  ],
  ["POST", /^\/_sandbox\/webhook-faults$/, 201, (s, body) => (s.webhookFaults.inject(webhookFaultOf(body)), { injected: true })],
  [
    "DELETE",
    /^\/_sandbox\/webhook-faults$/,
    200,
    (s, _b, url) => (s.webhookFaults.clear(url.searchParams.size ? targetOf(url.searchParams) : undefined), { cleared: true }),
  ],
  ["POST", /^\/_sandbox\/webhook-faults\/pause$/, 200, (s, body) => (s.webhookFaults.pause(targetOf(body)), { paused: true })],
  ["POST", /^\/_sandbox\/webhook-faults\/resume$/, 200, async (s, body) => ({ released: await s.webhookFaults.resume(isRecord(body) && Object.keys(body).length ? targetOf(body) : undefined) })],
  [
    "POST",
    /^\/_sandbox\/webhook-faults\/release$/,
    200,
    async (s, body) => {
      const b = isRecord(body) ? body : {};
      if (b.order !== undefined && b.order !== "fifo" && b.order !== "reverse") throw new HttpError(400, 'order must be "fifo" or "reverse"');
      return { released: await s.webhookFaults.release({ ...targetOf(b), order: b.order, ids: idsOf(b.ids) }) };
    },
  ],
  ["GET", /^\/_sandbox\/webhook-faults\/held$/, 200, (s, _b, url) => s.webhookFaults.held(targetOf(url.searchParams))],
  ["POST", /^\/_sandbox\/webhook-cron$/, 200, async (s) => (await s.runWebhookCron(), { ran: true })],
];

/** Answers a /_sandbox/ request. */
export async function handleAdmin(sandbox: Sandbox, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  for (const [method, pattern, status, handle] of ROUTES) {
    const m = pattern.exec(url.pathname);
    if (req.method !== method || !m) continue;
    let body: unknown;
    try {
      body = await readJsonBody(req);
    } catch {
      throw new HttpError(400, "The body is not JSON");
    }
    return sendSuccess(res, await handle(sandbox, body, url, m.slice(1)), status);
  }
  sendError(req, res, 404, `Cannot ${req.method} ${url.pathname}`);
}
