// The campaign pipeline, advanced in bounded steps that persist their progress: segment the customers,
// generate three grounded variants per segment, screen every variant (an audit row per decision; a blocked one
// is regenerated or dropped), assign arms, then stop for review. A step interrupted halfway reruns without
// double counting: each one skips what an earlier attempt already wrote.
import { buildCorpusIndex, retrieve, type ApprovedContent, type ContentKind, type CorpusIndex } from "../../shared/campaigns/corpus";
import { DEMO_BRAND_NAME, DEMO_SIGN_OFF } from "../../shared/campaigns/demo-corpus";
import { checkGrounding } from "../../shared/campaigns/grounding";
import { corpusContext, GeneratedVariantsSchema, generationSystemPrompt, segmentRequest } from "../../shared/campaigns/prompt";
import { segmentCampaign, type CampaignSegment, type CampaignSegmentMode } from "../../shared/campaigns/segment";
import { STRATEGY_QUERY, strategiesFor, type Strategy } from "../../shared/campaigns/strategies";
import { templateVariants, TEMPLATE_GENERATOR, type GeneratedVariant } from "../../shared/campaigns/template";
import { assignArms } from "../../shared/campaigns/assign";
import type { SimulationTruth } from "../../shared/campaigns/simulate";
import { ClaudeClient, emptyUsage, llmSettings, type LlmUsage } from "../llm/claude";
import { screenVariant } from "./screening";

export type CampaignStatus = "created" | "running" | "awaiting_approval" | "approved" | "completed" | "failed" | "deleted";
export type CampaignStage = "queued" | "segmenting" | "generating" | "screening" | "assigning" | "review" | "ready" | "deleted";

export interface CampaignSettings {
  segments: CampaignSegmentMode;
  variants_per_segment: number;
  channel: string;
  auto_approve: boolean;
  seed: number;
  /** The engagement simulator's truth and seed when an operator set them (else the demo truth, `seed`). */
  simulation?: SimulationTruth;
  simulation_seed?: number;
}

export interface CampaignRow {
  id: string;
  name: string;
  status: CampaignStatus;
  stage: CampaignStage;
  done: number;
  total: number;
  settings: CampaignSettings;
  design: CampaignDesign | null;
  generator: string | null;
  usage: LlmUsage | null;
  error: string | null;
}

export interface CampaignDesign {
  method: string;
  segments: CampaignSegment[];
  notes: string[];
}

/** A problem no retry can fix (the campaign fails at once, with this message for the operator). */
export class CampaignError extends Error {}

/** Thrown steps a campaign survives (each retried by the next run or cron tick) before it is failed. */
const MAX_STEP_FAILURES = 3;
/** A variant that fails screening is rewritten at most this many times in all before its slot is dropped. */
const MAX_ATTEMPTS = 2;
/** Customer ids per UPDATE ... IN (json_each(?)) statement. */
const CHUNK = 1000;

export async function loadCampaign(db: D1Database, id: string): Promise<CampaignRow | null> {
  const row = await db
    .prepare("SELECT id, name, status, stage, done, total, settings, design, generator, usage, error FROM campaigns WHERE id = ?")
    .bind(id)
    .first<{ id: string; name: string; status: CampaignStatus; stage: CampaignStage; done: number; total: number; settings: string; design: string | null; generator: string | null; usage: string | null; error: string | null }>();
  if (!row) return null;
  return {
    ...row,
    settings: JSON.parse(row.settings) as CampaignSettings,
    design: row.design ? (JSON.parse(row.design) as CampaignDesign) : null,
    usage: row.usage ? (JSON.parse(row.usage) as LlmUsage) : null,
  };
}

/**
 * Takes the campaign's lease (so the cron and an on-demand run never advance it at once) and advances it until
 * it needs a human, finishes, or the time budget runs out. Returns the campaign as it stands.
 */
