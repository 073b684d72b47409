// `npm start`: everything a new user needs, in order: dependencies, .dev.vars, local D1 migrations, demo
// seed, then the Worker on 127.0.0.1:8787. Plain Node (no dependencies) because it runs before npm install.
import { spawnSync, spawn } from "node:child_process";
import { copyFileSync, existsSync, statSync } from "node:fs";

const npx = process.platform === "win32" ? "npx.cmd" : "npx";
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

function run(cmd, args, what) {
  console.log(`\n> ${what}`);
  const r = spawnSync(cmd, args, { stdio: "inherit", env: { ...process.env, CI: process.env.CI ?? "1" } });
  if (r.status !== 0) {
    console.error(`\n${what} failed (exit ${r.status ?? r.signal}).`);
    process.exit(r.status ?? 1);
  }
}

const installed = existsSync("node_modules/.package-lock.json") && statSync("node_modules/.package-lock.json").mtimeMs >= statSync("package-lock.json").mtimeMs;
if (!installed) run(npm, ["install", "--no-audit", "--no-fund"], "installing dependencies");
if (!existsSync(".dev.vars")) {
  copyFileSync(".dev.vars.example", ".dev.vars");
  console.log("\ncreated .dev.vars from .dev.vars.example (admin key: see ADMIN_API_KEY there)");
}
// AURA_PERSIST_DIR keeps this instance's local state (D1, Durable Objects, queues) apart, e.g. for browser tests;
// AURA_PORT serves it on another port.
const persist = process.env.AURA_PERSIST_DIR ? ["--persist-to", process.env.AURA_PERSIST_DIR] : [];
const port = process.env.AURA_PORT ?? "8787";
run(npm, ["run", "build:sdk"], "bundling the storefront SDK");
run(npx, ["wrangler", "d1", "migrations", "apply", "DB", "--local", ...persist], "applying local D1 migrations");
run(npx, ["tsx", "scripts/seed.ts"], "seeding the demo storefront");
console.log(`\n> serving aura on http://127.0.0.1:${port} (Ctrl-C to stop)\n`);
const dev = spawn(npx, ["wrangler", "dev", "--ip", "127.0.0.1", "--port", port, ...persist, ...(process.env.AURA_DEV_VARS ?? "").split(" ").filter(Boolean)], { stdio: "inherit" });
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => dev.kill(sig));
dev.on("exit", (code) => process.exit(code ?? 0));

// Once it answers, teach the demo's hero bandit what a week of traffic would have (scripts/warm-demo.ts).
const base = `http://127.0.0.1:${port}`;
for (let i = 0; i < 120; i++) {
  const ok = await fetch(`${base}/health`).then((r) => r.ok).catch(() => false);
  if (ok) {
    const warm = spawn(npx, ["tsx", "scripts/warm-demo.ts", base], { stdio: "inherit" });
    warm.on("exit", (code) => console.log(code === 0 ? `\n> the demo is ready: open ${base}/ (storefront) and ${base}/dashboard\n` : `\nwarming the demo failed (exit ${code}); the storefront still works\n`));
    break;
  }
  await new Promise((r) => setTimeout(r, 1000));
}
