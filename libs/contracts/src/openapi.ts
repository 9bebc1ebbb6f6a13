import type { AppRoute } from "@ts-rest/core";
import { generateOpenApi } from "@ts-rest/open-api";
import { contract } from "./contract";
import { errorExample, EXAMPLES } from "./examples";

const PUBLIC_ROUTES = new Set(["/health", "/ready"]);

/** The part of an OpenAPI response object read here (ts-rest writes every response inline, never as a $ref). */
type OpenApiResponse = { description?: string; content?: Record<string, { schema?: { properties?: Record<string, unknown> }; example?: unknown }> };

/** A route's example answer for a status: its own (the seed routes', from the original pages), else ours. */
export function exampleFor(route: AppRoute, operationId: string | undefined, status: number): unknown {
  const own = (route.metadata as { examples?: Record<number, unknown> } | undefined)?.examples?.[status];
  return own ?? (operationId ? EXAMPLES[operationId]?.[status] : undefined);
}

/**
 * The OpenAPI 3 document of the whole API, generated from the contract: every route with its parameters, bodies and
 * every status it can return, and both ways to authenticate (a Bearer JWT or an organisation `X-Api-Key`).
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
      operationMapper: (operation, route) => ({
        ...operation,
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
        ...(PUBLIC_ROUTES.has(route.path) ? { security: [] } : {}),
        tags: [route.path.split("/")[3] === "calcom" && route.path.includes("appointments") ? "appointments" : (route.path.split("/")[3] ?? "health")],
      }),
    },
  );
  doc.components = { ...doc.components, schemas: { ...doc.components?.schemas, ErrorEnvelope: errorSchema as object } };
  return doc;
}