export async function advanceCampaign(env: Env, id: string, budgetMs: number): Promise<CampaignRow | null> {
  const started = Date.now();
  const leaseUntil = new Date(started + budgetMs + 30_000).toISOString();
  const took = await env.DB.prepare(
    "UPDATE campaigns SET lease_until = ?2, status = CASE WHEN status = 'created' THEN 'running' ELSE status END, stage = CASE WHEN stage = 'queued' THEN 'segmenting' ELSE stage END, updated_at = ?3 WHERE id = ?1 AND status IN ('created', 'running') AND (lease_until IS NULL OR lease_until < ?3)",
  )
    .bind(id, leaseUntil, new Date(started).toISOString())
    .run();
  if (took.meta.changes !== 1) return loadCampaign(env.DB, id);
  try {
    const deadline = started + budgetMs;
    // At least one step per run, however small the budget: every run makes progress.
    for (;;) {
      const campaign = (await loadCampaign(env.DB, id))!;
      if (campaign.status !== "running") break;
      await step(env, campaign, deadline);
      if (Date.now() > deadline) break;
    }
  } catch (err) {
    if (err instanceof CampaignError) {
      await env.DB.prepare("UPDATE campaigns SET status = 'failed', error = ?2, updated_at = ?3 WHERE id = ?1").bind(id, err.message, new Date().toISOString()).run();
      return loadCampaign(env.DB, id);
    }
    // A step that threw (D1 unavailable, say) is retried by the next run or cron tick; the third failure in a
    // campaign's life marks it failed, so a step that can never succeed stops retrying. Steps are idempotent.
    console.error(JSON.stringify({ level: "error", campaign_id: id, error: err instanceof Error ? err.message : String(err) }));
    await env.DB.prepare("UPDATE campaigns SET failures = failures + 1, status = CASE WHEN failures + 1 >= ?4 THEN 'failed' ELSE status END, error = ?2, updated_at = ?3 WHERE id = ?1")
      .bind(id, err instanceof Error ? err.message : String(err), new Date().toISOString(), MAX_STEP_FAILURES)
      .run()
      .catch(() => undefined);
  } finally {
    await env.DB.prepare("UPDATE campaigns SET lease_until = NULL WHERE id = ?").bind(id).run().catch(() => undefined);
  }
  return loadCampaign(env.DB, id);
}

/** Campaigns the cron should advance: running ones (resume) and created ones whose time has come. */
export async function dueCampaigns(db: D1Database, now: Date): Promise<string[]> {
  const rows = await db
    .prepare("SELECT id FROM campaigns WHERE (status = 'running' OR (status = 'created' AND scheduled_at IS NOT NULL AND scheduled_at <= ?1)) AND (lease_until IS NULL OR lease_until < ?1) ORDER BY created_at LIMIT 5")
    .bind(now.toISOString())
    .all<{ id: string }>();
  return rows.results.map((r) => r.id);
}

async function setStage(db: D1Database, id: string, fields: { status?: CampaignStatus; stage: CampaignStage; done: number; total: number; design?: CampaignDesign; generator?: string; usage?: LlmUsage }): Promise<void> {
  await db
    .prepare(
      "UPDATE campaigns SET status = COALESCE(?2, status), stage = ?3, done = ?4, total = ?5, design = COALESCE(?6, design), generator = COALESCE(?7, generator), usage = COALESCE(?8, usage), updated_at = ?9 WHERE id = ?1",
    )
    .bind(id, fields.status ?? null, fields.stage, fields.done, fields.total, fields.design ? JSON.stringify(fields.design) : null, fields.generator ?? null, fields.usage ? JSON.stringify(fields.usage) : null, new Date().toISOString())
    .run();
}

async function step(env: Env, campaign: CampaignRow, deadline: number): Promise<void> {
  switch (campaign.stage) {
    case "queued":
    case "segmenting":
      return segmentStep(env, campaign);
    case "generating":
      return generateStep(env, campaign, deadline);
    case "screening":
      return screenStep(env, campaign, deadline);
    case "assigning":
      return assignStep(env, campaign);
    default:
      throw new Error(`campaign ${campaign.id} is running at stage ${campaign.stage}, which has no step`);
  }
}

