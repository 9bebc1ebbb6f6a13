import fc from "fast-check";
import type { ZodTypeAny } from "zod";

/** Strings that have broken parsers, ORMs and templating before (short enough for a URL). */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "",
    " ",
    "__proto__",
    "constructor",
    "prototype",
    "../../../etc/passwd",
    "%00",
    "\u0000",
    "\ud800", // a lone surrogate: not encodable as UTF-8
    "' OR '1'='1' --",
    "<script>alert(1)</script>",
    "${jndi:ldap://127.0.0.1/a}",
    "{{7*7}}",
    "NaN",
    "-1",
    "1e309",
    "2026-02-30T25:61:00Z",
    "2031-03-04T10:00+25:00", // times as no caller says them: an offset past ±14:00, seconds, fractions, a far year
    "2031-03-04T11:00:30",
    "2031-03-04T11:00:00.5Z",
    "9999-03-04T10:00Z",
    "+010000-03-04T10:00:00Z",
    "00000000-0000-0000-0000-000000000000",
    "‮evil",
  ),
  fc.string({ unit: "binary", maxLength: 40 }),
);

/** Any JSON-ish value, with prototype-pollution keys and deep nesting mixed in. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  hostileString,
  fc.constant("x".repeat(20_000)),
  fc.constantFrom<unknown>(
    JSON.parse('{"__proto__":{"polluted":true}}'),
    { constructor: { prototype: { polluted: true } } },
    Number.MAX_SAFE_INTEGER + 2,
    -0,
    [],
    {},
    null,
  ),
  fc.integer({ min: 50, max: 400 }).map((depth) => {
    let v: unknown = "deep";
    for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
    return v;
  }),
);

interface Def {
  typeName: string;
  [k: string]: unknown;
}

const defOf = (schema: ZodTypeAny) => schema._def as Def;

/** Values shaped like `schema` (so requests reach the handlers, not only the validator), with hostile values mixed in. */
export function arbitraryFor(schema: ZodTypeAny | null | undefined, options: { urls?: string[] } = {}): fc.Arbitrary<unknown> {
  if (!schema) return hostileValue;
  if (typeof schema !== "object" || !("_def" in schema)) return fc.constant(undefined); // ts-rest's noBody()
  const def = defOf(schema);
  const either = (shaped: fc.Arbitrary<unknown>) => fc.oneof({ arbitrary: shaped, weight: 4 }, { arbitrary: hostileValue, weight: 1 });
  switch (def.typeName) {
    case "ZodString": {
      const checks = (def.checks as { kind: string }[]).map((c) => c.kind);
      if (checks.includes("uuid")) return either(fc.uuid());
      if (checks.includes("email")) return either(fc.emailAddress());
      if (checks.includes("datetime")) return either(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()));
      if (checks.includes("url")) return either(fc.constantFrom(...(options.urls ?? ["http://127.0.0.1:9"])));
      return either(fc.string({ maxLength: 30 }));
    }
    case "ZodNumber":
      return either(fc.oneof(fc.integer({ min: -5, max: 1_000 }), fc.double(), fc.constantFrom(0, -1, 1e308)));
    case "ZodBoolean":
      return either(fc.boolean());
    case "ZodLiteral":
      return fc.constant(def.value);
    case "ZodEnum":
      return either(fc.constantFrom(...(def.values as string[])));
    case "ZodNativeEnum":
      return either(fc.constantFrom(...Object.values(def.values as object)));
    case "ZodArray":
      return either(fc.array(arbitraryFor(def.type as ZodTypeAny, options), { maxLength: 4 }));
    case "ZodRecord":
      return either(fc.dictionary(hostileString, hostileValue, { maxKeys: 4 }));
    case "ZodObject": {
      const shape = (def.shape as () => Record<string, ZodTypeAny>)();
      const fields = Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, arbitraryFor(v, options)]));
      return either(fc.record(fields, { requiredKeys: [] }));
    }
    case "ZodOptional":
    case "ZodNullable":
      return fc.oneof(arbitraryFor(def.innerType as ZodTypeAny, options), fc.constant(def.typeName === "ZodNullable" ? null : undefined));
    case "ZodDefault":
    case "ZodBranded":
    case "ZodReadonly":
      return arbitraryFor((def.innerType ?? def.type) as ZodTypeAny, options);
    case "ZodEffects":
      return arbitraryFor(def.schema as ZodTypeAny, options);
    case "ZodPipeline":
      return arbitraryFor(def.in as ZodTypeAny, options);
    case "ZodLazy":
      return arbitraryFor((def.getter as () => ZodTypeAny)(), options);
    case "ZodUnion":
    case "ZodDiscriminatedUnion": {
      const opts = (def.options instanceof Map ? [...def.options.values()] : def.options) as ZodTypeAny[];
      return fc.oneof(...opts.map((o) => arbitraryFor(o, options)));
    }
    case "ZodIntersection":
      return fc
        .tuple(arbitraryFor(def.left as ZodTypeAny, options), arbitraryFor(def.right as ZodTypeAny, options))
        .map(([a, b]) => (a && b && typeof a === "object" && typeof b === "object" ? { ...a, ...b } : a));
    default:
      return hostileValue;
  }
}
