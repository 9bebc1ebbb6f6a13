import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { SchemaEngine } from "@prisma/schema-engine-wasm";
import { bindMigrationAwareSqlAdapterFactory, type SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";

export type { SchemaEngine };

type EngineModule = typeof import("@prisma/schema-engine-wasm");
type WasmExports = Record<string, unknown>;
// The WebAssembly global exists in Node, but this project's type settings (no DOM lib) do not declare it.
const wasmApi = (globalThis as unknown as {
  WebAssembly: { instantiate(bytes: Uint8Array, imports: Record<string, object>): Promise<{ instance: { exports: WasmExports } }> };
}).WebAssembly;
let loading: Promise<EngineModule> | undefined;

/**
 * Loads Prisma's schema engine compiled to WebAssembly. The package's own entry point imports the .wasm file as an
 * ES module, which Node 20 cannot do without a flag, so the module is instantiated here from its bindings file.
 */
function loadEngineModule(): Promise<EngineModule> {
  loading ??= (async () => {
    const require = createRequire(import.meta.url);
    const bindingsPath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
    const bindings = (await import("@prisma/schema-engine-wasm/schema_engine_bg")) as EngineModule & {
      __wbg_set_wasm(exports: WasmExports): void;
    };
    const wasm = readFileSync(bindingsPath.replace(/\.js$/, ".wasm"));
    const { instance } = await wasmApi.instantiate(wasm, { "./schema_engine_bg.js": bindings });
    bindings.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as (() => void) | undefined)?.();
    return bindings;
  })();
  return loading;
}

/**
 * Opens a schema engine over a driver adapter factory (PGlite or node-postgres). `schema` is the Prisma schema text,
 * needed only for commands that read it (diffs and new migrations). Engine log lines go to `onLog`.
 */
export async function openSchemaEngine(
  factory: SqlMigrationAwareDriverAdapterFactory,
  options: { schema?: { path: string; content: string }; onLog?: (line: string) => void } = {},
): Promise<SchemaEngine> {
  const { SchemaEngine } = await loadEngineModule();
  const datamodels: [string, string][] | undefined = options.schema ? [[options.schema.path, options.schema.content]] : undefined;
  return SchemaEngine.new({ datamodels }, (line: string) => options.onLog?.(line), bindMigrationAwareSqlAdapterFactory(factory));
}
