import * as fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import SwaggerParser from "@apidevtools/swagger-parser";
import { lintFromString, loadConfig } from "@redocly/openapi-core";
import { Document, Spectral } from "@stoplight/spectral-core";
import { Json } from "@stoplight/spectral-parsers";
import { bundleAndLoadRuleset } from "@stoplight/spectral-ruleset-bundler/with-loader";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "./support/test-api";

// The document the API serves, run through the tools integrators use: swagger-parser, Spectral and Redocly, each
// with the repository's own configuration (.spectral.yaml, redocly.yaml and its .redocly.lint-ignore.yaml). The
// document is linted as docs/openapi.json, which a contracts test keeps identical to what the API serves.
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const DOC_PATH = path.join(ROOT, "docs/openapi.json");

type Operation = {
  operationId: string;
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; required?: boolean; example?: string }[];
  requestBody?: unknown;
};

let api: TestApi;
let doc: { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, any> } } & Record<string, any>;
let operations: { method: string; path: string; op: Operation }[];
beforeAll(async () => {
  api = await startTestApi();
  const res = await api.request("GET", "/openapi.json");
  expect(res.status).toBe(200);
  doc = res.body;
  operations = Object.entries(doc.paths).flatMap(([p, item]) => Object.entries(item).map(([method, op]) => ({ method, path: p, op })));
});
afterAll(async () => {
  await api?.close();
});

/** The operation's URL with its path and required query parameters set to their documented examples. */
function examplePath({ path: p, op }: { path: string; op: Operation }): string {
  const example = (name: string, where: string) => op.parameters!.find((x) => x.in === where && x.name === name)!.example!;
  const query = new URLSearchParams(op.parameters?.filter((x) => x.in === "query" && x.required).map((x) => [x.name, example(x.name, "query")]));
  return p.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(example(name, "path"))) + (query.size ? `?${query}` : "");
}

describe("the served OpenAPI document, through the ecosystem's tools", () => {
  it("is valid OpenAPI 3.0 for @apidevtools/swagger-parser", async () => {
    const validated = (await SwaggerParser.validate(structuredClone(doc) as never)) as { openapi?: string };
    expect(validated.openapi).toBe("3.0.3");
  });

  it("has no Spectral (spectral:oas) error, and no warning but the listed ones", async () => {
    const spectral = new Spectral();
    spectral.setRuleset(await bundleAndLoadRuleset(path.join(ROOT, ".spectral.yaml"), { fs, fetch: globalThis.fetch }));
    const results = await spectral.run(new Document(JSON.stringify(doc, null, 2), Json, DOC_PATH));
    const show = (r: (typeof results)[number]) => `${r.code} at ${r.path.join(".")}: ${r.message}`;
    expect(results.filter((r) => r.severity === 0).map(show)).toEqual([]);
    // No contact: the project publishes no address to put there.
    expect(results.filter((r) => r.severity === 1).map(show)).toEqual(['info-contact at info: Info object must have "contact" object.']);
  });

  it("has no Redocly (recommended) error, and no warning but the listed ones", async () => {
    const config = await loadConfig({ configPath: path.join(ROOT, "redocly.yaml") });
    const problems = (await lintFromString({ source: JSON.stringify(doc, null, 2), absoluteRef: DOC_PATH, config })).filter((p) => !p.ignored);
    const show = (p: (typeof problems)[number]) => `${p.ruleId} at ${p.location[0]?.pointer}: ${p.message}`;
    expect(problems.filter((p) => p.severity === "error").map(show)).toEqual([]);
    // No licence (the repository names none yet); /health and /ready have no 4xx answer.
    expect(problems.filter((p) => p.severity === "warn").map((p) => `${p.ruleId} ${p.location[0]?.pointer}`).sort()).toEqual([
      "info-license #/info",
      "operation-4xx-response #/paths/~1health/get/responses",
      "operation-4xx-response #/paths/~1ready/get/responses",
    ]);
  });

  it("gives path and required query parameters examples the API accepts (a contract tester can call with them)", async () => {
    const { auth } = await api.org();
    const withParams = operations.filter((o) => o.path.includes("{") && !o.op.requestBody);
    expect(withParams.length).toBeGreaterThan(8);
    for (const o of withParams) {
      const res = await api.request(o.method.toUpperCase(), examplePath(o), { auth });
      // The examples name nothing in this fresh organisation: anything but a complaint about the request itself.
      expect(res.status, `${o.method} ${examplePath(o)}: ${JSON.stringify(res.body)}`).not.toBe(400);
    }
  });

  it("declares exactly the operations that refuse an API key as JWT-only", async () => {
    const { auth } = await api.org();
    const key = (await api.request("POST", "/api/v1/api-keys", { auth, body: { name: "document test" } })).body.data.key as string;
    const jwtOnly = operations.filter((o) => JSON.stringify(o.op.security) === JSON.stringify([{ BearerAuth: [] }]));
    expect(jwtOnly.map((o) => o.op.operationId).sort()).toEqual(["createApiKey", "listApiKeys", "revokeApiKey"]);
    for (const o of operations.filter((o) => o.path.startsWith("/api/"))) {
      const body = o.op.operationId === "createApiKey" ? { name: "by key" } : o.op.requestBody ? {} : undefined;
      const res = await api.request(o.method.toUpperCase(), examplePath(o), { auth: { "x-api-key": key }, body });
      if (jwtOnly.includes(o)) expect(res.status, o.op.operationId).toBe(403);
      else expect([401, 403], `${o.op.operationId}: ${JSON.stringify(res.body)}`).not.toContain(res.status);
    }
  });

  it("documents each tool type's definition with an example that the API accepts for that type", async () => {
    const { auth } = await api.org();
    const body = doc.paths["/api/v1/tools/"]!.post!.requestBody as { content: Record<string, { schema: { discriminator: { mapping: Record<string, string> } } }> };
    const mapping = body.content["application/json"]!.schema.discriminator.mapping;
    const component = (ref: string) => doc.components.schemas[ref.split("/").pop()!];
    for (const [type, ref] of Object.entries(mapping)) {
      const definition = component(component(ref).properties.definition.$ref).example;
      const res = await api.request("POST", "/api/v1/tools/", { auth, body: { name: `documented_${type}`, type, definition } });
      expect(res.status, `${type}: ${JSON.stringify(res.body)}`).toBe(201);
    }
  });
});
