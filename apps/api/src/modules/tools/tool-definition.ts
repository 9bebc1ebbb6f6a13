import { CALCOM_FUNCTIONS, OPT_IN_FUNCTIONS, TOOL_DEFINITION_SCHEMAS, type ToolType } from "@agni/contracts";
import { Ajv } from "ajv";
import { invalidRequest } from "../../errors/app-error";

const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: true });

/** Checks that `schema` is itself a valid JSON Schema describing an object (what function calling expects). */
function checkParameters(schema: unknown, where: string) {
  if (!ajv.validateSchema(schema as object)) {
    throw invalidRequest(`${where} is not a valid JSON Schema: ${ajv.errorsText(ajv.errors, { dataVar: where })}`);
  }
  if ((schema as { type?: unknown }).type !== "object") {
    throw invalidRequest(`${where} must be a JSON Schema with "type": "object"`);
  }
  try {
    ajv.compile(schema as object);
  } catch (err) {
    throw invalidRequest(`${where} is not a usable JSON Schema: ${(err as Error).message}`);
  }
}

export interface ToolShape {
  type: ToolType;
  definition: Record<string, unknown> | null;
  enabledFunctions: string[];
}

/**
 * Validates a tool's type, definition and enabled functions together (on create, and on update against the
 * merged result) and returns the normalised definition.
 */
export function validateTool(tool: ToolShape): Record<string, unknown> | null {
  const rule = TOOL_DEFINITION_SCHEMAS[tool.type];
  if (tool.definition === null) {
    if (rule.required) throw invalidRequest(`definition is required for tools of type ${tool.type}`);
  }
  let definition = tool.definition;
  if (definition !== null) {
    const parsed = rule.schema.safeParse(definition);
    if (!parsed.success) {
      const [issue] = parsed.error.issues;
      const path = ["definition", ...(issue?.path ?? [])].join(".");
      const said = issue?.message ?? "is not valid";
      const message = said.startsWith("definition") ? said : `${path}: ${said}`;
      throw invalidRequest(message, { issues: parsed.error.issues.map((i) => ({ path: ["definition", ...i.path].join("."), message: i.message })) });
    }
    definition = parsed.data as Record<string, unknown>;
    if ("parameters" in definition) checkParameters(definition.parameters, "definition.parameters");
  }
  if (tool.type === "calcom") {
    const unknown = tool.enabledFunctions.filter((f) => !(CALCOM_FUNCTIONS as readonly string[]).includes(f));
    if (unknown.length > 0) {
      throw invalidRequest(
        `enabledFunctions.values for a calcom tool may only contain ${CALCOM_FUNCTIONS.join(", ")} (got ${unknown.join(", ")})`,
      );
    }
  }
  return definition;
}

/** A calendar tool can do everything a caller's agent does unless told otherwise (the host's confirm/decline and instant meetings only when named); other tools enable nothing by default. */
export function defaultEnabledFunctions(type: ToolType): string[] {
  return type === "calcom" ? CALCOM_FUNCTIONS.filter((f) => !OPT_IN_FUNCTIONS.includes(f)) : [];
}
