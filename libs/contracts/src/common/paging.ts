import { z } from "zod";

/** Page size when a list request names none, or one out of range. */
export const DEFAULT_LIMIT = 50;
/** The largest page a list request may ask for. */
export const MAX_LIMIT = 200;

/** The paging rule of every list: a `limit` that is absent, ≤ 0 or above MAX_LIMIT means DEFAULT_LIMIT. */
export const pageLimit = (limit: number | undefined): number => (limit === undefined || limit <= 0 || limit > MAX_LIMIT ? DEFAULT_LIMIT : limit);

const integerString = (name: string) =>
  z
    .union([z.string(), z.number()])
    .transform((v, ctx) => {
      const n = typeof v === "number" ? v : /^-?\d+$/.test(v.trim()) ? Number(v) : Number.NaN;
      if (!Number.isSafeInteger(n)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${name} must be an integer` });
        return z.NEVER;
      }
      return n;
    });

/** `limit` (see `pageLimit`) and `offset` (≥ 0, default 0) query parameters. */
export const PagingQuerySchema = z.object({
  limit: integerString("limit").optional().transform(pageLimit),
  offset: integerString("offset")
    .optional()
    .refine((n) => n === undefined || n >= 0, "offset must not be negative")
    .transform((n) => n ?? 0),
});
