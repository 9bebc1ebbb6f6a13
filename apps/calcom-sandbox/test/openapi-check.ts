import { readFileSync } from "node:fs";
import Ajv, { type ValidateFunction } from "ajv";

/** One HTTP exchange between libs/calcom and the sandbox, as the conformance test records it. */
export interface Exchange {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: unknown;
  status: number;
  response: unknown;
}

interface Parameter {
  name: string;
  in: "query" | "header" | "path";
  required?: boolean;
  schema?: { default?: unknown; enum?: unknown[] };
  description?: string;
}

interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: { "application/json": { schema: object } } };
  responses: Record<string, { content?: { "application/json"?: { schema: object } } }>;
}

type Doc = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, any> } };

/**
 * Where Cal.com's real behaviour differs from its OpenAPI document (shared/spec/calcom-v2.md), the document is
 * corrected here before checking, so the check follows Cal.com and names each difference once.
 */
function applyKnownDeviations(doc: Doc): Doc {
  const s = doc.components.schemas;
  // Webhook `triggers` is typed as a string; Cal.com takes and returns an array of trigger names.
  for (const name of ["CreateWebhookInputDto", "UpdateWebhookInputDto"]) if (s[name]?.properties?.triggers) s[name].properties.triggers = { type: "array", items: { type: "string" } };
  for (const name of Object.keys(s)) {
    if (!/WebhookOutputDto$/.test(name) || !s[name].properties?.triggers) continue;
    s[name].properties.triggers = { type: "array", items: { type: "string" } };
    // A webhook created without a template has `payloadTemplate: null`.
    s[name].properties.payloadTemplate = { type: "string", nullable: true };
  }
  // GET /v2/slots: the document describes `data` at the top level with string items; Cal.com answers in the usual
  // envelope, with `{start}` objects (`{start, end}` for format=range).
  doc.paths["/v2/slots"]!.get!.responses["200"]!.content!["application/json"]!.schema = {
    type: "object",
    required: ["status", "data"],
    properties: {
      status: { type: "string", enum: ["success"] },
      data: { type: "object", additionalProperties: { type: "array", items: { type: "object", required: ["start"], properties: { start: { type: "string" }, end: { type: "string" } } } } },
    },
  };
  // The reservation read's `data` refers to its own envelope; it is the reservation without reservationDuration, or
  // null for an unknown uid (calcom/cal.com apps/api/v2/src/modules/slots/slots-2024-09-04/services/slots-output.service.ts
  // @ 741e51d2e35607058bbcab7e46e67c7a842cdb00 getReservationSlot; slots.service.ts @ f0ac6126fbf673cb8202562293bf12d976ccaa49).
  if (s.GetReservedSlotOutput_2024_09_04 && s.ReserveSlotOutput_2024_09_04) {
    const reservation = s.ReserveSlotOutput_2024_09_04;
    s.ReservedSlotRead = { ...reservation, required: reservation.required.filter((r: string) => r !== "reservationDuration") };
    s.GetReservedSlotOutput_2024_09_04.properties.data = { $ref: "#/components/schemas/ReservedSlotRead", nullable: true };
  }
  repairSchemaBugs(doc.components);
  repairSchemaBugs(doc.paths);
  return doc;
}

/**
 * Flaws of the generated document itself, repaired generically: booleans typed `object` (e.g. `isDefault`),
 * `enum` placed on an array instead of its items, a constant name where a regex belongs (`TIME_FORMAT_HH_MM`), and
 * unions without discriminators (`oneOf` over shapes told apart only by a `type` string), checked as `anyOf`.
 */
function repairSchemaBugs(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(repairSchemaBugs);
  if (!node || typeof node !== "object") return;
  const n = node as Record<string, any>;
  if (n.type === "object" && !n.properties && (typeof n.default === "boolean" || typeof n.example === "boolean")) n.type = "boolean";
  if (n.type === "object" && !n.properties && /^(Can be set|If true)/.test(n.description ?? "")) n.type = "boolean";
  if (n.type === "array" && Array.isArray(n.enum)) delete n.enum;
  if (n.pattern === "TIME_FORMAT_HH_MM") n.pattern = "^\\d{2}:\\d{2}$";
  if (Array.isArray(n.oneOf)) {
    n.anyOf = n.oneOf;
    delete n.oneOf;
  }
  Object.values(n).forEach(repairSchemaBugs);
}

