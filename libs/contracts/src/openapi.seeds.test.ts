import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildOpenApiDocument } from "./openapi.js";

// The original pages' OpenAPI fragments (extracted by tools/src/extract-seed-openapi.ts) against our document.
type Op = { parameters?: { name: string; in: string; required?: boolean }[]; responses: Record<string, any>; security?: unknown[] };
const { fragments } = JSON.parse(readFileSync(new URL("../test/fixtures/seed-openapi.json", import.meta.url), "utf8")) as {
  fragments: Record<string, { paths: Record<string, Record<string, Op>>; components: { schemas: Record<string, any> } }>;
};
const ours = JSON.parse(JSON.stringify(buildOpenApiDocument())) as { paths: Record<string, Record<string, Op>>; components: { schemas: Record<string, any> } };

/** Follows a local $ref (ours or the fragment's) to the schema. */
function resolve(schema: any, schemas: Record<string, any>): any {
  while (schema?.$ref) schema = schemas[schema.$ref.split("/").pop()];
  return schema;
}

describe.each(Object.entries(fragments))("%s", (_file, fragment) => {
  for (const [path, methods] of Object.entries(fragment.paths)) {
    for (const [method, theirs] of Object.entries(methods)) {
      describe(`${method.toUpperCase()} ${path}`, () => {
        const mine = ours.paths[path]?.[method];

        it("exists with the same parameters", () => {
          expect(mine).toBeDefined();
          const shape = (ps: Op["parameters"] = []) => ps.map((p) => ({ name: p.name, in: p.in, required: p.required ?? false })).sort((a, b) => a.name.localeCompare(b.name));
          expect(shape(mine!.parameters)).toEqual(shape(theirs.parameters));
        });

        it("answers every status the page documents, with the page's fields and messages", () => {
          for (const [status, response] of Object.entries(theirs.responses)) {
            const mineResponse = mine!.responses[status];
            expect(mineResponse, `status ${status}`).toBeDefined();
            const theirSchema = resolve(response.content?.["application/json"]?.schema, fragment.components.schemas);
            const mySchema = resolve(mineResponse.content?.["application/json"]?.schema, ours.components.schemas);
            expect(Object.keys(mySchema.properties), `status ${status} fields`).toEqual(expect.arrayContaining(Object.keys(theirSchema.properties)));
            const theirData = resolve(theirSchema.properties.data, fragment.components.schemas);
            if (theirData?.properties) expect(Object.keys(mySchema.properties.data.properties)).toEqual(expect.arrayContaining(Object.keys(theirData.properties)));
            const theirExample = response.content?.["application/json"]?.example;
            const myExample = mineResponse.content?.["application/json"]?.example;
            if (theirExample && !String(theirExample.message).startsWith("<")) {
              expect(myExample?.message, `status ${status} message`).toBe(theirExample.message);
              expect(Object.keys(myExample.data)).toEqual(expect.arrayContaining(Object.keys(theirExample.data)));
            }
            if (theirExample?.code) expect(mySchema.properties.code.enum).toContain(theirExample.code);
          }
        });

        it("accepts the page's security schemes", () => {
          const schemes = Object.keys(fragment.components as any).includes("securitySchemes") ? (fragment.components as any).securitySchemes : {};
          const byType = (s: any) => `${s.type}:${s.scheme ?? s.name}`;
          const ourSchemes = (buildOpenApiDocument().components?.securitySchemes ?? {}) as Record<string, any>;
          for (const s of Object.values(schemes)) expect(Object.values(ourSchemes).map(byType)).toContain(byType(s));
        });
      });
    }
  }
});
