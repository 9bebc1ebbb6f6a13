import type { WebhookFormat } from "@agni/contracts";
import { AppError, invalidRequest } from "../../errors/app-error";
import type { FunctionCalls } from "../appointments/function-calls";
import { inactiveToolError, type ToolsService } from "./tools.service";

type Result = { ok: boolean; message: string; data?: unknown };

/** A failed call, as the platform gets it: the sentence to say, and the code and details for the model or the logs. */
const failure = (err: AppError): Result => ({ ok: false, message: err.message, data: { code: err.code, details: err.details } });

const tooManyCalls = (calls: number, max: number) =>
  new AppError("INVALID_REQUEST", `That's more calendar requests than I can take at once: I can handle up to ${max} at a time.`, {
    calls,
    max_calls_per_request: max,
  });

/** One function call as a voice platform sends it. */
interface Call {
  id?: string;
  name: string;
  args: Record<string, unknown>;
  /** The platform's call id: makes retries within one phone call idempotent. */
  callId?: string;
}

const object = (v: unknown): Record<string, unknown> => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

function parseArgs(raw: unknown): Record<string, unknown> {
  if (typeof raw !== "string") return object(raw);
  try {
    return object(JSON.parse(raw));
  } catch {
    throw invalidRequest("The function arguments are not valid JSON");
  }
}

/**
 * The calls in a platform's webhook body: Retell posts `{call, name, args}`; Vapi posts `{message: {toolCallList:
 * [{id, function: {name, arguments}}], call}}`; ElevenLabs posts the arguments themselves (the function is named in
 * the exported URL).
 */
export function callsFrom(format: WebhookFormat, body: Record<string, unknown>, fn?: string): Call[] {
  switch (format) {
    case "retell": {
      const name = typeof body.name === "string" ? body.name : fn;
      if (!name) throw invalidRequest("Retell payload without a function name");
      return [{ name, args: parseArgs(body.args), callId: object(body.call).call_id as string | undefined }];
    }
    case "vapi": {
      const message = object(body.message);
      const list = (message.toolCallList ?? message.toolCalls) as unknown[] | undefined;
      if (!Array.isArray(list) || list.length === 0) throw invalidRequest("Vapi payload without message.toolCallList");
      const callId = object(message.call).id as string | undefined;
      return list.map((c) => {
        const call = object(c);
        const f = object(call.function);
        return { id: call.id as string | undefined, name: String(f.name ?? ""), args: parseArgs(f.arguments), callId };
      });
    }
    case "elevenlabs":
      if (!fn) throw invalidRequest("ElevenLabs calls name the function in the URL (?function=…), as exported");
      return [{ name: fn, args: body }];
  }
}

/** Runs webhook calls from voice platforms on a `calcom` tool through the function-call runner (the manage code path). */
export class ToolInvoker {
  constructor(
    private readonly tools: ToolsService,
    private readonly calls: FunctionCalls,
    /** Calls one request may carry (a Vapi tool-call list); a request with more runs none of them. */
    private readonly maxCalls: number,
  ) {}

  private async run(organizationId: string, agentId: string, call: Call): Promise<Result> {
    const outcome = await this.calls.run(organizationId, agentId, call.name, call.args, call.callId);
    switch (outcome.kind) {
      case "unknown":
        return { ok: false, message: `Unknown function ${call.name}` };
      case "failed":
        return failure(outcome.error);
      case "done":
        return { ok: true, message: outcome.result.message, data: outcome.result };
    }
  }

  /**
   * Answers in the platform's shape. Failures the caller can act on (a taken slot, a missing answer, an inactive tool,
   * too many calls at once) are answered 200 with the sentence to say, because voice platforms read the result to the
   * model rather than the status. `admit` is given the number of calls before any of them runs (the rate limit).
   */
  async invoke(
    organizationId: string,
    toolId: string,
    format: WebhookFormat,
    body: Record<string, unknown>,
    fn: string | undefined,
    admit: (calls: number) => Promise<void>,
  ): Promise<Record<string, unknown>> {
    const tool = await this.tools.get(organizationId, toolId);
    const agentId = tool.agentId;
    if (tool.type !== "calcom" || !agentId) throw invalidRequest("Only calendar (calcom) tools attached to an agent can be invoked");
    const calls = callsFrom(format, body, fn);
    const refusal = !tool.isActive ? inactiveToolError(tool.id) : calls.length > this.maxCalls ? tooManyCalls(calls.length, this.maxCalls) : null;
    if (!refusal) await admit(calls.length);
    const answer = async (call: Call) => ({ toolCallId: call.id ?? "", ...(refusal ? failure(refusal) : await this.run(organizationId, agentId, call)) });
    const results = await Promise.all(calls.map(answer));
    if (format === "vapi") return { results: results.map((r) => ({ toolCallId: r.toolCallId, result: r.message })) };
    const [r] = results; // Retell and ElevenLabs send one call
    if (!r) throw invalidRequest("The payload carries no function call");
    return { success: r.ok, result: r.message, data: r.data ?? null };
  }
}