async function segmentStep(env: Env, campaign: CampaignRow): Promise<void> {
  const rows = await env.DB.prepare("SELECT customer_id, rfm, attributes FROM campaign_customers WHERE campaign_id = ?").bind(campaign.id).all<{ customer_id: string; rfm: string | null; attributes: string }>();
  const customers = rows.results.map((r) => ({ customer_id: r.customer_id, rfm: r.rfm ? (JSON.parse(r.rfm) as { recency_days: number; frequency: number; monetary: number }) : null, attributes: JSON.parse(r.attributes) as Record<string, string | number | boolean | null> }));
  // The k-anonymity floor holds for campaigns too: a small list gets fewer segments (the design notes say so),
  // never segments small enough to single people out.
  const minSegmentSize = Number(env.MIN_SEGMENT_SIZE || "50");
  const result = segmentCampaign(customers, { mode: campaign.settings.segments, minSegmentSize, seed: campaign.settings.seed });
  // Rewritten whole on a rerun: the same seed and input give the same segments.
  const bySegment = new Map<string, string[]>();
  for (const [customer, segment] of result.assignment) {
    const list = bySegment.get(segment);
    if (list) list.push(customer);
    else bySegment.set(segment, [customer]);
  }
  const statements: D1PreparedStatement[] = [];
  for (const [segment, ids] of bySegment) {
    for (let i = 0; i < ids.length; i += CHUNK) {
      statements.push(env.DB.prepare("UPDATE campaign_customers SET segment_id = ?2 WHERE campaign_id = ?1 AND customer_id IN (SELECT value FROM json_each(?3))").bind(campaign.id, segment, JSON.stringify(ids.slice(i, i + CHUNK))));
    }
  }
  if (statements.length) await env.DB.batch(statements);
  await setStage(env.DB, campaign.id, { stage: "generating", done: 0, total: result.segments.length, design: { method: result.method, segments: result.segments, notes: result.notes } });
}

interface Generation {
  corpus: CorpusIndex;
  brand: ApprovedContent[];
  claude: ClaudeClient | null;
}

async function generationContext(env: Env, campaign: CampaignRow): Promise<Generation> {
  const docs = await env.DB.prepare("SELECT id, kind, title, body, tags FROM approved_content WHERE status = 'approved' ORDER BY id").all<{ id: string; kind: ContentKind; title: string; body: string; tags: string }>();
  const corpus = buildCorpusIndex(docs.results.map((d) => ({ ...d, tags: JSON.parse(d.tags) as string[] })));
  if (!corpus.docs.some((d) => d.kind === "product" || d.kind === "offer")) {
    throw new CampaignError("there is no approved product or offer content to ground the emails in; add some with POST /v1/content/approved and run the campaign again");
  }
  const settings = llmSettings(env);
  return { corpus, brand: corpus.docs.filter((d) => d.kind === "brand"), claude: settings ? new ClaudeClient(settings, campaign.usage ?? emptyUsage()) : null };
}

/** Variants for a segment's strategies: Claude when a key is set (one retry with the validator's feedback),
 *  else, or when Claude's answers keep failing validation or grounding, the template generator. */
async function writeVariants(gen: Generation, segment: CampaignSegment, strategies: readonly Strategy[]): Promise<{ variants: GeneratedVariant[]; generator: string; problems: string[] }> {
  const problems: string[] = [];
  if (gen.claude) {
    const suggested = [...new Set(strategies.flatMap((s) => retrieve(gen.corpus, `${STRATEGY_QUERY[s]} ${segment.label}`, { limit: 3 }).map((r) => r.doc.id)))];
    let feedback: string | undefined;
    for (let attempt = 0; attempt < 2; attempt++) {
      const answer = await gen.claude.structured({
        system: generationSystemPrompt(gen.brand, DEMO_BRAND_NAME),
        cachedContext: corpusContext(gen.corpus.docs),
        user: segmentRequest(segment, strategies, suggested, feedback),
        schema: GeneratedVariantsSchema,
        maxTokens: 2000,
      });
      if (!answer.ok) {
        feedback = answer.error;
        problems.push(`claude: ${answer.error}`);
        continue;
      }
      const byStrategy = strategies.map((s) => answer.value.variants.find((v) => v.strategy === s));
      const missing = strategies.filter((_, i) => !byStrategy[i]);
      const ungrounded = byStrategy.flatMap((v) => (v ? checkGrounding(v, gen.corpus).problems : []));
      if (missing.length === 0 && ungrounded.length === 0) return { variants: byStrategy as GeneratedVariant[], generator: `claude:${gen.claude.settings.model}`, problems };
      feedback = [missing.length ? `missing strategies ${missing.join(", ")}` : "", ...ungrounded].filter(Boolean).join("; ");
      problems.push(`claude: ${feedback}`);
    }
  }
  return { variants: templateVariants(segment, strategies, gen.corpus, { signOff: DEMO_SIGN_OFF }), generator: TEMPLATE_GENERATOR, problems };
}

