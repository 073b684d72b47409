// Five test projects, one `vitest run`:
// - workers: every domain and Worker test inside workerd through the Workers Vitest integration, with the real
//   D1, Durable Object and Queue bindings from wrangler.toml (migrations read here, applied in the setup file);
// - sdk: the storefront SDK's unit tests in Node, against hand-written fakes of the browser globals;
// - bench: the benchmark harness's regression check (bench/check.ts) on fixture results, in Node;
// - workerd: the deploy bundle in workerd, driven from Node (e2e/workerd): the queue's dead-letter hand-off;
// - browser: Debian's Chromium (playwright-core) against aura started as `npm start` starts it (e2e/server.ts),
//   after the others, so the journeys do not compete with workerd for the CPU.
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

export default defineConfig(async () => {
  const migrations = await readD1Migrations("./migrations");
  return {
    test: {
      projects: [
        {
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
                  // The deployed budgets (a 25 ms profile read, 50 ms to prepare a page's decisions) are for
                  // production; a busy 2-core CI runner can stall that long inside one request, which turned a
                  // correct answer into "unavailable" or an unpersonalized page now and then. Tests of the
                  // deadlines themselves set them explicitly.
                  FEATURE_STORE_TIMEOUT_MS: "2000",
                  PAGE_DECISION_BUDGET_MS: "5000",
                },
              },
            }),
          ],
          test: {
            name: "workers",
            include: ["shared/**/*.test.ts", "workers/**/*.test.ts"],
            // Statistics and model tests take a few CPU seconds each; a busy 2-core CI machine must not turn
            // that into a timeout (slowness is measured by `npm run bench`, never by tests).
            testTimeout: 30_000,
            setupFiles: ["./workers/test/apply-migrations.ts"],
            // A throwaway redis-server behind a local Upstash REST bridge, for the Upstash feature-store tests.
            globalSetup: ["./test-support/redis-setup.ts"],
            sequence: { groupOrder: 0 },
          },
        },
        {
          test: {
            name: "sdk",
            environment: "node",
            include: ["sdk/test/**/*.test.ts"],
            // Every test installs its own fake page; nothing may leak from one to the next.
            unstubGlobals: true,
            restoreMocks: true,
            sequence: { groupOrder: 0 },
          },
        },
        {
          test: {
            // The benchmark harness's pure logic (the regression gate's comparisons); no benchmark runs here.
            name: "bench",
            environment: "node",
            include: ["bench/**/*.test.ts"],
            sequence: { groupOrder: 0 },
          },
        },
        {
          test: {
            // The deploy bundle served by workerd through Miniflare, from Node: what the Workers pool does not
            // reproduce, such as the queue broker's retry delays and its hand-off to the dead-letter queue.
            name: "workerd",
            environment: "node",
            include: ["e2e/workerd/**/*.test.ts"],
            testTimeout: 240_000,
            hookTimeout: 120_000,
            sequence: { groupOrder: 0 },
          },
        },
        {
          test: {
            name: "browser",
            environment: "node",
            include: ["e2e/*.test.ts"],
            globalSetup: ["./e2e/server.ts"],
            testTimeout: 120_000,
            hookTimeout: 240_000,
            fileParallelism: false,
            sequence: { groupOrder: 1 },
          },
        },
      ],
    },
  };
});
