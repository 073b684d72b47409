// /v1/campaigns: upload customers or orders (CSV, streamed and validated row by row), run the pipeline, review
// and approve, export the sends for an email service provider, import results, and read the report and the
// safety audit trail.
import { Hono } from "hono";
import * as z from "zod";
import { buildCampaignReport, renderCampaignReportHtml, type CampaignOutcome } from "../../shared/campaigns/report";
import { defaultSimulationTruth, simulateEngagement, simulationTruthFor, SimulationTruthSchema, type SimulatedCustomer, type SimulationTruth } from "../../shared/campaigns/simulate";
import { CampaignUploadReader, MAX_UPLOAD_BYTES, UploadError, type UploadErrorCode } from "../../shared/campaigns/upload";
import { parseCsv, CsvError } from "../../shared/csv/parse";
import { csvRow } from "../../shared/csv/write";
import { campaignCustomers } from "../../shared/db/schema";
import { rfmNamesOf } from "../../shared/campaigns/segment";
import { bulkInsert } from "../data/bulk";
import { advanceCampaign, loadCampaign, type CampaignRow, type CampaignSettings } from "../campaigns/pipeline";
import { ApiError, invalidRequest } from "../http/errors";
import { incompleteBody, readBodyText, readJson, requireContentType, type AppEnv } from "../http/middleware";
import { dropOptedOutCustomers, OptOutsUnavailable } from "../privacy/opt-out";

export const campaignsRouter = new Hono<AppEnv>();

const booleanParam = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");

export const CreateParams = z.strictObject({
  name: z.string().trim().min(1).max(200).default("Untitled campaign"),
  segments: z.enum(["auto", "rfm", "kmeans"]).default("auto"),
  variants_per_segment: z.coerce.number().int().min(1).max(5).default(3),
  channel: z.enum(["email"]).default("email"),
  auto_approve: booleanParam.default(false),
  /** Run from the cron trigger at this time instead of on POST /run. */
  scheduled_at: z.iso.datetime({ offset: true }).optional(),
  seed: z.coerce.number().int().min(0).max(2 ** 31 - 1).optional(),
});

/**
 * Customers per campaign. The pipeline holds a campaign's customers in one isolate (segmentation, the report),
 * and at 100,000 that stays well inside a Worker's 128 MB; bigger lists go in as several campaigns.
 */
const MAX_CAMPAIGN_CUSTOMERS = 100_000;

const CampaignId = z.string().regex(/^cmp_[a-f0-9]{16}$/, "campaign ids look like cmp_ followed by 16 hex digits");

const UPLOAD_STATUS: Record<UploadErrorCode, 400 | 413 | 415 | 422> = {
  empty: 400,
  bad_encoding: 415,
  too_large: 413,
  unknown_format: 422,
  missing_columns: 422,
  malformed_csv: 400,
  too_many_columns: 422,
};

function uploadError(err: UploadError): ApiError {
  const code = err.code === "empty" ? "empty_upload" : err.code === "bad_encoding" ? "invalid_encoding" : err.code === "too_large" ? "payload_too_large" : err.code;
  return new ApiError(UPLOAD_STATUS[err.code], code, err.message, err.line !== undefined ? [{ line: err.line }] : undefined);
}

/** Streams the body through `write`, refusing a declared or actual size above `maxBytes`. */
async function streamBody(req: Request, maxBytes: number, write: (chunk: Uint8Array) => void): Promise<void> {
  const declared = Number(req.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > maxBytes) throw new ApiError(413, "payload_too_large", `uploads are limited to ${maxBytes} bytes (25 MiB); this one declares ${declared}`);
  if (!req.body) return;
  const reader = req.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      write(value);
    }
  } catch (err) {
    await reader.cancel().catch(() => undefined);
    if (err instanceof UploadError || err instanceof ApiError) throw err;
    // Anything else is the stream itself breaking off (the client went away mid-upload).
    incompleteBody();
  }
}