async function generateStep(env: Env, campaign: CampaignRow, deadline: number): Promise<void> {
  const design = campaign.design!;
  const gen = await generationContext(env, campaign);
  const existing = await env.DB.prepare("SELECT DISTINCT segment_id FROM campaign_variants WHERE campaign_id = ?").bind(campaign.id).all<{ segment_id: string }>();
  const done = new Set(existing.results.map((r) => r.segment_id));
  const generators = new Set<string>(campaign.generator ? campaign.generator.split("+") : []);
  const todo = design.segments.filter((s) => !done.has(s.id));
  // Segments are written concurrently (the client caps calls in flight); each segment's rows land in one batch,
  // so a segment is either fully written or not at all and a rerun picks up exactly the missing ones.
  const results = await Promise.all(
    todo.map(async (segment, i) => {
      // Past the deadline only the first segment still starts, so even a tiny budget makes progress.
      if (i > 0 && Date.now() > deadline) return null;
      const strategies = strategiesFor(segment.lifecycle, campaign.settings.variants_per_segment);
      const written = await writeVariants(gen, segment, strategies);
      const stamp = new Date().toISOString();
      await env.DB.batch(
        written.variants.map((v, slot) =>
          env.DB.prepare("INSERT INTO campaign_variants (id, campaign_id, segment_id, slot, attempt, strategy, subject, body, citations, generator, status, created_at) VALUES (?1, ?2, ?3, ?4, 1, ?5, ?6, ?7, ?8, ?9, 'pending', ?10) ON CONFLICT (id) DO NOTHING").bind(
            variantId(campaign.id, segment.id, slot + 1, 1),
            campaign.id,
            segment.id,
            slot + 1,
            v.strategy,
            v.subject,
            v.body,
            JSON.stringify(checkGrounding(v, gen.corpus).citations),
            written.generator,
            stamp,
          ),
        ),
      );
      generators.add(written.generator.startsWith("claude") ? "claude" : "template");
      return segment.id;
    }),
  );
  for (const id of results) if (id) done.add(id);
  const all = design.segments.every((s) => done.has(s.id));
  await setStage(env.DB, campaign.id, { stage: all ? "screening" : "generating", done: done.size, total: design.segments.length, generator: [...generators].sort().join("+"), ...(gen.claude ? { usage: gen.claude.usage } : {}) });
}

export function variantId(campaignId: string, segmentId: string, slot: number, attempt: number): string {
  return `${campaignId}:${segmentId}:v${slot}${attempt > 1 ? `r${attempt - 1}` : ""}`;
}

interface VariantRow {
  id: string;
  segment_id: string;
  slot: number;
  attempt: number;
  strategy: Strategy;
  subject: string;
  body: string;
  status: string;
}

