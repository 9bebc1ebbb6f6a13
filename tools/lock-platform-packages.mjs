// The registry this project installs from does not carry nx's native packages for other platforms, so `npm install`
// leaves them out of package-lock.json and `npm ci` then refuses the lockfile as "out of sync". This records them
// as optional, platform-bound entries (never installed on a non-matching machine). Run after any nx upgrade:
//   node tools/lock-platform-packages.mjs
import { readFileSync, writeFileSync } from "node:fs";

const PLATFORMS = {
  "darwin-arm64": { os: "darwin", cpu: "arm64" },
  "darwin-x64": { os: "darwin", cpu: "x64" },
  "freebsd-x64": { os: "freebsd", cpu: "x64" },
  "linux-arm-gnueabihf": { os: "linux", cpu: "arm" },
  "linux-arm64-gnu": { os: "linux", cpu: "arm64", libc: "glibc" },
  "linux-arm64-musl": { os: "linux", cpu: "arm64", libc: "musl" },
  "linux-x64-gnu": { os: "linux", cpu: "x64", libc: "glibc" },
  "linux-x64-musl": { os: "linux", cpu: "x64", libc: "musl" },
  "win32-arm64-msvc": { os: "win32", cpu: "arm64" },
  "win32-x64-msvc": { os: "win32", cpu: "x64" },
};

const file = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(file, "utf8"));
const version = lock.packages["node_modules/nx"].version;
let added = 0;
for (const [name, { os, cpu, libc }] of Object.entries(PLATFORMS)) {
  const key = `node_modules/@nx/nx-${name}`;
  if (lock.packages[key]) continue;
  lock.packages[key] = { version, cpu: [cpu], dev: true, ...(libc ? { libc: [libc] } : {}), license: "MIT", optional: true, os: [os] };
  added += 1;
}
const [root, ...rest] = Object.entries(lock.packages);
lock.packages = Object.fromEntries([root, ...rest.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))]);
writeFileSync(file, JSON.stringify(lock, null, 2) + "\n");
console.log(`package-lock.json: ${added} platform entr${added === 1 ? "y" : "ies"} added for nx ${version}`);
