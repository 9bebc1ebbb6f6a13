import { invalidRequest } from "../../errors/app-error";

/**
 * Each platform reads its own subset of JSON Schema in a function's parameters. A dialect names the keywords a
 * platform takes as they are; a constraint it does not take is said in words in the property's description ("Must be
 * at least 1 and at most 30."), so the model still knows it; structure it cannot express (allOf, not, …) refuses the
 * export; anything else (annotations it ignores) is left out.
 */
export interface Dialect {
  /** Name used in error messages, e.g. "Vapi". */
  platform: string;
  keep: ReadonlySet<string>;
  /** The `format` values it takes (others are described). */
  formats: ReadonlySet<string>;
  /** Whether `enum` may hold only strings (others are described). */
  stringEnums: boolean;
  /** Keywords that cannot be exported to it at all. */
  refuse: ReadonlySet<string>;
}

type Schema = Record<string, unknown>;
const isObject = (v: unknown): v is Schema => typeof v === "object" && v !== null && !Array.isArray(v);

const FORMAT_WORDS: Record<string, string> = {
  email: "an email address",
  "date-time": "an ISO 8601 date and time",
  date: "an ISO 8601 date (YYYY-MM-DD)",
  time: "an ISO 8601 time",
  duration: "an ISO 8601 duration",
  uri: "a URI",
  uuid: "a UUID",
  hostname: "a host name",
  ipv4: "an IPv4 address",
  ipv6: "an IPv6 address",
};
const literal = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));

/** What a constraint says after "Must be". */
const SAY: Record<string, (v: unknown) => string> = {
  minimum: (v) => `at least ${literal(v)}`,
  maximum: (v) => `at most ${literal(v)}`,
  exclusiveMinimum: (v) => `more than ${literal(v)}`,
  exclusiveMaximum: (v) => `less than ${literal(v)}`,
  multipleOf: (v) => `a multiple of ${literal(v)}`,
  minLength: (v) => `at least ${literal(v)} characters long`,
  maxLength: (v) => `at most ${literal(v)} characters long`,
  pattern: (v) => `text matching the pattern ${literal(v)}`,
  format: (v) => FORMAT_WORDS[String(v)] ?? `in ${literal(v)} format`,
  minItems: (v) => `a list of at least ${literal(v)} items`,
  maxItems: (v) => `a list of at most ${literal(v)} items`,
  enum: (v) => `one of ${(Array.isArray(v) ? v : [v]).map(literal).join(", ")}`,
  const: (v) => `exactly ${literal(v)}`,
};

const and = (parts: string[]) => (parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}`);
function withSentence(description: unknown, sentence: string): string {
  const text = typeof description === "string" ? description.trim() : "";
  if (!text) return sentence;
  return /[.!?…)]$/.test(text) ? `${text} ${sentence}` : `${text}. ${sentence}`;
}

const SCHEMA_MAPS = new Set(["properties", "$defs", "definitions"]);
const SCHEMA_LISTS = new Set(["anyOf", "oneOf", "allOf"]);

/** The schema in the platform's dialect (a new object; the input is not changed). @throws AppError (400) */
export function translateSchema(schema: Schema, dialect: Dialect, path = "parameters"): Schema {
  const out: Schema = {};
  const said: string[] = [];
  for (const [keyword, value] of Object.entries(schema)) {
    if (dialect.refuse.has(keyword)) {
      throw invalidRequest(`${path} uses ${keyword}, which ${dialect.platform} does not support; remove it from the tool's definition or export another format`);
    }
    const described = () => {
      if (SAY[keyword]) said.push(SAY[keyword](value));
    };
    if (!dialect.keep.has(keyword)) described();
    else if (keyword === "format" && !dialect.formats.has(String(value))) described();
    else if (keyword === "enum" && dialect.stringEnums && !(Array.isArray(value) && value.every((v) => typeof v === "string"))) described();
    else if (SCHEMA_MAPS.has(keyword) && isObject(value)) {
      out[keyword] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, isObject(v) ? translateSchema(v, dialect, `${path}.${keyword}.${k}`) : v]));
    } else if (SCHEMA_LISTS.has(keyword) && Array.isArray(value)) {
      out[keyword] = value.map((v, i) => (isObject(v) ? translateSchema(v, dialect, `${path}.${keyword}[${i}]`) : v));
    } else if ((keyword === "items" || keyword === "additionalProperties") && isObject(value)) {
      out[keyword] = translateSchema(value, dialect, `${path}.${keyword}`);
    } else out[keyword] = value;
  }
  if (said.length > 0) out.description = withSentence(out.description, `Must be ${and(said)}.`);
  return out;
}

