// Writes prisma/migrations/<timestamp>_<name>/migration.sql from the difference between the committed migrations
// and prisma/schema.prisma, offline (Prisma's schema engine as WebAssembly on a scratch PGlite database).
// Usage: npm run db:migration:new -- <name>
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createMigration, MIGRATION_LOCK } from "@agni/api/ops";

const name = process.argv[2];
if (!name) {
  console.error("usage: npm run db:migration:new -- <name>   (lower-case letters, digits, underscores)");
  process.exit(2);
}
const migrationsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../prisma/migrations");
mkdirSync(migrationsDir, { recursive: true });
const lock = path.join(migrationsDir, "migration_lock.toml");
if (!existsSync(lock)) writeFileSync(lock, MIGRATION_LOCK);
const dir = await createMigration(name, migrationsDir);
console.log(dir ? `Created ${path.relative(process.cwd(), dir)}/migration.sql` : "No schema changes: nothing to do.");
