// Every export format checked by the platform's own SDK: its TypeScript type for a tool (the live exported JSON,
// compiled by the TypeScript compiler as a literal of that type, so that an unknown keyword is an error) and, where the
// SDK ships one, its runtime schema (MCP's zod ToolSchema, ElevenLabs' serialization schemas, OpenAI's strict-mode
// transform).
import * as elevenlabs from "@elevenlabs/elevenlabs-js/serialization/index.js";
import { ToolSchema } from "@modelcontextprotocol/sdk/types.js";
import { Ajv2020 } from "ajv/dist/2020.js";
import { toStrictJsonSchema } from "openai/lib/transform";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "./support/test-api";
import { createActiveTool } from "./support/tools";
import { typeErrors } from "./support/type-check";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api?.close());

const ALL = ["book", "reschedule", "cancel", "suggest", "availability", "find", "instant", "waitlist"];

/** The SDK type each format must compile against, and how the fixture imports it. */
const SDK_TYPES: Record<string, string> = {
  openai: "OpenAI.Chat.Completions.ChatCompletionTool",
  "openai-strict": "OpenAI.Chat.Completions.ChatCompletionTool",
  "openai-responses": "OpenAI.Responses.FunctionTool",
  anthropic: "Anthropic.Messages.Tool",
  mcp: "McpTool",
  retell: "Retell.LlmCreateParams.CustomTool",
  vapi: "Vapi.CreateToolsRequest.Function",
  elevenlabs: "ElevenLabsWire.ToolRequestModelToolConfig.Raw",
};
const IMPORTS = `
import type OpenAI from "openai";
import type Anthropic from "@anthropic-ai/sdk";
import type { Tool as McpTool } from "@modelcontextprotocol/sdk/types.js";
import type Retell from "retell-sdk";
import type { Vapi } from "@vapi-ai/server-sdk";
import type * as ElevenLabsWire from "@elevenlabs/elevenlabs-js/serialization/index.js";
`;
/** A TypeScript module declaring each export as a literal of its format's SDK type. */
const fixture = (exports: [format: string, tools: unknown[]][]) =>
  IMPORTS + exports.map(([format, tools], i) => `export const export${i}: ${SDK_TYPES[format]}[] = ${JSON.stringify(tools, null, 2)};`).join("\n");

/** A calendar tool with every function, on an agent whose event type asks a required select question. */
async function exportsOf(formats: string[]) {
  const { auth } = await api.org();
  const host = api.calcomUser("America/New_York");
  const eventType = api.sandbox.addEventType(host.id, {
    title: "Consultation",
    lengthInMinutes: 30,
    bookingFields: [{ type: "select", slug: "company-size", label: "Company size", required: true, options: ["1-10", "11-50", "51+"] }],
  }) as { id: number };
  const agent = (await api.request("POST", "/api/v1/agents/", { auth, body: { agentName: "Desk", calcomEventTypeId: eventType.id } })).body.data;
  await api.request("POST", `/api/v1/calcom/agents/${agent.id}/connect`, { auth, body: { api_key: host.apiKey, api_base_url: api.sandboxUrl } });
  const tool = await createActiveTool(api, auth, { name: "calendar", type: "calcom", agentId: agent.id, enabledFunctions: { values: ALL } });
  const out: Record<string, any[]> = {};
  for (const format of formats) {
    const res = await api.request("GET", `/api/v1/tools/${tool.id}/export?format=${format}`, { auth });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    out[format] = res.body.data.tools;
    expect(out[format]).toHaveLength(ALL.length);
  }
  return out;
}

/** A `function` tool with an optional property and a keyword strict mode does not take, exported as openai-strict. */
async function functionToolStrict() {
  const { auth } = await api.org();
  const parameters = { type: "object", properties: { order_id: { type: "string", minLength: 3 }, note: { type: "string" } }, required: ["order_id"] };
  const tool = await createActiveTool(api, auth, { name: "lookup_order", type: "function", description: "Find an order", definition: { parameters } });
  const res = await api.request("GET", `/api/v1/tools/${tool.id}/export?format=openai-strict`, { auth });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return { auth, tools: res.body.data.tools as any[] };
}

const clone = <T>(v: T): T => structuredClone(v);
const named = (tools: any[], name: string) => tools.find((t) => (t.function?.name ?? t.name) === name);

/** Wrong shapes, each an error under the SDK's type. */
function brokenExports(): [string, unknown[]][] {
  const vapi = clone(live.vapi);
    named(vapi, "suggest_appointment_times").function.parameters.properties.days_ahead.minimum = 1; // not in Vapi's JsonSchema
    const elevenlabsTools = clone(live.elevenlabs);
    named(elevenlabsTools, "book_appointment").api_schema.request_body_schema.properties.email.format = "email";
    const openai = clone(live.openai).map(({ function: fn, ...rest }: any) => ({ ...rest, fn })); // renamed member
    const responses = clone(live["openai-responses"]).map(({ strict: _strict, ...rest }: any) => rest); // strict is required there
  return [
    ["vapi", vapi],
    ["elevenlabs", elevenlabsTools],
    ["openai", openai],
    ["openai-responses", responses],
  ];
}

let live: Record<string, any[]>;
let functionTool: Awaited<ReturnType<typeof functionToolStrict>>;
/** The two compiles run side by side (tsc takes a while), started once the exports are in. */
let compiled: Promise<[good: string[], broken: string[]]>;
beforeAll(async () => {
  live = await exportsOf(Object.keys(SDK_TYPES));
  functionTool = await functionToolStrict();
  compiled = Promise.all([typeErrors(fixture([...Object.entries(live), ["openai-strict", functionTool.tools]])), typeErrors(fixture(brokenExports()))]);
}, 60_000);

