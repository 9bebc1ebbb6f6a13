// Applies pending migrations to the configured database: PostgreSQL when DATABASE_URL is set, otherwise the
// embedded PGlite database under AGNI_DATA_DIR (default .agni). Usage: npm run db:migrate
import { migrateDatabase } from "@agni/api/ops";

const where = await migrateDatabase(process.env, (names) => console.log(`applied: ${names?.join(", ")}`));
console.log(`Database is up to date (${where}).`);
