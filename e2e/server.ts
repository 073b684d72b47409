// Starts aura the way `npm start` does (scripts/start.mjs: build the SDK, migrate, seed, serve, warm the demo
// up) in a fresh state directory on its own port, and stops it after the browser tests. The bandit snapshot
// refreshes every second here so a click's effect shows within a session, and page decisions get a second
// instead of 50 ms: these tests check what pages show, and a loaded CI machine under `wrangler dev` (a proxy in
// front of workerd) must not turn them into tests of the fail-open path (workers/cdn tests cover that).
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";

export const E2E_PORT = 8788;
export const CHROMIUM = "/usr/bin/chromium";

let child: ChildProcess | null = null;
let stateDir: string | null = null;

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    adminKey: string;
    chromium: string | null;
    /** wrangler dev's --persist-to: local D1 is reachable there with `wrangler d1 execute --local`. */
    stateDir: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const chromium = existsSync(CHROMIUM) ? CHROMIUM : null;
  project.provide("chromium", chromium);
  if (!chromium) {
    // CI installs it (.ci/run); a local run without it says so instead of failing on a missing browser.
    if (process.env.CI) throw new Error(`browser tests need Chromium at ${CHROMIUM} (apt-get install chromium)`);
    console.warn(`\n⚠ browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install chromium)\n`);
    return async () => undefined;
  }
  if (!existsSync(".dev.vars")) {
    // start.mjs creates it from the example on first run; read the key from whichever exists.
  }
  stateDir = mkdtempSync(join(tmpdir(), "aura-e2e-"));
  const base = `http://127.0.0.1:${E2E_PORT}`;
  const output: string[] = [];
  await new Promise<void>((resolve, reject) => {
    child = spawn("node", ["scripts/start.mjs"], {
      env: { ...process.env, AURA_PERSIST_DIR: stateDir!, AURA_PORT: String(E2E_PORT), AURA_DEV_VARS: "--var BANDIT_SNAPSHOT_TTL_SECONDS:1 --var PAGE_DECISION_BUDGET_MS:1000" },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    const timer = setTimeout(() => reject(new Error(`aura did not get ready in 4 minutes:\n${output.join("").slice(-4000)}`)), 240_000);
    const onData = (buf: Buffer) => {
      const text = buf.toString();
      output.push(text);
      if (text.includes("the demo is ready")) {
        clearTimeout(timer);
        resolve();
      }
      if (text.includes("warming the demo failed")) {
        clearTimeout(timer);
        reject(new Error(`warming the demo failed:\n${output.join("").slice(-4000)}`));
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (buf: Buffer) => output.push(buf.toString()));
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`aura exited (${code}) before it was ready:\n${output.join("").slice(-4000)}`));
    });
  });
  const adminKey = /^ADMIN_API_KEY\s*=\s*"?([^"\n]*)"?/m.exec(readFileSync(".dev.vars", "utf8"))?.[1] ?? "";
  project.provide("baseUrl", base);
  project.provide("adminKey", adminKey);
  project.provide("stateDir", stateDir);
  return async () => {
    if (child?.pid) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // already gone
      }
    }
    await new Promise((r) => setTimeout(r, 500));
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  };
}