campaignsRouter.post("/", async (c) => {
  requireContentType(c, "text/csv");
  const params = CreateParams.safeParse(c.req.query());
  if (!params.success) throw invalidRequest(params.error, "query string");
  const now = new Date();
  const reader = new CampaignUploadReader({ now, maxBytes: MAX_UPLOAD_BYTES, maxCustomers: MAX_CAMPAIGN_CUSTOMERS });
  let summary;
  try {
    await streamBody(c.req.raw, MAX_UPLOAD_BYTES, (chunk) => reader.write(chunk));
    summary = reader.finish();
  } catch (err) {
    if (err instanceof UploadError) throw uploadError(err);
    throw err;
  }
  // Opted-out customers never join a campaign: dropped here, reported as rejected rows "opted out".
  summary = await dropOptedOutCustomers(c.env, summary).catch((err: unknown) => {
    if (err instanceof OptOutsUnavailable) throw new ApiError(503, "opt_outs_unavailable", "the upload could not be checked against opt-outs; nothing was stored, retry", undefined, { "retry-after": "5" });
    throw err;
  });
  if (summary.customers.length === 0) {
    throw new ApiError(422, "no_valid_rows", `none of the ${summary.rows} rows could be used; see details for the first problems`, summary.rejected.slice(0, 100));
  }
  const id = `cmp_${[...crypto.getRandomValues(new Uint8Array(8))].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
  const settings: CampaignSettings = {
    segments: params.data.segments,
    variants_per_segment: params.data.variants_per_segment,
    channel: params.data.channel,
    auto_approve: params.data.auto_approve,
    seed: params.data.seed ?? Number.parseInt(id.slice(4, 11), 16),
  };
  const stamp = now.toISOString();
  // One batch, one transaction: the campaign and all its customers, or nothing.
  await c.env.DB.batch([
    c.env.DB.prepare(
      "INSERT INTO campaigns (id, name, status, stage, done, total, settings, upload_kind, customers, rejected_total, rejected_rows, scheduled_at, created_at, updated_at) VALUES (?1, ?2, 'created', 'queued', 0, 0, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
    ).bind(id, params.data.name, JSON.stringify(settings), summary.kind, summary.customers.length, summary.rejected_total, JSON.stringify(summary.rejected.slice(0, 1000)), params.data.scheduled_at ? new Date(params.data.scheduled_at).toISOString() : null, stamp),
    ...bulkInsert(
      c.env.DB,
      campaignCustomers,
      summary.customers.map((cu) => ({ campaignId: id, customerId: cu.customer_id, rfm: cu.rfm, attributes: cu.attributes })),
    ),
  ]);
  return c.json({ campaign_id: id, name: params.data.name, kind: summary.kind, customers: summary.customers.length, rejected_rows: summary.rejected, rejected_total: summary.rejected_total, status: "created", scheduled_at: params.data.scheduled_at ?? null }, 201);
});

async function campaignOr404(c: { env: Env; req: { param(name: string): string } }): Promise<CampaignRow> {
  const parsed = CampaignId.safeParse(c.req.param("id"));
  if (!parsed.success) throw invalidRequest(parsed.error, "campaign id");
  const campaign = await loadCampaign(c.env.DB, parsed.data);
  if (!campaign) throw new ApiError(404, "not_found", `no campaign ${parsed.data}`);
  return campaign;
}

/** Status, progress, the design under review (segments, variants with safety results, arm sizes) and usage. */
async function campaignView(env: Env, campaign: CampaignRow): Promise<Record<string, unknown>> {
  const [meta, variants, arms] = await env.DB.batch([
    env.DB.prepare("SELECT upload_kind, customers, rejected_total, scheduled_at, created_at, updated_at, approved_at FROM campaigns WHERE id = ?").bind(campaign.id),
    env.DB.prepare(
      "SELECT v.id, v.segment_id, v.slot, v.attempt, v.strategy, v.subject, v.body, v.citations, v.generator, v.status, a.decision, a.categories, a.max_severity, a.reasons FROM campaign_variants v LEFT JOIN safety_audit a ON a.variant_id = v.id WHERE v.campaign_id = ? ORDER BY v.segment_id, v.slot, v.attempt",
    ).bind(campaign.id),
    env.DB.prepare("SELECT segment_id, arm, variant_id, count(*) AS n FROM campaign_customers WHERE campaign_id = ? AND arm IS NOT NULL GROUP BY segment_id, arm, variant_id ORDER BY segment_id, arm").bind(campaign.id),
  ]);
  const m = meta!.results[0] as Record<string, unknown>;
  const variantRows = variants!.results as { id: string; segment_id: string; slot: number; attempt: number; strategy: string; subject: string; body: string; citations: string; generator: string; status: string; decision: string | null; categories: string | null; max_severity: number | null; reasons: string | null }[];
  return {
    campaign_id: campaign.id,
    name: campaign.name,
    status: campaign.status,
    progress: { stage: campaign.stage, done: campaign.done, total: campaign.total },
    kind: m.upload_kind,
    customers: m.customers,
    rejected_total: m.rejected_total,
    settings: campaign.settings,
    generator: campaign.generator,
    design: campaign.design,
    variants: variantRows.map((v) => ({
      variant_id: v.id,
      segment_id: v.segment_id,
      slot: v.slot,
      attempt: v.attempt,
      strategy: v.strategy,
      subject: v.subject,
      body: v.body,
      citations: JSON.parse(v.citations) as string[],
      generator: v.generator,
      status: v.status,
      safety: v.decision ? { decision: v.decision, max_severity: v.max_severity, categories: JSON.parse(v.categories!) as unknown, reasons: JSON.parse(v.reasons!) as unknown } : null,
    })),
    arms: arms!.results,
    usage: campaign.usage,
    error: campaign.error,
    scheduled_at: m.scheduled_at,
    created_at: m.created_at,
    updated_at: m.updated_at,
    approved_at: m.approved_at,
  };
}

campaignsRouter.get("/:id", async (c) => c.json(await campaignView(c.env, await campaignOr404(c))));

campaignsRouter.post("/:id/run", async (c) => {
  const campaign = await campaignOr404(c);
  if (campaign.status === "failed") {
    // A failed campaign resumes from the step that failed once its cause is fixed (steps are idempotent).
    await c.env.DB.prepare("UPDATE campaigns SET status = 'running', failures = 0, error = NULL WHERE id = ? AND status = 'failed'").bind(campaign.id).run();
  } else if (campaign.status !== "created" && campaign.status !== "running") {
    throw new ApiError(409, "invalid_state", `campaign ${campaign.id} is ${campaign.status}; only created, running or failed campaigns run`);
  }
  const after = await advanceCampaign(c.env, campaign.id, Number(c.env.CAMPAIGN_RUN_BUDGET_MS || "20000"));
  const view = await campaignView(c.env, after!);
  return c.json(view, after!.status === "running" ? 202 : 200);
});

campaignsRouter.post("/:id/approve", async (c) => {
  const campaign = await campaignOr404(c);
  if (campaign.status !== "awaiting_approval") throw new ApiError(409, "invalid_state", `campaign ${campaign.id} is ${campaign.status}, not awaiting_approval`);
  const stamp = new Date().toISOString();
  const res = await c.env.DB.prepare("UPDATE campaigns SET status = 'approved', stage = 'ready', approved_at = ?2, updated_at = ?2 WHERE id = ?1 AND status = 'awaiting_approval'").bind(campaign.id, stamp).run();
  if (res.meta.changes !== 1) throw new ApiError(409, "invalid_state", `campaign ${campaign.id} changed state meanwhile`);
  return c.json(await campaignView(c.env, (await loadCampaign(c.env.DB, campaign.id))!));
});

function requireSendable(campaign: CampaignRow): void {
  if (campaign.status !== "approved" && campaign.status !== "completed") {
    throw new ApiError(409, "invalid_state", `campaign ${campaign.id} is ${campaign.status}; sends and reports exist once it is approved`);
  }
}

campaignsRouter.get("/:id/sends.csv", async (c) => {
  const campaign = await campaignOr404(c);
  requireSendable(campaign);
  // Control customers get no email: they are the comparison, so they are not in the file an ESP sends from.
  const rows = await c.env.DB.prepare(
    "SELECT cc.customer_id, cc.segment_id, cc.arm, cc.variant_id, v.subject FROM campaign_customers cc JOIN campaign_variants v ON v.id = cc.variant_id WHERE cc.campaign_id = ? AND cc.variant_id IS NOT NULL ORDER BY cc.segment_id, cc.customer_id",
  )
    .bind(campaign.id)
    .all<{ customer_id: string; segment_id: string; arm: string; variant_id: string; subject: string }>();
  let out = csvRow(["customer_id", "segment_id", "arm", "variant_id", "subject"]);
  for (const r of rows.results) out += csvRow([r.customer_id, r.segment_id, r.arm, r.variant_id, r.subject]);
  return c.body(out, 200, { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${campaign.id}-sends.csv"` });
});

