import { generateSchema } from "@anatine/zod-openapi";
import type { AppRoute } from "@ts-rest/core";
import { generateOpenApi } from "@ts-rest/open-api";
import { contract } from "./contract.js";
import { errorExample, EXAMPLES, parameterExample, TOOL_DEFINITION_EXAMPLES } from "./examples.js";
import { TOOL_DEFINITION_SCHEMAS, TOOL_TYPES, type ToolType } from "./tools/tools.schemas.js";

const PUBLIC_ROUTES = new Set(["/health", "/ready"]);

/** The tags, in the order the reference shows them. */
const TAGS = [
  { name: "health", description: "Liveness and readiness, for load balancers and orchestrators. No credentials." },
  { name: "api-keys", description: "Organisation API keys for machine clients. Managing them needs a JWT." },
  { name: "agents", description: "Voice and chat agents: time zone, event type, prompt, and their Cal.com connection." },
  { name: "tools", description: "Tools agents carry, their export to LLM and voice platforms, and the webhook those platforms call." },
  { name: "calcom", description: "Cal.com accounts (org-level ones agents are assigned, agents' private keys) and their event types." },
  { name: "appointments", description: "Availability, booking, rescheduling and cancelling on an agent's Cal.com account." },
  { name: "credits", description: "Credits per interaction: metering agent actions against the Cal.com credit balance, charged once per completed call." },
  { name: "waitlist", description: "Callers waiting for an earlier time: listed and cancelled here; a freed matching time is offered to the oldest by a waitlist.slot_opened event." },
  { name: "webhooks", description: "Events out: endpoints of the organisation that hear of every change of its appointments, signed, with their deliveries." },
];

type Schema = Record<string, unknown>;
/** The part of an OpenAPI response object read here (ts-rest writes them inline, never as a $ref). */
type OpenApiResponse = { description?: string; content?: Record<string, { schema?: { properties?: Record<string, unknown> }; example?: unknown }> };
type Document = ReturnType<typeof generateOpenApi>;

/** A route's example answer for a status: its own (the seed routes', from the original pages), else ours. */
export function exampleFor(route: AppRoute, operationId: string | undefined, status: number): unknown {
  const own = (route.metadata as { examples?: Record<number, unknown> } | undefined)?.examples?.[status];
  return own ?? (operationId ? EXAMPLES[operationId]?.[status] : undefined);
}

function tagOf(path: string): string {
  const area = path.split("/")[3];
  if (area === "calcom" && path.includes("/calls/")) return "credits";
  return area === "calcom" && path.includes("appointments") ? "appointments" : (area ?? "health");
}

/**
 * The OpenAPI 3.0 document of the whole API, generated from the contract: every route with its parameters, bodies and
 * every status it can return, and both ways to authenticate (a Bearer JWT or an organisation `X-Api-Key`).
 * Checked with swagger-parser, Spectral and Redocly (apps/api/test/openapi.int.test.ts).
 */
export function buildOpenApiDocument(version = "1.0.0") {
  let errorSchema: unknown;
  const doc = generateOpenApi(
    contract,
    {
      info: {
        title: "Agni API",
        version,
        description:
          "Cal.com connections, agent tools and appointments for AI voice and chat agents. Authenticate with a Bearer JWT (claim `org_id`) or an organisation API key in `X-Api-Key`.",
      },
      servers: [{ url: "/", description: "This server" }],
      tags: TAGS,
      components: {
        securitySchemes: {
          BearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT", description: "A JWT whose `org_id` claim names the organisation." },
          ApiKeyAuth: { type: "apiKey", in: "header", name: "X-Api-Key", description: "An organisation API key (created under /api/v1/api-keys)." },
        },
      },
      security: [{ BearerAuth: [] }, { ApiKeyAuth: [] }],
    },
    {
      setOperationId: true,
      operationMapper: (operation, route) => {
        const tag = tagOf(route.path);
        const security = (route.metadata as { security?: string } | undefined)?.security;
        return {
          ...operation,
          parameters: operation.parameters?.map((p) =>
            "$ref" in p || !p.required ? p : { ...p, example: parameterExample(tag, p.name, (p.schema ?? {}) as { enum?: unknown[] }) },
          ),
          // Every error answer has the same envelope: one shared schema instead of a copy per status and route.
          responses: Object.fromEntries(
            Object.entries<OpenApiResponse>(operation.responses ?? {}).map(([status, response]) => {
              const example = exampleFor(route, operation.operationId, Number(status));
              const schema = response.content?.["application/json"]?.schema;
              if (Number(status) >= 400 && schema?.properties?.code) {
                errorSchema ??= schema;
                const content = { schema: { $ref: "#/components/schemas/ErrorEnvelope" }, example: example ?? errorExample(Number(status)) };
                return [status, { ...response, content: { "application/json": content } }];
              }
              if (!example || !response.content?.["application/json"]) return [status, response];
              return [status, { ...response, content: { "application/json": { ...response.content["application/json"], example } } }];
            }),
          ),
          ...(PUBLIC_ROUTES.has(route.path) ? { security: [] } : security === "jwt" ? { security: [{ BearerAuth: [] }] } : {}),
          tags: [tag],
        };
      },
    },
  );
  doc.components = { ...doc.components, schemas: { ...doc.components?.schemas, ErrorEnvelope: errorSchema as object } };
  documentToolDefinitions(doc);
  return asOpenApi30(doc);
}

