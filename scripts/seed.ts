// Seeds the local D1 database with the deterministic demo storefront (or a synthetic catalog of N items:
// `npm run seed -- --synthetic 10000`) through `wrangler d1 execute --local`.
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DEMO_ANCHOR_DATE, demoCatalog } from "../shared/catalog/demo";
import { syntheticCatalog } from "../shared/catalog/synthetic";
import { catalogSql } from "./catalog-sql";

const args = process.argv.slice(2);
const syntheticAt = args.indexOf("--synthetic");
const count = syntheticAt >= 0 ? Number(args[syntheticAt + 1]) : 0;
if (syntheticAt >= 0 && !(Number.isInteger(count) && count > 0)) {
  console.error("usage: npm run seed [-- --synthetic N]");
  process.exit(2);
}
const catalog = count > 0 ? syntheticCatalog(count) : demoCatalog();
const version = count > 0 ? `synthetic-${count}` : `demo-${DEMO_ANCHOR_DATE}`;

const dir = join(".wrangler", "seed");
mkdirSync(dir, { recursive: true });
const file = join(dir, `${version.replace(/[^a-z0-9-]/gi, "_")}.sql`);
// The previous seed's extra items (e.g. a synthetic catalog) go, so the demo is exactly the demo.
writeFileSync(file, `DELETE FROM items;\n${catalogSql(catalog, version, DEMO_ANCHOR_DATE)}`);
execFileSync("npx", ["wrangler", "d1", "execute", "DB", "--local", `--file=${file}`], { stdio: ["ignore", "ignore", "inherit"] });
console.log(`seeded ${catalog.length} items (${version}) into the local D1 database`);