const truthy = new Set(["1", "true", "yes", "y"]);
const falsy = new Set(["0", "false", "no", "n", ""]);

campaignsRouter.post("/:id/results", async (c) => {
  const campaign = await campaignOr404(c);
  requireSendable(campaign);
  requireContentType(c, "text/csv");
  const text = await readBodyText(c, MAX_UPLOAD_BYTES);
  const members = await c.env.DB.prepare("SELECT customer_id FROM campaign_customers WHERE campaign_id = ?").bind(campaign.id).all<{ customer_id: string }>();
  const known = new Set(members.results.map((r) => r.customer_id));
  const rows: { customer_id: string; opened: number; clicked: number; converted: number }[] = [];
  const rejected: { line: number; reason: string }[] = [];
  let rejectedTotal = 0;
  const reject = (line: number, reason: string) => {
    rejectedTotal++;
    if (rejected.length < 1000) rejected.push({ line, reason });
  };
  const seen = new Set<string>();
  let header: string[] | null = null;
  try {
    for (const { line, fields } of parseCsv(text)) {
      if (fields.length === 1 && fields[0] === "") continue;
      if (!header) {
        header = fields.map((f) => f.trim().toLowerCase());
        const missing = ["customer_id", "opened", "clicked", "converted"].filter((col) => !header!.includes(col));
        if (missing.length) throw new ApiError(422, "missing_columns", `results need columns customer_id, opened, clicked, converted; missing ${missing.join(", ")}`);
        continue;
      }
      if (fields.length !== header.length) {
        reject(line, `expected ${header.length} fields, got ${fields.length}`);
        continue;
      }
      const get = (col: string) => fields[header!.indexOf(col)]!.trim();
      const id = get("customer_id");
      if (!known.has(id)) {
        reject(line, `customer_id ${id.slice(0, 64)} is not in this campaign`);
        continue;
      }
      if (seen.has(id)) {
        reject(line, `duplicate customer_id ${id.slice(0, 64)}`);
        continue;
      }
      const flags = ["opened", "clicked", "converted"].map((col) => {
        const v = get(col).toLowerCase();
        return truthy.has(v) ? 1 : falsy.has(v) ? 0 : null;
      });
      const bad = flags.findIndex((f) => f === null);
      if (bad >= 0) {
        reject(line, `${["opened", "clicked", "converted"][bad]} must be 0/1, true/false or yes/no`);
        continue;
      }
      seen.add(id);
      rows.push({ customer_id: id, opened: flags[0]!, clicked: flags[1]!, converted: flags[2]! });
    }
  } catch (err) {
    if (err instanceof CsvError) throw new ApiError(400, "malformed_csv", err.message);
    throw err;
  }
  if (!header) throw new ApiError(400, "empty_upload", "the results file is empty");
  if (rows.length === 0) throw new ApiError(422, "no_valid_rows", "none of the rows could be used", rejected.slice(0, 100));
  const stamp = new Date().toISOString();
  const statements: D1PreparedStatement[] = [];
  for (let i = 0; i < rows.length; i += 1000) {
    statements.push(
      c.env.DB.prepare(
        `INSERT INTO campaign_results (campaign_id, customer_id, opened, clicked, converted, imported_at)
         SELECT ?1, json_extract(value, '$.customer_id'), json_extract(value, '$.opened'), json_extract(value, '$.clicked'), json_extract(value, '$.converted'), ?2 FROM json_each(?3) WHERE true
         ON CONFLICT (campaign_id, customer_id) DO UPDATE SET opened = excluded.opened, clicked = excluded.clicked, converted = excluded.converted, imported_at = excluded.imported_at`,
      ).bind(campaign.id, stamp, JSON.stringify(rows.slice(i, i + 1000))),
    );
  }
  statements.push(c.env.DB.prepare("UPDATE campaigns SET status = 'completed', updated_at = ?2 WHERE id = ?1").bind(campaign.id, stamp));
  await c.env.DB.batch(statements);
  return c.json({ campaign_id: campaign.id, imported: rows.length, rejected_rows: rejected, rejected_total: rejectedTotal });
});