async function screenStep(env: Env, campaign: CampaignRow, deadline: number): Promise<void> {
  const gen = await generationContext(env, campaign);
  const pending = await env.DB.prepare("SELECT id, segment_id, slot, attempt, strategy, subject, body, status FROM campaign_variants WHERE campaign_id = ? AND status = 'pending' ORDER BY id").bind(campaign.id).all<VariantRow>();
  const segments = new Map(campaign.design!.segments.map((s) => [s.id, s]));
  const generators = new Set<string>(campaign.generator ? campaign.generator.split("+") : []);
  for (const [i, variant] of pending.results.entries()) {
    if (i > 0 && Date.now() > deadline) break;
    // Groundedness first (the template generator's variants pass it by construction; Claude's were checked when
    // written, but a corpus edit in between could have retired a cited source).
    const grounding = checkGrounding(variant, gen.corpus);
    const verdict = await screenVariant(env, gen.claude, { campaignId: campaign.id, segmentId: variant.segment_id, variantId: variant.id, text: `${variant.subject}\n\n${variant.body}`, channel: campaign.settings.channel });
    const status = verdict.decision === "block" ? "blocked" : grounding.ok ? "approved" : "ungrounded";
    const statements = [env.DB.prepare("UPDATE campaign_variants SET status = ?2 WHERE id = ?1").bind(variant.id, status)];
    if (status !== "approved" && variant.attempt < MAX_ATTEMPTS) {
      // Rewrite the slot once: the template generator with the same strategy (grounded and, with the approved
      // corpus, on-brand); a second failure drops the slot rather than risk sending it.
      const segment = segments.get(variant.segment_id)!;
      const [replacement] = templateVariants(segment, [variant.strategy], gen.corpus, { signOff: DEMO_SIGN_OFF });
      if (replacement) {
        generators.add("template");
        statements.push(
          env.DB.prepare("INSERT INTO campaign_variants (id, campaign_id, segment_id, slot, attempt, strategy, subject, body, citations, generator, status, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'pending', ?11) ON CONFLICT (id) DO NOTHING").bind(
            variantId(campaign.id, variant.segment_id, variant.slot, variant.attempt + 1),
            campaign.id,
            variant.segment_id,
            variant.slot,
            variant.attempt + 1,
            replacement.strategy,
            replacement.subject,
            replacement.body,
            JSON.stringify(checkGrounding(replacement, gen.corpus).citations),
            TEMPLATE_GENERATOR,
            new Date().toISOString(),
          ),
        );
      }
    }
    await env.DB.batch(statements);
  }
  const left = await env.DB.prepare("SELECT count(*) AS n FROM campaign_variants WHERE campaign_id = ? AND status = 'pending'").bind(campaign.id).first<{ n: number }>();
  const screened = await env.DB.prepare("SELECT count(*) AS n FROM campaign_variants WHERE campaign_id = ? AND status != 'pending'").bind(campaign.id).first<{ n: number }>();
  await setStage(env.DB, campaign.id, { stage: left!.n === 0 ? "assigning" : "screening", done: screened!.n, total: screened!.n + left!.n, generator: [...generators].sort().join("+"), ...(gen.claude ? { usage: gen.claude.usage } : {}) });
}

async function assignStep(env: Env, campaign: CampaignRow): Promise<void> {
  const approved = await env.DB.prepare("SELECT id, segment_id, slot FROM campaign_variants WHERE campaign_id = ? AND status = 'approved' ORDER BY segment_id, slot").bind(campaign.id).all<{ id: string; segment_id: string; slot: number }>();
  const variants = new Map<string, string[]>();
  for (const v of approved.results) {
    const list = variants.get(v.segment_id);
    if (list) list.push(v.id);
    else variants.set(v.segment_id, [v.id]);
  }
  const rows = await env.DB.prepare("SELECT customer_id, segment_id FROM campaign_customers WHERE campaign_id = ? ORDER BY customer_id").bind(campaign.id).all<{ customer_id: string; segment_id: string }>();
  const members = new Map<string, string[]>();
  for (const r of rows.results) {
    const list = members.get(r.segment_id);
    if (list) list.push(r.customer_id);
    else members.set(r.segment_id, [r.customer_id]);
  }
  const assignments = assignArms(campaign.id, members, variants);
  const groups = new Map<string, { arm: string; variant: string | null; ids: string[] }>();
  for (const a of assignments) {
    const key = `${a.arm}\u0000${a.variant_id ?? ""}`;
    const group = groups.get(key);
    if (group) group.ids.push(a.customer_id);
    else groups.set(key, { arm: a.arm, variant: a.variant_id, ids: [a.customer_id] });
  }
  const statements: D1PreparedStatement[] = [];
  for (const g of groups.values()) {
    for (let i = 0; i < g.ids.length; i += CHUNK) {
      statements.push(env.DB.prepare("UPDATE campaign_customers SET arm = ?2, variant_id = ?3 WHERE campaign_id = ?1 AND customer_id IN (SELECT value FROM json_each(?4))").bind(campaign.id, g.arm, g.variant, JSON.stringify(g.ids.slice(i, i + CHUNK))));
    }
  }
  if (statements.length) await env.DB.batch(statements);
  const review = !campaign.settings.auto_approve;
  await setStage(env.DB, campaign.id, { status: review ? "awaiting_approval" : "approved", stage: review ? "review" : "ready", done: assignments.length, total: assignments.length });
  if (!review) await env.DB.prepare("UPDATE campaigns SET approved_at = ?2 WHERE id = ?1").bind(campaign.id, new Date().toISOString()).run();
}
