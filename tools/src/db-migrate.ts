// Applies pending migrations to the configured database: PostgreSQL when DATABASE_URL is set, otherwise the
// embedded PGlite database under AGNI_DATA_DIR (default .agni). Usage: npm run db:migrate
import path from "node:path";
import { openDatabase } from "../../apps/api/src/db/database";

const databaseUrl = process.env.DATABASE_URL || undefined;
const dataDir = path.resolve(process.env.AGNI_DATA_DIR ?? ".agni", "pglite");
const db = await openDatabase({
  databaseUrl,
  dataDir: databaseUrl ? undefined : dataDir,
  logger: { info: (fields: { migrations?: string[] }) => console.log(`applied: ${fields.migrations?.join(", ")}`) },
});
await db.close();
console.log(`Database is up to date (${databaseUrl ? "PostgreSQL" : `PGlite in ${dataDir}`}).`);
