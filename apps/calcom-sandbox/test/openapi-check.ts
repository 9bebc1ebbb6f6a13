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
  for (const name of Object.keys(s)) if (/WebhookOutputDto$/.test(name) && s[name].properties?.triggers) s[name].properties.triggers = { type: "array", items: { type: "string" } };
  // Booking `metadata` and `bookingFieldsResponses` are free-form objects (the generator reads them as empty ones).
  return doc;
}

export class OpenApiCheck {
  private readonly doc: Doc;
  private readonly ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(file: URL) {
    this.doc = applyKnownDeviations(JSON.parse(readFileSync(file, "utf8")));
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