const SimulationSettings = z.strictObject({ truth: SimulationTruthSchema, seed: z.number().int().min(0).max(2 ** 31 - 1).optional() });

// The engagement simulator's true effects (per segment, strategy or variant id) and seed, for a campaign with no
// imported results: what-if planning, and a known truth to check the report against.
campaignsRouter.put("/:id/simulation", async (c) => {
  const campaign = await campaignOr404(c);
  const body = await readJson(c, SimulationSettings);
  const truth = body.truth as SimulationTruth;
  try {
    // The simulator's own checks (a funnel no customer can follow, negative effects) as a 400, not a 500 later.
    simulateEngagement([{ customer_id: "check", segment_id: "default", arm: "control", variant_id: null, strategy: null, features: {} }], truth, 0);
  } catch (err) {
    throw new ApiError(400, "invalid_request", err instanceof Error ? err.message : String(err));
  }
  const settings: CampaignSettings = { ...campaign.settings, simulation: truth, ...(body.seed !== undefined ? { simulation_seed: body.seed } : {}) };
  await c.env.DB.prepare("UPDATE campaigns SET settings = ?2, updated_at = ?3 WHERE id = ?1").bind(campaign.id, JSON.stringify(settings), new Date().toISOString()).run();
  return c.json({ campaign_id: campaign.id, simulation: truth, seed: settings.simulation_seed ?? settings.seed });
});

