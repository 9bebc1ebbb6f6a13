import express, { type ErrorRequestHandler, type RequestHandler } from "express";
import { AppError } from "../errors/app-error";

/** Default for AGNI_JSON_MAX_DEPTH: levels of objects and arrays in a request body (the body itself is level 1). */
export const DEFAULT_JSON_MAX_DEPTH = 32;

export interface JsonBodyOptions {
  /** Largest body, in body-parser's notation ("1mb"). */
  limit: string;
  /** Deepest nesting of objects and arrays accepted (the body itself is level 1). */
  maxDepth?: number;
}

const NUL = "Text must not contain NUL characters (\\u0000)";
const UNPAIRED = "Text must be valid Unicode: an unpaired UTF-16 surrogate (\\ud800–\\udfff) was sent";
const tooDeep = (maxDepth: number) => `The JSON body is nested too deeply: at most ${maxDepth} levels of objects and arrays`;

/** Rejects bodies that are not UTF-8 JSON (RFC 8259 §8.1) before anything tries to read them. */
const requireJson: RequestHandler = (req, _res, next) => {
  const hasBody = req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? 0) > 0;
  if (!hasBody) return next();
  if (!req.is(["application/json", "application/*+json"])) {
    return next(new AppError("UNSUPPORTED_MEDIA_TYPE", "Request bodies must be JSON (Content-Type: application/json)"));
  }
  const charset = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(req.headers["content-type"] ?? "")?.[1]?.toLowerCase();
  if (charset !== undefined && charset !== "utf-8" && charset !== "utf8") {
    return next(new AppError("UNSUPPORTED_MEDIA_TYPE", "Request bodies must be JSON in UTF-8"));
  }
  next();
};

const hex = (b: number | undefined) => (b === undefined ? NaN : b >= 0x30 && b <= 0x39 ? b - 0x30 : (b | 0x20) >= 0x61 && (b | 0x20) <= 0x66 ? (b | 0x20) - 0x57 : NaN);

/**
 * One pass over the raw UTF-8 bytes, before JSON.parse: nesting past `maxDepth` (Prisma, zod and our own code recurse
 * into JSON values, and a few thousand levels overflow their stacks; parsing 1 MB of `[` alone takes ~0.3 s), and text
 * PostgreSQL cannot store: U+0000 and unpaired UTF-16 surrogates, which JSON can only carry as `\u` escapes (raw UTF-8
 * cannot encode a surrogate, and a raw control character is malformed JSON). Malformed JSON is left to JSON.parse.
 */
function bodyProblem(buf: Uint8Array, maxDepth: number): string | null {
  let depth = 0;
  let inString = false;
  let pendingHigh = false; // the previous character of this string was a high surrogate
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i];
    if (!inString) {
      if (b === 0x22) inString = true;
      else if (b === 0x7b || b === 0x5b) {
        if (++depth > maxDepth) return tooDeep(maxDepth);
      } else if (b === 0x7d || b === 0x5d) depth--;
      continue;
    }
    let unit = -1; // the UTF-16 code unit an escape stands for; -1 for anything that cannot be a surrogate or NUL
    if (b === 0x22) {
      if (pendingHigh) return UNPAIRED;
      inString = false;
      continue;
    }
    if (b === 0x5c) {
      if (buf[i + 1] === 0x75) {
        unit = ((hex(buf[i + 2]) * 16 + hex(buf[i + 3])) * 16 + hex(buf[i + 4])) * 16 + hex(buf[i + 5]);
        i += 5;
        if (unit === 0) return NUL;
      } else {
        i += 1;
      }
    }
    const high = unit >= 0xd800 && unit <= 0xdbff;
    const low = unit >= 0xdc00 && unit <= 0xdfff;
    if (pendingHigh !== low) return UNPAIRED; // a high surrogate not followed by a low one, or a low one alone
    pendingHigh = high;
  }
  return null;
}

/**
 * The body pipeline of every route that takes one: UTF-8 JSON only (415), at most `limit` (413), nesting, NUL and
 * unpaired surrogates checked on the raw bytes before parsing (400). NUL in the URL is refused too. (Decoded query
 * strings cannot hold an unpaired surrogate: invalid escapes decode to U+FFFD.)
 */
export function jsonBody(options: JsonBodyOptions): Array<RequestHandler | ErrorRequestHandler> {
  const maxDepth = options.maxDepth ?? DEFAULT_JSON_MAX_DEPTH;
  const refuseNulInUrl: RequestHandler = (req, _res, next) => next(/%00/i.test(req.originalUrl) ? new AppError("INVALID_REQUEST", NUL) : undefined);
  const parse = express.json({
    limit: options.limit,
    strict: true,
    verify: (_req, _res, buf) => {
      const problem = bodyProblem(buf, maxDepth);
      if (problem) throw Object.assign(new Error(problem), { refusal: problem });
    },
  });
  // body-parser wraps what verify throws as a 403; it is the caller's 400.
  const refusal: ErrorRequestHandler = (err, _req, _res, next) =>
    next(typeof (err as { refusal?: unknown })?.refusal === "string" ? new AppError("INVALID_REQUEST", (err as { refusal: string }).refusal) : err);
  return [refuseNulInUrl, requireJson, parse, refusal];
}