/** Allows `null` besides what `schema` allows (strict mode's way of saying "optional"). */
function nullable(schema: Schema): Schema {
  const withNullEnum = Array.isArray(schema.enum) && !schema.enum.includes(null) ? { enum: [...schema.enum, null] } : {};
  if (typeof schema.type === "string") return schema.type === "null" ? schema : { ...schema, type: [schema.type, "null"], ...withNullEnum };
  if (Array.isArray(schema.type)) return { ...schema, type: schema.type.includes("null") ? schema.type : [...schema.type, "null"], ...withNullEnum };
  // No type: null is allowed already, unless a reference, a union or a literal narrows it.
  if (!["$ref", "anyOf", "enum", "const"].some((k) => k in schema)) return schema;
  const { description, ...rest } = schema;
  return { ...(description === undefined ? {} : { description }), anyOf: [rest, { type: "null" }] };
}

/**
 * OpenAI's strict mode: every object closed (`additionalProperties: false`) and listing all its properties as
 * required, the optional ones made nullable (the model sends null for "not given"), recursively.
 */
export function strictSchema(schema: Schema, path = "parameters"): Schema {
  if (schema.additionalProperties !== undefined && schema.additionalProperties !== false) {
    throw invalidRequest(`${path} allows additionalProperties, which OpenAI's strict mode does not support; remove it from the tool's definition or export another format`);
  }
  const out: Schema = { ...schema };
  if (isObject(schema.properties)) {
    const required = new Set(Array.isArray(schema.required) ? schema.required : []);
    out.properties = Object.fromEntries(
      Object.entries(schema.properties).map(([key, value]) => {
        const strict = isObject(value) ? strictSchema(value, `${path}.properties.${key}`) : value;
        return [key, required.has(key) || !isObject(strict) ? strict : nullable(strict)];
      }),
    );
    out.required = Object.keys(schema.properties);
  }
  if (schema.type === "object" || isObject(schema.properties)) out.additionalProperties = false;
  if (isObject(schema.items)) out.items = strictSchema(schema.items, `${path}.items`);
  for (const keyword of SCHEMA_LISTS) {
    const list = schema[keyword];
    if (Array.isArray(list)) out[keyword] = list.map((v) => (isObject(v) ? strictSchema(v) : v));
  }
  for (const keyword of ["$defs", "definitions"]) {
    const map = schema[keyword];
    if (isObject(map)) out[keyword] = Object.fromEntries(Object.entries(map).map(([k, v]) => [k, isObject(v) ? strictSchema(v) : v]));
  }
  return out;
}

const set = (...items: string[]) => new Set(items);
const COMMON_FORMATS = set("date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6", "uuid");

/** OpenAI strict mode (Chat Completions `strict: true`, Responses API): the subset its Structured Outputs take. */
export const OPENAI_STRICT: Dialect = {
  platform: "OpenAI's strict mode",
  keep: set(
    ...["type", "description", "title", "properties", "required", "additionalProperties", "items", "enum", "const", "anyOf", "$ref", "$defs", "definitions"],
    ...["pattern", "format", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minItems", "maxItems"],
  ),
  formats: COMMON_FORMATS,
  stringEnums: false,
  refuse: set(
    ...["allOf", "oneOf", "not", "if", "then", "else", "dependentRequired", "dependentSchemas", "dependencies", "patternProperties"],
    ...["propertyNames", "prefixItems", "contains", "unevaluatedItems", "unevaluatedProperties", "additionalItems"],
  ),
};

/** Vapi's `JsonSchema` (type, items, properties, description, pattern, format, required, enum of strings, title). */
export const VAPI: Dialect = {
  platform: "Vapi",
  keep: set("type", "items", "properties", "description", "pattern", "format", "required", "enum", "title"),
  formats: COMMON_FORMATS,
  stringEnums: true,
  refuse: set("anyOf", "oneOf", "allOf", "not", "$ref"),
};

/** ElevenLabs' literal, object and array properties (type, description, enum of strings, properties, required, items). */
export const ELEVENLABS: Dialect = {
  platform: "ElevenLabs",
  keep: set("type", "description", "enum", "properties", "required", "items"),
  formats: set(),
  stringEnums: true,
  refuse: set("anyOf", "oneOf", "allOf", "not", "$ref"),
};