export const ReportQuery = z.strictObject({ metric: z.enum(["converted", "clicked", "opened"]).default("converted"), format: z.enum(["json", "html"]).optional() });

campaignsRouter.get("/:id/report", async (c) => {
  const campaign = await campaignOr404(c);
  requireSendable(campaign);
  const query = ReportQuery.safeParse(c.req.query());
  if (!query.success) throw invalidRequest(query.error, "query string");
  const [customers, variants, results] = await c.env.DB.batch([
    c.env.DB.prepare("SELECT customer_id, segment_id, arm, variant_id, rfm, attributes FROM campaign_customers WHERE campaign_id = ? AND arm IS NOT NULL").bind(campaign.id),
    c.env.DB.prepare("SELECT id, segment_id, slot, strategy, subject FROM campaign_variants WHERE campaign_id = ? AND status = 'approved' ORDER BY segment_id, slot").bind(campaign.id),
    c.env.DB.prepare("SELECT customer_id, opened, clicked, converted FROM campaign_results WHERE campaign_id = ?").bind(campaign.id),
  ]);
  const variantRows = variants!.results as { id: string; segment_id: string; slot: number; strategy: string; subject: string }[];
  const strategyOf = new Map(variantRows.map((v) => [v.id, v.strategy]));
  const customerRows = customers!.results as { customer_id: string; segment_id: string; arm: string; variant_id: string | null; rfm: string | null; attributes: string }[];
  const rfmNames = rfmNamesFor(customerRows);
  const people = customerRows.map((r) => ({ ...r, features: featuresOf(r) }));
  const imported = results!.results as { customer_id: string; opened: number; clicked: number; converted: number }[];
  const simulated = imported.length === 0;
  let engagement: Map<string, { opened: boolean; clicked: boolean; converted: boolean }>;
  if (simulated) {
    // The operator's truth (PUT .../simulation) or the demo's. A customer responds as the truth says for their
    // campaign segment when it names that segment, else as their own RFM segment does when it names that, else
    // as their segment's lifecycle group (cluster ids mean nothing to the demo truth).
    const truth = simulationTruthFor(campaign.design?.segments ?? [], campaign.settings.simulation ?? defaultSimulationTruth);
    const listed = (key: string | undefined) => key !== undefined && (truth.baseline[key] !== undefined || truth.effects[key] !== undefined);
    const configured = campaign.settings.simulation ?? null;
    const keyOf = (p: (typeof people)[number]) => {
      const rfm = rfmNames.get(p.customer_id);
      if (configured && (configured.baseline[p.segment_id] !== undefined || configured.effects[p.segment_id] !== undefined)) return p.segment_id;
      return listed(rfm) ? rfm! : p.segment_id;
    };
    const sim: SimulatedCustomer[] = people.map((p) => ({ customer_id: p.customer_id, segment_id: keyOf(p), arm: p.arm, variant_id: p.variant_id, strategy: p.variant_id ? (strategyOf.get(p.variant_id) ?? null) : null, features: p.features }));
    engagement = new Map(simulateEngagement(sim, truth, campaign.settings.simulation_seed ?? campaign.settings.seed).map((e) => [e.customer_id, e]));
  } else {
    engagement = new Map(imported.map((r) => [r.customer_id, { opened: r.opened === 1, clicked: r.clicked === 1, converted: r.converted === 1 }]));
  }
  const outcomes: CampaignOutcome[] = people.flatMap((p) => {
    const e = engagement.get(p.customer_id);
    return e ? [{ customer_id: p.customer_id, opened: e.opened, clicked: e.clicked, converted: e.converted, segment_id: p.segment_id, arm: p.arm, variant_id: p.variant_id, strategy: p.variant_id ? (strategyOf.get(p.variant_id) ?? null) : null, features: p.features }] : [];
  });
  const generators = (campaign.generator ?? "template").split("+");
  const report = buildCampaignReport(outcomes, {
    metric: query.data.metric,
    simulated,
    generator: generators.length > 1 ? "mixed" : generators[0] === "claude" ? "claude" : "template",
    variants: variantRows.map((v) => ({ variant_id: v.id, segment_id: v.segment_id, strategy: v.strategy, subject: v.subject })),
  });
  const body = { campaign_id: campaign.id, name: campaign.name, design: campaign.design, results_source: simulated ? "simulated" : "imported", results_coverage: simulated ? null : outcomes.length / Math.max(1, people.length), ...report };
  const wantsHtml = query.data.format === "html" || (query.data.format === undefined && (c.req.header("accept") ?? "").includes("text/html"));
  if (wantsHtml) {
    c.header("content-security-policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:");
    return c.html(renderCampaignReportHtml(report, { campaign_id: campaign.id, name: campaign.name }));
  }
  return c.json(body);
});

