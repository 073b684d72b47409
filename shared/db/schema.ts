// D1 tables (drizzle). The SQL in migrations/ is generated from this file by `npm run db:generate`.
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { UNKNOWN_DECISION_SQL } from "../learning/feedback";

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

/**
 * Messages the queue gave up on (every delivery failed: D1 or a Durable Object down for minutes), moved here by the
 * dead-letter queue's consumer so they outlive the queue's retention. Verbatim bodies, replayable by an admin.
 */
export const deadLetters = sqliteTable(
  "dead_letters",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** The queue's message id: a redelivered dead letter is stored once. */
    messageId: text("message_id").notNull().unique(),
    queue: text("queue").notNull(),
    /** The message's `kind` (events, decisions, feedback, ...), or null when the body has none. */
    kind: text("kind"),
    body: text("body").notNull(),
    /** Deliveries the dead-letter queue itself had made when this was stored. */
    attempts: integer("attempts").notNull(),
    deadAt: text("dead_at").notNull(),
    replayedAt: text("replayed_at"),
  },
  (t) => [index("dead_letters_pending_idx").on(t.replayedAt, t.id)],
);

export interface ExperimentVariantRow {
  id: string;
  weight: number;
  payload: Record<string, unknown>;
}

/** Experiments on a surface: fixed allocation or a bandit that learns per micro-segment. */
export const experiments = sqliteTable(
  "experiments",
  {
    id: text("id").primaryKey(),
    surfaceId: text("surface_id").notNull(),
    variants: text("variants", { mode: "json" }).$type<ExperimentVariantRow[]>().notNull(),
    allocation: text("allocation", { enum: ["fixed", "bandit"] }).notNull(),
    holdout: real("holdout").notNull().default(0),
    layer: text("layer"),
    metric: text("metric").notNull().default("click"),
    guardrails: jsonList("guardrails"),
    segmented: integer("segmented", { mode: "boolean" }).notNull().default(true),
    /** micro_segment or persona: what a segmented bandit keeps one posterior per. */
    segmentBy: text("segment_by", { enum: ["micro_segment", "persona"] }).notNull().default("micro_segment"),
    status: text("status", { enum: ["running", "paused", "stopped"] }).notNull().default("running"),
    /** Bandit state is spread over this many Durable Objects (by segment) to bound writes per object. */
    shards: integer("shards").notNull().default(4),
    /** Arms taken out of rotation (kept in history, never chosen). */
    retiredArms: jsonList("retired_arms"),
    /** Fixed allocation: which hash buckets serve which variant (rebalanced minimally when weights change). */
    bucketMap: text("bucket_map", { mode: "json" }).$type<unknown>(),
    /** Only visitors in these micro-segments enter (null: everyone). */
    eligibleSegments: text("eligible_segments", { mode: "json" }).$type<string[]>(),
    /** The experiment's slice [start, end) of its layer (mutually exclusive experiments share a layer). */
    layerRange: text("layer_range", { mode: "json" }).$type<[number, number]>(),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [index("experiments_surface_idx").on(t.surfaceId, t.status)],
);

/** Every rank decision, written by the queue consumer: what was served, to whom (hashed), and why. */
export const decisions = sqliteTable(
  "decisions",
  {
    requestId: text("request_id").primaryKey(),
    visitorHash: text("visitor_hash").notNull(),
    surfaceId: text("surface_id").notNull(),
    segmentId: text("segment_id"),
    experimentId: text("experiment_id"),
    /** The posterior the arm was drawn from (segment id, or "all" for unsegmented experiments). */
    banditSegment: text("bandit_segment"),
    arm: text("arm"),
    propensity: real("propensity").notNull(),
    holdout: integer("holdout", { mode: "boolean" }).notNull().default(false),
    items: text("items", { mode: "json" }).$type<string[]>().notNull(),
    policyVersion: text("policy_version").notNull(),
    decidedAt: text("decided_at").notNull(),
    /** The first item's score: its distribution day over day is a drift signal. */
    topScore: real("top_score"),
  },
  (t) => [
    index("decisions_experiment_idx").on(t.experimentId, t.segmentId, t.arm),
    index("decisions_decided_at_idx").on(t.decidedAt),
    // Erasure (DELETE /v1/users/:id) finds a visitor's decisions by hash; without it each erasure scans 13 months.
    index("decisions_visitor_idx").on(t.visitorHash),
  ],
);

/** Feedback as received: applied, recorded (no model uses it), duplicate or rejected (with the reason). */
export const feedback = sqliteTable(
  "feedback",
  {
    id: text("id").primaryKey(),
    /** request id, item and reward type: the same feedback twice is one row. */
    dedupeKey: text("dedupe_key").notNull().unique(),
    requestId: text("request_id").notNull(),
    itemId: text("item_id").notNull(),
    rewardType: text("reward_type").notNull(),
    value: real("value").notNull(),
    occurredAt: text("occurred_at").notNull(),
    receivedAt: text("received_at").notNull(),
    status: text("status", { enum: ["applied", "recorded", "rejected"] }).notNull(),
    reason: text("reason"),
    experimentId: text("experiment_id"),
    segmentId: text("segment_id"),
    arm: text("arm"),
    context: text("context", { mode: "json" }).$type<Record<string, unknown>>(),
  },
  (t) => [
    index("feedback_request_idx").on(t.requestId),
    index("feedback_status_idx").on(t.status),
    // Feedback rejected because its decision was not logged yet, newest first: what the reconciler looks through
    // every minute (reconcileUnknownFeedback in workers/queue/consumer.ts), without reading every other rejected row.
    index("feedback_unknown_decision_idx").on(t.receivedAt).where(sql.raw(UNKNOWN_DECISION_SQL)),
  ],
);

/**
 * Immutable posterior increments (one pull per bandit decision, at most one success per decision), flushed to
 * the bandit Durable Objects under a deterministic batch id. A row never changes once claimed by a batch, so
 * re-sending a batch after a crash sends identical deltas, which the object recognises by its id.
 */
export const rewardLedger = sqliteTable(
  "reward_ledger",
  {
    key: text("key").primaryKey(),
    kind: text("kind", { enum: ["pull", "success"] }).notNull(),
    requestId: text("request_id").notNull(),
    experimentId: text("experiment_id").notNull(),
    segmentId: text("segment_id").notNull(),
    arm: text("arm").notNull(),
    batchId: text("batch_id"),
    applied: integer("applied", { mode: "boolean" }).notNull().default(false),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("reward_ledger_batch_idx").on(t.batchId), index("reward_ledger_pending_idx").on(t.applied, t.batchId)],
);

/**
 * One run of a nightly job (or of the same job on demand). (job, run_key) is unique: a run that finished is
 * never repeated for the same key, and one interrupted halfway resumes from its cursor.
 */
export const jobRuns = sqliteTable(
  "job_runs",
  {
    job: text("job").notNull(),
    /** The night it belongs to ("2026-11-21") or "manual:<id>" for an on-demand run. */
    runKey: text("run_key").notNull(),
    status: text("status", { enum: ["running", "succeeded", "failed"] }).notNull(),
    attempts: integer("attempts").notNull().default(1),
    startedAt: text("started_at").notNull(),
    finishedAt: text("finished_at"),
    durationMs: integer("duration_ms"),
    /** What the job did (counts, metrics, flags), for admin health. */
    outcome: text("outcome", { mode: "json" }).$type<Record<string, unknown>>(),
    /** Progress of a job that works in bounded steps (e.g. retention), so a rerun continues, not restarts. */
    cursor: text("cursor", { mode: "json" }).$type<Record<string, unknown>>(),
    error: text("error"),
  },
  (t) => [primaryKey({ columns: [t.job, t.runKey] }), index("job_runs_started_idx").on(t.job, t.startedAt)],
);

/** Trained models: the active version serves until a candidate validates at least as well on its holdout. */
export const modelVersions = sqliteTable(
  "model_versions",
  {
    id: text("id").primaryKey(),
    kind: text("kind").notNull(),
    status: text("status", { enum: ["candidate", "active", "retired", "rejected"] }).notNull(),
    params: text("params", { mode: "json" }).$type<unknown>().notNull(),
    metrics: text("metrics", { mode: "json" }).$type<Record<string, number | null>>().notNull(),
    trainedOn: text("trained_on").notNull(),
    createdAt: text("created_at").notNull(),
    activatedAt: text("activated_at"),
  },
  (t) => [index("model_versions_kind_idx").on(t.kind, t.status)],
);

/** Nightly customer segments (RFM and behavioural clusters) per visitor, for targeting and GET /v1/segments. */
export const customerSegments = sqliteTable(
  "customer_segments",
  {
    visitorHash: text("visitor_hash").primaryKey(),
    segmentId: text("segment_id").notNull(),
    rfmSegment: text("rfm_segment"),
    modelVersion: text("model_version").notNull(),
    assignedAt: text("assigned_at").notNull(),
  },
  (t) => [index("customer_segments_segment_idx").on(t.segmentId)],
);

/**
 * Email campaigns: one row per uploaded campaign and its pipeline state. `stage`/`done`/`total` are the progress
 * a long run shows; `lease_until` keeps the cron and an on-demand run from advancing the same campaign at once.
 */
export const campaigns = sqliteTable(
  "campaigns",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    /** created → running → awaiting_approval → approved → completed; failed on an unrecoverable error. */
    status: text("status").notNull(),
    stage: text("stage").notNull(),
    done: integer("done").notNull().default(0),
    total: integer("total").notNull().default(0),
    settings: text("settings", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    uploadKind: text("upload_kind").notNull(),
    customers: integer("customers").notNull(),
    rejectedTotal: integer("rejected_total").notNull().default(0),
    rejectedRows: text("rejected_rows", { mode: "json" }).$type<{ line: number; reason: string }[]>().notNull(),
    generator: text("generator"),
    /** The design shown for review: segments (id, label, size, lifecycle, profile), method and notes. */
    design: text("design", { mode: "json" }).$type<Record<string, unknown>>(),
    /** LLM tokens and cost for this campaign: {requests, input_tokens, output_tokens, cache_*_tokens, cost_usd}. */
    usage: text("usage", { mode: "json" }).$type<Record<string, number | null>>(),
    error: text("error"),
    /** Steps that threw; a campaign is failed at the third, before that the next run retries the step. */
    failures: integer("failures").notNull().default(0),
    scheduledAt: text("scheduled_at"),
    leaseUntil: text("lease_until"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
    approvedAt: text("approved_at"),
  },
  (t) => [index("campaigns_status_idx").on(t.status, t.scheduledAt)],
);

/** The customers a campaign was uploaded with, their segment and (after assignment) arm and variant. */
export const campaignCustomers = sqliteTable(
  "campaign_customers",
  {
    campaignId: text("campaign_id").notNull(),
    customerId: text("customer_id").notNull(),
    rfm: text("rfm", { mode: "json" }).$type<{ recency_days: number; frequency: number; monetary: number } | null>(),
    attributes: text("attributes", { mode: "json" }).$type<Record<string, string | number | boolean | null>>().notNull(),
    segmentId: text("segment_id"),
    arm: text("arm"),
    variantId: text("variant_id"),
  },
  (t) => [
    primaryKey({ columns: [t.campaignId, t.customerId] }),
    index("campaign_customers_segment_idx").on(t.campaignId, t.segmentId),
    // Erasure and opt-out remove a customer from every campaign: the primary key leads with the campaign.
    index("campaign_customers_customer_idx").on(t.customerId),
  ],
);

/** The approved content corpus generation is grounded in: brand guidelines, product facts, offers. */
export const approvedContent = sqliteTable("approved_content", {
  id: text("id").primaryKey(),
  kind: text("kind").notNull(),
  title: text("title").notNull(),
  body: text("body").notNull(),
  tags: text("tags", { mode: "json" }).$type<string[]>().notNull(),
  status: text("status").notNull().default("approved"),
  createdAt: text("created_at").notNull(),
  updatedAt: text("updated_at").notNull(),
});

/** Generated email variants per campaign segment, with the sources they cite and their screening outcome. */
export const campaignVariants = sqliteTable(
  "campaign_variants",
  {
    id: text("id").primaryKey(),
    campaignId: text("campaign_id").notNull(),
    segmentId: text("segment_id").notNull(),
    slot: integer("slot").notNull(),
    attempt: integer("attempt").notNull(),
    strategy: text("strategy").notNull(),
    subject: text("subject").notNull(),
    body: text("body").notNull(),
    citations: text("citations", { mode: "json" }).$type<string[]>().notNull(),
    generator: text("generator").notNull(),
    /** pending (not screened yet), approved, blocked (safety), ungrounded (citations or figures do not check). */
    status: text("status").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("campaign_variants_campaign_idx").on(t.campaignId, t.segmentId, t.slot)],
);

/** One row per safety decision on a variant: the compliance audit trail (exported as audit.csv). */
export const safetyAudit = sqliteTable(
  "safety_audit",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    variantId: text("variant_id").notNull(),
    campaignId: text("campaign_id").notNull(),
    segmentId: text("segment_id").notNull(),
    textSha256: text("text_sha256").notNull(),
    decision: text("decision").notNull(),
    categories: text("categories", { mode: "json" }).$type<{ category: string; severity: number }[]>().notNull(),
    maxSeverity: integer("max_severity").notNull(),
    reasons: text("reasons", { mode: "json" }).$type<string[]>().notNull(),
    screenerVersion: text("screener_version").notNull(),
    screenedAt: text("screened_at").notNull(),
  },
  (t) => [uniqueIndex("safety_audit_variant_idx").on(t.variantId), index("safety_audit_campaign_idx").on(t.campaignId)],
);

/** Imported engagement per campaign customer (POST /v1/campaigns/:id/results). */
export const campaignResults = sqliteTable(
  "campaign_results",
  {
    campaignId: text("campaign_id").notNull(),
    customerId: text("customer_id").notNull(),
    opened: integer("opened").notNull(),
    clicked: integer("clicked").notNull(),
    converted: integer("converted").notNull(),
    importedAt: text("imported_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.customerId] }), index("campaign_results_customer_idx").on(t.customerId)],
);

/**
 * Visitors who opted out (POST /v1/users/:id/opt-out): no personalization, tracking or campaign inclusion from
 * then on. Only the salted hash is kept, forever: it is what honouring the opt-out needs, and it names no one.
 */
export const optOuts = sqliteTable(
  "opt_outs",
  {
    visitorHash: text("visitor_hash").primaryKey(),
    optedOutAt: text("opted_out_at").notNull(),
  },
  // Isolates re-read only what is newer than their copy.
  (t) => [index("opt_outs_at_idx").on(t.optedOutAt, t.visitorHash)],
);

/**
 * One row per erasure (DELETE /v1/users/:id) or opt-out: the accountability trail that a request was honoured and
 * what it removed. The visitor appears only as the salted hash, never the raw id the request named.
 */
export const erasureLog = sqliteTable(
  "erasure_log",
  {
    id: text("id").primaryKey(),
    visitorHash: text("visitor_hash").notNull(),
    kind: text("kind", { enum: ["erasure", "opt_out"] }).notNull(),
    requestedAt: text("requested_at").notNull(),
    /** Rows removed per table, and whether a profile existed: the receipt the caller was given. */
    counts: text("counts", { mode: "json" }).$type<Record<string, number | boolean>>().notNull(),
    actor: text("actor").notNull(),
  },
  (t) => [index("erasure_log_visitor_idx").on(t.visitorHash, t.requestedAt)],
);
