// drizzle-kit writes plain SQL migrations into migrations/, which `wrangler d1 migrations apply` runs.
import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "sqlite",
  schema: "./shared/db/schema.ts",
  out: "./migrations",
});
