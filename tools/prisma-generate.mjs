// Runs `prisma generate` offline. The Prisma CLI wants a schema-engine binary to exist even though generate does
// not use it, and would download one when it is missing; pointing it at any existing file skips that download.
import { spawnSync } from "node:child_process";

const env = { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath };
const result = spawnSync("npx", ["--no-install", "prisma", "generate"], { stdio: "inherit", env });
process.exit(result.status ?? 1);