describe("each export compiles against the platform SDK's type", () => {
  it("all formats type-check as the SDKs' tool types (tsc --noEmit, nodenext)", async () => {
    expect((await compiled)[0]).toEqual([]);
  }, 180_000);

  it("a wrong shape does not compile: the check is real", async () => {
    const text = (await compiled)[1].join("\n");
    expect(text).toMatch(/'"minimum"' does not exist/);
    expect(text).toMatch(/'"format"' does not exist/);
    expect(text).toMatch(/'"fn"' does not exist/);
    expect(text).toMatch(/'strict' is missing/);
  }, 180_000);
});

describe("each export passes the schema its SDK ships", () => {
  it("MCP: @modelcontextprotocol/sdk's ToolSchema", () => {
    for (const tool of live.mcp) expect(ToolSchema.safeParse(tool).success, JSON.stringify(tool)).toBe(true);
    expect(ToolSchema.safeParse({ name: "x", inputSchema: { type: "array" } }).success).toBe(false);
  });

  it("ElevenLabs: the SDK's wire schema for a tool, unknown keys refused — minimum, maximum, format and pattern are described instead", () => {
    const strict = { unrecognizedObjectKeys: "fail", allowUnrecognizedEnumValues: false, allowUnrecognizedUnionMembers: false } as const;
    for (const tool of live.elevenlabs) {
      const parsed = elevenlabs.ToolRequestModelToolConfig.parse(tool, strict);
      expect(parsed.ok, JSON.stringify(parsed.ok ? null : parsed.errors)).toBe(true);
    }
    const book = named(live.elevenlabs, "book_appointment").api_schema.request_body_schema.properties;
    expect(book.email.description).toMatch(/Must be an email address\.$/);
    expect(book.phone.description).toMatch(/Must be text matching the pattern \^\\\+\[1-9\]\\d\{6,14\}\$\.$/);
    expect(named(live.elevenlabs, "suggest_appointment_times").api_schema.request_body_schema.properties.days_ahead.description).toMatch(/Must be at least 1 and at most 30\.$/);
    // The schema is a real check: the plain JSON Schema the other formats carry fails it.
    const raw = clone(named(live.elevenlabs, "suggest_appointment_times"));
    raw.api_schema.request_body_schema.properties.days_ahead = named(live.openai, "suggest_appointment_times").function.parameters.properties.days_ahead;
    expect(elevenlabs.ToolRequestModelToolConfig.parse(raw, strict).ok).toBe(false);
  });

  it("OpenAI strict and Responses: strict-mode schemas are a fixed point of the SDK's toStrictJsonSchema (all required, optional ones nullable, closed)", () => {
    for (const format of ["openai-strict", "openai-responses"]) {
      for (const tool of live[format]) {
        const parameters = format === "openai-strict" ? tool.function.parameters : tool.parameters;
        expect(format === "openai-strict" ? tool.function.strict : tool.strict).toBe(true);
        expect(toStrictJsonSchema(parameters)).toEqual(parameters);
        expect(parameters.required).toEqual(Object.keys(parameters.properties));
        expect(parameters.additionalProperties).toBe(false);
      }
    }
    const book = named(live["openai-strict"], "book_appointment").function.parameters;
    expect(book.properties.notes.type).toEqual(["string", "null"]);
    expect(book.properties.name.type).toBe("string");
    // The plain `openai` format keeps optional properties optional, which strict mode refuses.
    expect(() => toStrictJsonSchema(named(live.openai, "book_appointment").function.parameters)).toThrow(/optional/);
    // A strict call (null for what is not given) is valid under the exported schema.
    const args = new Ajv2020({ strict: false }).compile(book);
    const call = { name: "Ada", email: "ada@example.com", phone: null, timezone: "Europe/Berlin", appointment_datetime: "2030-01-07T10:00", notes: null, "company-size": "1-10" };
    expect(args(call), JSON.stringify(args.errors)).toBe(true);
  });

  it("Anthropic: input_schema is a valid JSON Schema (draft 2020-12, what the Messages API documents)", () => {
    const ajv = new Ajv2020({ strict: false });
    for (const tool of live.anthropic) expect(ajv.validateSchema(tool.input_schema), JSON.stringify(ajv.errors)).toBe(true);
  });
});

describe("exports of a function tool", () => {
  it("openai-strict turns its declaration strict and refuses keywords strict mode cannot take", async () => {
    const { auth, tools } = functionTool; // (also compiled as ChatCompletionTool above)
    const [exported] = tools;
    expect(exported).toMatchObject({ type: "function", function: { name: "lookup_order", description: "Find an order", strict: true } });
    // (The stored definition comes back with its keys in the database's order.)
    expect({ ...exported.function.parameters, required: exported.function.parameters.required.sort() }).toEqual({
      type: "object",
      properties: { order_id: { type: "string", description: "Must be at least 3 characters long." }, note: { type: ["string", "null"] } },
      required: ["note", "order_id"],
      additionalProperties: false,
    });

    const unsupported = { type: "object", properties: { a: { type: "string" } }, not: { required: ["a"] } };
    const other = await createActiveTool(api, auth, { name: "odd", type: "function", definition: { parameters: unsupported } });
    const refused = await api.request("GET", `/api/v1/tools/${other.id}/export?format=openai-responses`, { auth });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toBe("parameters uses not, which OpenAI's strict mode does not support; remove it from the tool's definition or export another format");
    expect((await api.request("GET", `/api/v1/tools/${other.id}/export?format=vapi`, { auth })).status).toBe(400);
  }, 60_000);
});
