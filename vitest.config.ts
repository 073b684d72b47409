// Every test runs inside workerd through the Workers Vitest integration, with the real D1, Durable Object
// and Queue bindings from wrangler.toml. Migrations are read here (Node side) and applied in the setup file.
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

export default defineConfig(async () => {
  const migrations = await readD1Migrations("./migrations");
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          // Test-only bindings (declared in workers/test/env.d.ts); secrets that .dev.vars holds locally.
          bindings: {
            TEST_MIGRATIONS: migrations,
            ADMIN_API_KEY: "test-admin-key",
            VISITOR_ID_SALT: "test-salt",
            // Learning tests run thousands of decisions in seconds: posteriors refresh every second here.
            BANDIT_SNAPSHOT_TTL_SECONDS: "1",
          },
        },
      }),
    ],
    test: {
      include: ["shared/**/*.test.ts", "workers/**/*.test.ts"],
      setupFiles: ["./workers/test/apply-migrations.ts"],
    },
  };
});
