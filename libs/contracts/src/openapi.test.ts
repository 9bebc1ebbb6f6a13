import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { isAppRoute, type AppRoute, type AppRouter } from "@ts-rest/core";
import type { ZodTypeAny } from "zod";
import { ErrorEnvelopeSchema } from "./common/envelope.js";
import { contract } from "./contract.js";
import { buildOpenApiDocument, exampleFor } from "./openapi.js";
import { CreateAgentBodySchema } from "./agents/agents.schemas.js";
import { ManageAppointmentBodySchema } from "./appointments/appointments.schemas.js";
import { TOOL_DEFINITION_SCHEMAS, TOOL_TYPES } from "./tools/tools.schemas.js";

/** Every route of the contract with the key ts-rest uses as its operation id. */
function routesOf(router: AppRouter): [string, AppRoute][] {
  return Object.entries(router).flatMap(([key, value]) => (isAppRoute(value) ? [[key, value] as [string, AppRoute]] : routesOf(value as AppRouter)));
}

const committed = JSON.parse(readFileSync(new URL("../../../docs/openapi.json", import.meta.url), "utf8"));

describe("OpenAPI document", () => {
  it("docs/openapi.json is up to date with the contract (run `npm run openapi` after changing it)", () => {
    expect(JSON.parse(JSON.stringify(buildOpenApiDocument()))).toEqual(committed);
  });

  it("declares both ways to authenticate; health needs none, API keys need a JWT, every other route either", () => {
    const doc = buildOpenApiDocument();
    expect(doc.components?.securitySchemes).toMatchObject({
      BearerAuth: { type: "http", scheme: "bearer" },
      ApiKeyAuth: { type: "apiKey", in: "header", name: "X-Api-Key" },
    });
    expect(doc.security).toEqual([{ BearerAuth: [] }, { ApiKeyAuth: [] }]);
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const op of Object.values(item as Record<string, { security?: unknown[]; responses: Record<string, unknown> }>)) {
        if (path === "/health" || path === "/ready") expect(op.security).toEqual([]);
        // The API answers an API key with 403 there (apps/api/test/openapi.int.test.ts checks it).
        else if (path.startsWith("/api/v1/api-keys")) expect(op.security, path).toEqual([{ BearerAuth: [] }]);
        else expect(op.security, path).toBeUndefined();
        if (path.startsWith("/api/")) expect(Object.keys(op.responses), path).toEqual(expect.arrayContaining(["400", "401", "404", "500"]));
      }
    }
  });

  it("gives every answer of every route an example that its own schema accepts", () => {
    const doc = buildOpenApiDocument();
    const routes = routesOf(contract);
    expect(routes.length).toBeGreaterThan(25);
    for (const [operationId, route] of routes) {
      for (const [status, schema] of Object.entries(route.responses)) {
        const example = exampleFor(route, operationId, Number(status));
        if (Number(status) < 400) expect(example, `${operationId} ${status}`).toBeDefined();
        if (example === undefined) continue;
        const parsed = (schema as ZodTypeAny).safeParse(example);
        expect(parsed.success, `${operationId} ${status}: ${parsed.error?.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`).toBe(true);
      }
    }
    // In the document: every answer has an example, and each error answer is an envelope.
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const op of Object.values(item as Record<string, { responses: Record<string, { content?: Record<string, { example?: unknown; schema?: { $ref?: string } }> }> }>)) {
        for (const [status, response] of Object.entries(op.responses)) {
          const json = response.content?.["application/json"];
          expect(json?.example, `${path} ${status}`).toBeDefined();
          if (json?.schema?.$ref === "#/components/schemas/ErrorEnvelope") {
            expect(ErrorEnvelopeSchema.parse(json.example), `${path} ${status}`).toMatchObject({ success: false, code: expect.any(String) });
          }
        }
      }
    }
  });

  it("is OpenAPI 3.0: an exclusive bound is a boolean beside its number, and refuses 0 where the contract does", () => {
    const doc = buildOpenApiDocument() as any;
    expect(doc.openapi).toBe("3.0.3");
    const body = (path: string, method: string) => doc.paths[path][method].requestBody.content["application/json"].schema;
    const eventTypeId = body("/api/v1/agents/", "post").properties.calcomEventTypeId;
    const duration = body("/api/v1/calcom/appointments/manage", "post").properties.duration_minutes;
    for (const schema of [eventTypeId, duration]) expect(schema).toMatchObject({ type: "integer", minimum: 0, exclusiveMinimum: true });
    expect(CreateAgentBodySchema.safeParse({ agentName: "a", calcomEventTypeId: 0 }).success).toBe(false);
    expect(CreateAgentBodySchema.safeParse({ agentName: "a", calcomEventTypeId: 1 }).success).toBe(true);
    const manage = { action: "suggest", agent_id: "0192f5d4-7a10-7c3b-9d2a-5b6c7d8e9f01", timezone: "Europe/Berlin" };
    expect(ManageAppointmentBodySchema.safeParse({ ...manage, duration_minutes: 0 }).success).toBe(false);
    expect(ManageAppointmentBodySchema.safeParse({ ...manage, duration_minutes: 1 }).success).toBe(true);
    // Everywhere: no numeric exclusive bound (3.1 style), no `nullable` without a `type` (meaningless in 3.0).
    const walk = (node: unknown, at: string): void => {
      if (!node || typeof node !== "object") return;
      const n = node as Record<string, unknown>;
      for (const key of ["exclusiveMinimum", "exclusiveMaximum"]) if (key in n) expect(typeof n[key], `${at}.${key}`).toBe("boolean");
      if (n.nullable !== undefined) expect(n.type, `${at} is nullable without a type`).toBeDefined();
      for (const [k, v] of Object.entries(n)) walk(v, `${at}/${k}`);
    };
    walk(doc, "#");
  });

  it("describes and tags every operation, with every tag declared", () => {
    const doc = buildOpenApiDocument() as any;
    const declared = new Set(doc.tags.map((t: { name: string; description: string }) => (expect(t.description).toBeTruthy(), t.name)));
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item as Record<string, { description?: string; tags?: string[] }>)) {
        expect(op.description, `${method} ${path}`).toMatch(/\S{3}/);
        expect(op.tags?.length, `${method} ${path}`).toBe(1);
        expect(declared.has(op.tags![0]), `${method} ${path}: tag ${op.tags![0]}`).toBe(true);
      }
    }
  });

  it("gives every path and required query parameter an example that its own schema accepts", () => {
    const doc = buildOpenApiDocument() as any;
    const routes = new Map(routesOf(contract).map(([id, route]) => [id, route]));
    let count = 0;
    for (const item of Object.values(doc.paths)) {
      for (const op of Object.values(item as Record<string, { operationId: string; parameters?: { in: string; name: string; required?: boolean; example?: unknown }[] }>)) {
        for (const p of op.parameters?.filter((p) => p.in === "path" || p.required) ?? []) {
          count++;
          expect(p.example, `${op.operationId} ${p.name}`).toEqual(expect.any(String));
          const route = routes.get(op.operationId)!;
          const schema = (p.in === "path" ? route.pathParams : route.query) as unknown as { shape: Record<string, ZodTypeAny> };
          expect(schema.shape[p.name]!.safeParse(p.example).success, `${op.operationId} ${p.name}`).toBe(true);
        }
      }
    }
    expect(count).toBeGreaterThan(15);
  });

  it("documents a tool's definition per tool type, each shape with an example the API accepts for that type", () => {
    const doc = buildOpenApiDocument() as any;
    const create = doc.paths["/api/v1/tools/"].post.requestBody.content["application/json"].schema;
    expect(create.discriminator.propertyName).toBe("type");
    expect(Object.keys(create.discriminator.mapping).sort()).toEqual([...TOOL_TYPES].sort());
    expect(create.oneOf.map((s: { $ref: string }) => s.$ref).sort()).toEqual([...new Set(Object.values(create.discriminator.mapping))].sort());
    for (const type of TOOL_TYPES) {
      const variant = doc.components.schemas[create.discriminator.mapping[type].split("/").pop()];
      expect(variant.properties.type.enum, type).toContain(type);
      const { required, schema } = TOOL_DEFINITION_SCHEMAS[type];
      expect(variant.required.includes("definition"), type).toBe(required);
      const shape = doc.components.schemas[variant.properties.definition.$ref.split("/").pop()];
      expect(schema.safeParse(shape.example).success, `${type}: ${JSON.stringify(shape.example)}`).toBe(true);
      // A definition without the shape's required fields is refused by the API too.
      for (const field of shape.required ?? []) {
        const { [field]: _dropped, ...rest } = shape.example;
        expect(schema.safeParse(rest).success, `${type} without ${field}`).toBe(false);
      }
    }
    const update = doc.paths["/api/v1/tools/{id}/"].patch.requestBody.content["application/json"].schema;
    expect(update.properties.definition.anyOf.length).toBeGreaterThan(3);
  });
});
