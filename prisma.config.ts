import { defineConfig } from "prisma/config";

// Used by `prisma generate` (and by `prisma migrate deploy` on machines that can run Prisma's own engine).
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/agni" },
});
