import { ManageResultSchema } from "@agni/contracts";
import { zodToJsonSchema } from "zod-to-json-schema";

/**
 * What every calendar function returns in MCP's `structuredContent`: the manage endpoint's result, or on a failure
 * (`isError`) the API's error code and details. Declared as each calendar tool's `outputSchema`; MCP clients validate it.
 */
const { $schema: _draft, ...RESULT_SCHEMA } = zodToJsonSchema(ManageResultSchema, { target: "jsonSchema7", $refStrategy: "none", removeAdditionalStrategy: "strict" });
const FAILURE_SCHEMA = {
  type: "object",
  properties: { code: { type: "string", description: "The API's error code, e.g. SLOT_UNAVAILABLE." }, details: { type: "object", description: "The API error's details." } },
  required: ["code"],
  additionalProperties: false,
};
export const CALENDAR_OUTPUT_SCHEMA = { type: "object" as const, anyOf: [RESULT_SCHEMA, FAILURE_SCHEMA] };

/**
 * A calendar function as an MCP tool, the same in `export?format=mcp` and on the served `/mcp`: closed to unknown
 * arguments (the manage endpoint would take them as booking answers), with the output schema.
 */
export function calendarMcpTool(f: { name: string; description: string; parameters: Record<string, unknown> }) {
  return { name: f.name, description: f.description, inputSchema: { ...f.parameters, additionalProperties: false }, outputSchema: CALENDAR_OUTPUT_SCHEMA };
}