const pascal = (type: string) => type.replace(/(^|_)([a-z])/g, (_m, _s, c: string) => c.toUpperCase());

/**
 * A tool's `definition` takes the shape of its `type` (TOOL_DEFINITION_SCHEMAS, which the API enforces): one schema
 * per type in components, the create body as one variant per type discriminated by `type`, and the update body's
 * definition as any of the shapes (it is checked against the tool's type after the update).
 */
function documentToolDefinitions(doc: Document): void {
  const components = (doc.components ??= {});
  const schemas = (components.schemas ??= {}) as Record<string, Schema>;
  const createBody = doc.paths["/api/v1/tools/"].post.requestBody.content["application/json"];
  const updateBody = doc.paths["/api/v1/tools/{id}/"].patch.requestBody.content["application/json"];
  const base = createBody.schema as Schema & { properties: Record<string, Schema>; required: string[] };
  const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
  schemas.JsonSchemaObject = {
    type: "object",
    description: 'A JSON Schema describing the arguments as an object ("type": "object"); the API checks it against the JSON Schema meta-schema.',
    required: ["type"],
    properties: { type: { type: "string", enum: ["object"] } },
    additionalProperties: {},
  };
  const variants: Record<ToolType, string> = {} as Record<ToolType, string>;
  for (const type of TOOL_TYPES) {
    const { schema, required } = TOOL_DEFINITION_SCHEMAS[type];
    const shape = generateSchema(schema) as Schema & { properties?: Record<string, Schema> };
    if (shape.properties?.parameters) shape.properties.parameters = ref("JsonSchemaObject");
    const definition = `${pascal(type)}ToolDefinition`;
    // A type that needs no definition also takes null; in 3.0 that can only be said on the shape itself.
    schemas[definition] = { ...shape, ...(required ? {} : { nullable: true }), example: TOOL_DEFINITION_EXAMPLES[type] };
    variants[type] = `Create${pascal(type)}ToolBody`;
    schemas[variants[type]] = {
      ...base,
      description: `A tool of type ${type}.`,
      properties: { ...base.properties, type: { type: "string", enum: [type] }, definition: ref(definition) },
      required: [...base.required, ...(required ? ["definition"] : [])],
    };
  }
  createBody.schema = {
    oneOf: TOOL_TYPES.map((t) => ref(variants[t])),
    discriminator: { propertyName: "type", mapping: Object.fromEntries(TOOL_TYPES.map((t) => [t, ref(variants[t]).$ref])) },
  };
  updateBody.schema.properties.definition = {
    description: "Checked against the definition shape of the tool's type after the update (the body's `type`, else the tool's).",
    anyOf: TOOL_TYPES.map((t) => ref(`${pascal(t)}ToolDefinition`)),
  };
}

/**
 * Turns what the generator emits in the style of OpenAPI 3.1 / JSON Schema 2020-12 into OpenAPI 3.0.3, which the
 * document declares: a numeric `exclusiveMinimum`/`exclusiveMaximum` (zod `.positive()`) becomes the bound plus
 * `true`, and `nullable` without a `type` (zod `unknown`) is dropped (3.0.3: it has no effect there, and a schema
 * without `type` already admits null). Examples are data, not schemas, and are left alone.
 */
function asOpenApi30(doc: Document): Document {
  const visit = (node: unknown, key?: string): void => {
    if (Array.isArray(node)) return node.forEach((item) => visit(item));
    if (!node || typeof node !== "object") return;
    const schema = node as Schema;
    for (const [exclusive, bound, stricter] of [
      ["exclusiveMinimum", "minimum", (a: number, b: number) => a > b],
      ["exclusiveMaximum", "maximum", (a: number, b: number) => a < b],
    ] as const) {
      const limit = schema[exclusive];
      if (typeof limit !== "number") continue;
      const inclusive = schema[bound];
      if (typeof inclusive === "number" && stricter(inclusive, limit)) delete schema[exclusive];
      else Object.assign(schema, { [bound]: limit, [exclusive]: true });
    }
    if ("nullable" in schema && schema.type === undefined) delete schema.nullable;
    const data = key !== "properties" ? ["example", "examples"] : [];
    for (const [k, value] of Object.entries(schema)) if (!data.includes(k)) visit(value, k);
  };
  visit(doc);
  return { ...doc, openapi: "3.0.3" };
}