/** OpenAPI 3.0's `nullable` without a `type` (e.g. beside `$ref`), in JSON Schema terms that Ajv accepts. */
function normaliseNullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(normaliseNullable);
  if (!node || typeof node !== "object") return node;
  const entries = Object.entries(node).map(([k, v]) => [k, normaliseNullable(v)] as const);
  const out = Object.fromEntries(entries) as Record<string, unknown>;
  if (out.nullable === true && out.type === undefined) {
    delete out.nullable;
    return { anyOf: [out, { type: "null" }] };
  }
  return out;
}

export class OpenApiCheck {
  private readonly doc: Doc;
  private readonly ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(file: URL) {
    this.doc = normaliseNullable(applyKnownDeviations(JSON.parse(readFileSync(file, "utf8")))) as Doc;
    this.ajv.addSchema({ components: this.doc.components }, "doc");
  }

  /** The documented path template and operation an actual request matches. */
  operation(method: string, pathname: string): { template: string; op: Operation; params: Record<string, string> } | undefined {
    for (const [template, ops] of Object.entries(this.doc.paths)) {
      const names: string[] = [];
      const re = new RegExp(`^${template.replace(/\{(\w+)\}/g, (_m, n) => (names.push(n), "([^/]+)"))}$`);
      const m = re.exec(pathname);
      const op = ops[method.toLowerCase()];
      if (m && op) return { template, op, params: Object.fromEntries(names.map((n, i) => [n, m[i + 1]!])) };
    }
    return undefined;
  }

  private validate(schema: object, value: unknown): string[] {
    const key = JSON.stringify(schema);
    let fn = this.validators.get(key);
    if (!fn) {
      const rewritten = JSON.parse(key.replace(/"#\/components\//g, '"doc#/components/'));
      fn = this.ajv.compile(rewritten);
      this.validators.set(key, fn);
    }
    return fn(value) ? [] : (fn.errors ?? []).map((e) => `${e.instancePath || "(root)"} ${e.message}`);
  }

  /** Problems with one exchange: undocumented operation or query parameter, missing required ones, wrong version header, bodies that do not match. */
  check(x: Exchange): string[] {
    const found = this.operation(x.method, x.url.pathname);
    if (!found) return [`${x.method} ${x.url.pathname} is not a documented operation`];
    const { op, template } = found;
    const where = `${x.method} ${template}`;
    const problems: string[] = [];
    const params = op.parameters ?? [];
    const queryNames = new Set(params.filter((p) => p.in === "query").map((p) => p.name));
    for (const key of x.url.searchParams.keys()) if (!queryNames.has(key)) problems.push(`${where}: query parameter ${key} is not documented`);
    for (const p of params) {
      if (p.in === "query" && p.required && !x.url.searchParams.has(p.name)) problems.push(`${where}: required query parameter ${p.name} is missing`);
      if (p.in === "header" && p.name === "cal-api-version") {
        const sent = x.headers["cal-api-version"];
        const wanted = (p.schema?.default as string | undefined) ?? /(\d{4}-\d{2}-\d{2})/.exec(p.description ?? "")?.[1];
        if (p.required && !sent) problems.push(`${where}: cal-api-version header is missing`);
        if (wanted && sent !== wanted) problems.push(`${where}: cal-api-version ${sent} sent, the document says ${wanted}`);
      }
    }
    const bodySchema = op.requestBody?.content["application/json"]?.schema;
    if (bodySchema && x.body !== undefined) problems.push(...this.validate(bodySchema, x.body).map((e) => `${where} request body ${e}`));
    const documented = op.responses[String(x.status)];
    if (!documented) problems.push(`${where}: status ${x.status} is not documented`);
    const responseSchema = documented?.content?.["application/json"]?.schema;
    if (responseSchema) problems.push(...this.validate(responseSchema, x.response).map((e) => `${where} response ${e}`));
    return problems;
  }
}