/** Numeric features for attribution: RFM and the numeric or boolean attributes (booleans as 0/1). */
function featuresOf(r: { rfm: string | null; attributes: string }): Record<string, number> {
  const out: Record<string, number> = {};
  if (r.rfm) Object.assign(out, JSON.parse(r.rfm) as Record<string, number>);
  for (const [k, v] of Object.entries(JSON.parse(r.attributes) as Record<string, unknown>)) {
    if (typeof v === "number" && Number.isFinite(v)) out[k] = v;
    else if (typeof v === "boolean") out[k] = v ? 1 : 0;
  }
  return out;
}

/** RFM named segments of the customers that have RFM (the simulator's truth is keyed by them). */
function rfmNamesFor(rows: readonly { customer_id: string; rfm: string | null }[]): Map<string, string> {
  return rfmNamesOf(rows.map((r) => ({ customer_id: r.customer_id, rfm: r.rfm ? (JSON.parse(r.rfm) as { recency_days: number; frequency: number; monetary: number }) : null, attributes: {} })));
}

campaignsRouter.get("/:id/audit.csv", async (c) => {
  const campaign = await campaignOr404(c);
  const rows = await c.env.DB.prepare("SELECT variant_id, campaign_id, segment_id, text_sha256, decision, categories, max_severity, screener_version, screened_at FROM safety_audit WHERE campaign_id = ? ORDER BY id")
    .bind(campaign.id)
    .all<{ variant_id: string; campaign_id: string; segment_id: string; text_sha256: string; decision: string; categories: string; max_severity: number; screener_version: string; screened_at: string }>();
  let out = csvRow(["variant_id", "campaign_id", "segment_id", "text_sha256", "decision", "categories", "max_severity", "screener_version", "screened_at"]);
  for (const r of rows.results) {
    const categories = (JSON.parse(r.categories) as { category: string; severity: number }[]).map((x) => `${x.category}:${x.severity}`).join(";");
    out += csvRow([r.variant_id, r.campaign_id, r.segment_id, r.text_sha256, r.decision, categories, r.max_severity, r.screener_version, r.screened_at]);
  }
  return c.body(out, 200, { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${campaign.id}-audit.csv"` });
});

// Deleting a campaign removes the personal data it holds (its customers and their results); the campaign row,
// its variants and the safety audit stay, because compliance must be able to show what was screened and sent.
campaignsRouter.delete("/:id", async (c) => {
  const campaign = await campaignOr404(c);
  const [customers, results] = await c.env.DB.batch([
    c.env.DB.prepare("DELETE FROM campaign_customers WHERE campaign_id = ?").bind(campaign.id),
    c.env.DB.prepare("DELETE FROM campaign_results WHERE campaign_id = ?").bind(campaign.id),
    c.env.DB.prepare("UPDATE campaigns SET status = 'deleted', stage = 'deleted', customers = 0, rejected_rows = '[]', updated_at = ?2 WHERE id = ?1").bind(campaign.id, new Date().toISOString()),
  ]);
  return c.json({ campaign_id: campaign.id, status: "deleted", erased: { campaign_customers: customers!.meta.changes, campaign_results: results!.meta.changes }, kept: ["campaign", "variants", "safety_audit"] });
});
