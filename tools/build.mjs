// Bundles one workspace project with esbuild. npm packages stay external (resolved from node_modules at run
// time); workspace libraries are resolved through the "agni-source" condition only when --bundle-workspace is set.
// Usage: node ../../tools/build.mjs <entry> [<entry>...] [--bundle-workspace] [--banner-shebang]
import { build } from "esbuild";
import { readFileSync } from "node:fs";

const args = process.argv.slice(2);
const entries = args.filter((a) => !a.startsWith("--"));
const bundleWorkspace = args.includes("--bundle-workspace");
const shebang = args.includes("--banner-shebang");
const pkg = JSON.parse(readFileSync("package.json", "utf8"));
const deps = Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies, ...pkg.optionalDependencies });
const external = bundleWorkspace ? deps.filter((d) => !d.startsWith("@agni/")) : deps;

await build({
  entryPoints: entries,
  outdir: "dist",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: true,
  conditions: bundleWorkspace ? ["agni-source"] : [],
  external: [...external, ...external.map((d) => `${d}/*`)],
  banner: {
    js: [
      shebang ? "#!/usr/bin/env node" : "",
      // Bundled CommonJS dependencies may call require(); give ESM output one.
      "import { createRequire as __agniCreateRequire } from 'node:module'; const require = __agniCreateRequire(import.meta.url);",
    ]
      .filter(Boolean)
      .join("\n"),
  },
  logLevel: "warning",
});
