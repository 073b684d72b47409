// D1 tables (drizzle). The SQL in migrations/ is generated from this file by `npm run db:generate`.
import { sql } from "drizzle-orm";
import { index, integer, real, sqliteTable, text } from "drizzle-orm/sqlite-core";

const jsonList = (name: string) => text(name, { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`);

/** The catalog: products and content, loaded into each isolate's snapshot for ranking. */
export const items = sqliteTable(
  "items",
  {
    id: text("id").primaryKey(),
    kind: text("kind", { enum: ["product", "content"] }).notNull(),
    title: text("title").notNull(),
    url: text("url").notNull(),
    image: text("image"),
    category: text("category").notNull(),
    cluster: text("cluster").notNull(),
    topics: jsonList("topics"),
    tags: jsonList("tags"),
    skillLevel: text("skill_level", { enum: ["beginner", "intermediate", "pro"] }).notNull(),
    price: real("price").notNull(),
    currency: text("currency").notNull().default("USD"),
    margin: real("margin").notNull(),
    inventory: integer("inventory"),
    trend: real("trend").notNull(),
    popularity: real("popularity").notNull(),
    seasonalTags: jsonList("seasonal_tags"),
    publishedAt: text("published_at").notNull(),
    jurisdictions: jsonList("jurisdictions"),
    policyFlags: jsonList("policy_flags"),
    devices: jsonList("devices"),
    personas: jsonList("personas"),
    summary: text("summary").notNull().default(""),
    body: text("body").notNull().default(""),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [index("items_kind_idx").on(t.kind)],
);

/** Small key/value facts about the data, e.g. the catalog version snapshots compare against. */
export const meta = sqliteTable("meta", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});

/** Clickstream accepted by POST /v1/events, written by the queue consumer. Visitor ids are salted hashes. */
export const events = sqliteTable(
  "events",
  {
    // Deterministic per event so redelivered queue messages insert once (INSERT OR IGNORE).
    id: text("id").primaryKey(),
    visitorHash: text("visitor_hash").notNull(),
    sessionId: text("session_id"),
    type: text("type").notNull(),
    ts: text("ts").notNull(),
    url: text("url"),
    pageType: text("page_type"),
    category: text("category"),
    productId: text("product_id"),
    query: text("query"),
    value: real("value"),
    referrerClass: text("referrer_class"),
    utmSource: text("utm_source"),
    utmMedium: text("utm_medium"),
    utmCampaign: text("utm_campaign"),
    receivedAt: text("received_at").notNull(),
  },
  (t) => [index("events_visitor_ts_idx").on(t.visitorHash, t.ts), index("events_ts_idx").on(t.ts)],
);

/** The latest persona/micro-segment each visitor was placed in (one row per visitor). */
export const segmentAssignments = sqliteTable(
  "segment_assignments",
  {
    visitorHash: text("visitor_hash").primaryKey(),
    segmentId: text("segment_id").notNull(),
    persona: text("persona").notNull(),
    confidence: real("confidence").notNull(),
    intent: text("intent").notNull(),
    deviceClass: text("device_class").notNull(),
    recency: text("recency").notNull(),
    assignedAt: text("assigned_at").notNull(),
  },
  (t) => [index("segment_assignments_segment_idx").on(t.segmentId)],
);

/** Queue messages that can never succeed (invalid shape, unknown kind): kept with the reason, never dropped. */
export const rejectedMessages = sqliteTable("rejected_messages", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  queue: text("queue").notNull(),
  reason: text("reason").notNull(),
  body: text("body").notNull(),
  rejectedAt: text("rejected_at").notNull(),
});
