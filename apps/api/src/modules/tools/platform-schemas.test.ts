import { describe, expect, it } from "vitest";
import { ELEVENLABS, OPENAI_STRICT, strictSchema, translateSchema, VAPI } from "./platform-schemas";

const days = { type: "integer", minimum: 1, maximum: 30, description: "How many days ahead to look (default 7)." };
const params = {
  type: "object",
  properties: {
    days_ahead: days,
    email: { type: "string", format: "email", description: "The caller's email" },
    phone: { type: "string", pattern: "^\\+[1-9]\\d{6,14}$" },
    size: { type: "string", enum: ["s", "m"], title: "Size" },
  },
  required: ["size"],
};

describe("translateSchema", () => {
  it("Vapi: keeps pattern, email format and string enums; says minimum and maximum in words", () => {
    const out = translateSchema(params, VAPI);
    expect(out.properties).toEqual({
      days_ahead: { type: "integer", description: "How many days ahead to look (default 7). Must be at least 1 and at most 30." },
      email: { type: "string", format: "email", description: "The caller's email" },
      phone: { type: "string", pattern: "^\\+[1-9]\\d{6,14}$" },
      size: { type: "string", enum: ["s", "m"], title: "Size" },
    });
    expect(params.properties.days_ahead).toBe(days); // the input is left as it was
  });

  it("ElevenLabs: format and pattern become words too, title goes", () => {
    const props = translateSchema(params, ELEVENLABS).properties as Record<string, Record<string, unknown>>;
    expect(props.email).toEqual({ type: "string", description: "The caller's email. Must be an email address." });
    expect(props.phone).toEqual({ type: "string", description: "Must be text matching the pattern ^\\+[1-9]\\d{6,14}$." });
    expect(props.size).toEqual({ type: "string", enum: ["s", "m"] });
  });

  it("refuses structure a platform cannot express, naming where", () => {
    expect(() => translateSchema({ type: "object", properties: { a: { anyOf: [{ type: "string" }, { type: "integer" }] } } }, VAPI)).toThrow(
      "parameters.properties.a uses anyOf, which Vapi does not support; remove it from the tool's definition or export another format",
    );
  });
});

describe("strictSchema", () => {
  it("requires every property, makes the optional ones nullable and closes every object", () => {
    const nested = { type: "object", properties: { inner: { type: "object", properties: { x: { type: "number" } } }, tags: { type: "array", items: { type: "object", properties: { t: { type: "string" } }, required: ["t"] } } } };
    expect(strictSchema(translateSchema({ ...params, properties: { ...params.properties, nested } }, OPENAI_STRICT))).toEqual({
      type: "object",
      properties: {
        days_ahead: { type: ["integer", "null"], minimum: 1, maximum: 30, description: days.description },
        email: { type: ["string", "null"], format: "email", description: "The caller's email" },
        phone: { type: ["string", "null"], pattern: "^\\+[1-9]\\d{6,14}$" },
        size: { type: "string", enum: ["s", "m"], title: "Size" },
        nested: {
          type: ["object", "null"],
          properties: {
            inner: { type: ["object", "null"], properties: { x: { type: ["number", "null"] } }, required: ["x"], additionalProperties: false },
            tags: { type: ["array", "null"], items: { type: "object", properties: { t: { type: "string" } }, required: ["t"], additionalProperties: false } },
          },
          required: ["inner", "tags"],
          additionalProperties: false,
        },
      },
      required: ["days_ahead", "email", "phone", "size", "nested"],
      additionalProperties: false,
    });
  });

  it("an optional enum allows null too; a union gains a null branch; a schema without a type already allows null", () => {
    const union = { description: "a or b", anyOf: [{ type: "string" }, { type: "integer" }] };
    const out = strictSchema({ type: "object", properties: { a: { type: "string", enum: ["x"] }, b: { description: "anything" }, c: union } });
    expect(out.properties).toEqual({
      a: { type: ["string", "null"], enum: ["x", null] },
      b: { description: "anything" },
      c: { description: "a or b", anyOf: [{ anyOf: union.anyOf }, { type: "null" }] },
    });
  });

  it("refuses an open object", () => {
    expect(() => strictSchema({ type: "object", properties: { m: { type: "object", additionalProperties: { type: "string" } } } })).toThrow(
      "parameters.properties.m allows additionalProperties, which OpenAI's strict mode does not support",
    );
  });
});
