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
run(npx, ["wrangler", "d1", "migrations", "apply", "DB", "--local"], "applying local D1 migrations");
run(npx, ["tsx", "scripts/seed.ts"], "seeding the demo storefront");
console.log("\n> serving aura on http://127.0.0.1:8787 (Ctrl-C to stop)\n");
const dev = spawn(npx, ["wrangler", "dev", "--ip", "127.0.0.1", "--port", "8787"], { stdio: "inherit" });
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => dev.kill(sig));
dev.on("exit", (code) => process.exit(code ?? 0));
