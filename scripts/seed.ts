// Seeds the local D1 database with the deterministic demo storefront (or a synthetic catalog of N items:
// `npm run seed -- --synthetic 10000`) through `wrangler d1 execute --local`.
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DEMO_ANCHOR_DATE, demoCatalog } from "../shared/catalog/demo";
import { syntheticCatalog } from "../shared/catalog/synthetic";
import { readFileSync } from "node:fs";
import { syntheticHistory } from "../shared/catalog/history";
import { hashVisitorId } from "../shared/privacy";
import { catalogSql, historySql } from "./catalog-sql";
import { demoCorpus } from "../shared/campaigns/demo-corpus";

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
// AURA_PERSIST_DIR: the same separate local state `npm start` was told to use.
const persist = process.env.AURA_PERSIST_DIR ? ["--persist-to", process.env.AURA_PERSIST_DIR] : [];
execFileSync("npx", ["wrangler", "d1", "execute", "DB", "--local", ...persist, `--file=${file}`], { stdio: ["ignore", "ignore", "inherit"] });
console.log(`seeded ${catalog.length} items (${version}) into the local D1 database`);

// Six months of clickstream from 2,000 synthetic customers, so the nightly jobs (segments, models, drift)
// have something to learn from on a fresh install. Visitor ids are hashed with the local salt, as the Worker does.
const salt = /^VISITOR_ID_SALT\s*=\s*"?([^"\n]*)"?/m.exec(readFileSync(".dev.vars", "utf8"))?.[1];
if (!salt) throw new Error("VISITOR_ID_SALT missing from .dev.vars");
const history = syntheticHistory({ customers: 2000, days: 180, now: new Date(), seed: 2026, productIds: catalog.filter((i) => i.kind === "product").map((i) => i.id) });
const hashes = new Map<string, string>();
for (const c of history.customers) hashes.set(c.visitor, await hashVisitorId(salt, c.visitor));
const historyFile = join(dir, "history.sql");
writeFileSync(
  historyFile,
  `DELETE FROM events WHERE id LIKE 'anon_hist_%';\n${historySql(history.events.map((e) => ({ id: e.id, visitorHash: hashes.get(e.visitor)!, session: e.session, type: e.type, ts: e.ts, productId: e.product_id, category: e.category, value: e.value })))}`,
);
execFileSync("npx", ["wrangler", "d1", "execute", "DB", "--local", ...persist, `--file=${historyFile}`], { stdio: ["ignore", "ignore", "inherit"] });
console.log(`seeded ${history.events.length} events from ${history.customers.length} synthetic customers (the nightly jobs' training data)`);

// The approved content corpus campaign emails are grounded in (brand guidelines, product facts, offers).
const sqlText = (s: string) => `'${s.replaceAll("'", "''")}'`;
const stamp = new Date().toISOString();
const corpusFile = join(dir, "approved-content.sql");
writeFileSync(
  corpusFile,
  demoCorpus
    .map((d) => `INSERT INTO approved_content (id, kind, title, body, tags, status, created_at, updated_at) VALUES (${[d.id, d.kind, d.title, d.body, JSON.stringify(d.tags)].map(sqlText).join(", ")}, 'approved', '${stamp}', '${stamp}') ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, title = excluded.title, body = excluded.body, tags = excluded.tags, status = 'approved', updated_at = excluded.updated_at;`)
    .join("\n"),
);
execFileSync("npx", ["wrangler", "d1", "execute", "DB", "--local", ...persist, `--file=${corpusFile}`], { stdio: ["ignore", "ignore", "inherit"] });
console.log(`seeded ${demoCorpus.length} approved content documents (campaign grounding)`);
