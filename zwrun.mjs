import { Miniflare } from "miniflare";
import { readFileSync } from "node:fs";
const mf = new Miniflare({ modules: true, script: readFileSync(process.argv[2], "utf8"), compatibilityDate: "2025-01-01", compatibilityFlags: ["nodejs_compat"] });
for (let i = 0; i < 2; i++) { const r = await mf.dispatchFetch("http://x/"); console.log(await r.text()); } await mf.dispose();
