import { Prisma } from "./prisma";

/** A JSON column's new value: null must be spelled Prisma.JsonNull for Prisma; undefined means "leave as is". */
export function jsonColumn(value: Record<string, unknown> | null | undefined) {
  if (value === undefined) return undefined;
  return value === null ? Prisma.JsonNull : (value as Prisma.InputJsonValue);
}
