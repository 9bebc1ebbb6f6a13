import { contract } from "@agni/contracts";
import type { ZodTypeAny } from "zod";

export interface ContractRoute {
  method: string;
  path: string;
  body?: ZodTypeAny;
  query?: ZodTypeAny | null;
  pathParams?: ZodTypeAny;
}

/** Every route of the contract as `[dotted name, route]`, e.g. `["agents.getAgent", {method, path, …}]`. */
export const contractRoutes: [string, ContractRoute][] = [];
(function walk(node: Record<string, unknown>, prefix: string) {
  for (const [key, value] of Object.entries(node)) {
    if (value && typeof value === "object" && "method" in value && "path" in value) contractRoutes.push([`${prefix}${key}`, value as ContractRoute]);
    else if (value && typeof value === "object") walk(value as Record<string, unknown>, `${prefix}${key}.`);
  }
})(contract as unknown as Record<string, unknown>, "");
