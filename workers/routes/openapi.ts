// GET /openapi.json: the API document generated from the same zod schemas that validate requests.
import { Hono } from "hono";
import * as z from "zod";
import { ErrorBody, EventsAccepted, EventsRequest, HealthResponse, RankRequest, RankResponse, SegmentsResponse } from "../../shared/api/schemas";
import { Item } from "../../shared/catalog/item";
import { ContentSearchRequest } from "../../shared/content/search";
import { ScreenResultSchema } from "../../shared/safety/screen";
import { CreateExperiment, PatchExperiment } from "../../shared/experiments/schema";
import type { AppEnv } from "../http/middleware";
import { CreateParams, ReportQuery } from "./campaigns";
import { ApprovedContentBody } from "./content";
import { DeadLettersQuery, ReplayBody } from "./dead-letters";
import { ScreenRequest } from "./safety";

const schema = (s: z.ZodType, io: "input" | "output") => z.toJSONSchema(s, { io, unrepresentable: "any", target: "openapi-3.0" });

const errorResponses = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [String(s), { description: "error", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } }]));

const json = (s: z.ZodType, io: "input" | "output") => ({ content: { "application/json": { schema: schema(s, io) } } });
const admin = [{ bearer: [] as string[] }];

const idParam = { name: "id", in: "path", required: true, schema: { type: "string" } };

/** Query parameters from a zod object schema (each property one parameter). */
function queryParams(s: z.ZodObject): { name: string; in: "query"; required: boolean; schema: unknown }[] {
  const doc = schema(s, "input") as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(doc.properties ?? {}).map(([name, p]) => ({ name, in: "query", required: doc.required?.includes(name) ?? false, schema: p }));
}

let cached: unknown;

export function openApiDocument(): unknown {
  cached ??= {
    openapi: "3.0.3",
    info: { title: "aura", version: "1.0.0", description: "Real-time personalization and decisioning at the edge." },
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
      schemas: { Error: schema(ErrorBody, "output") },
    },
    paths: {
      "/v1/rank": {
        post: {
          summary: "Rank items for a surface, personalized when consent allows",
          requestBody: { required: true, ...json(RankRequest, "input") },
          responses: { "200": { description: "ranking", ...json(RankResponse, "output") }, ...errorResponses(400, 413, 415, 503) },
        },
      },
      "/v1/events": {
        post: {
          summary: "Record clickstream events (analytics consent required)",
          requestBody: { required: true, ...json(EventsRequest, "input") },
          responses: { "202": { description: "accepted", ...json(EventsAccepted, "output") }, ...errorResponses(400, 403, 413, 415, 503) },
        },
      },
      "/v1/segments/{user_id}": {
        get: {
          summary: "The visitor's persona and micro-segment",
          security: admin,
          parameters: [{ name: "user_id", in: "path", required: true, schema: { type: "string" } }],
          responses: { "200": { description: "segments", ...json(SegmentsResponse, "output") }, ...errorResponses(400, 401, 404, 503) },
        },
      },
      "/v1/content/search": {
        post: {
          summary: "Lexical (BM25F) search over tutorials and guides",
          security: admin,
          requestBody: { required: true, ...json(ContentSearchRequest, "input") },
          responses: { "200": { description: "results" }, ...errorResponses(400, 401, 413, 415) },
        },
      },
      "/v1/admin/catalog": {
        post: {
          summary: "Upsert catalog items (JSON array or CSV with | separated lists); all or nothing",
          security: admin,
          requestBody: { required: true, content: { "application/json": { schema: schema(z.array(Item), "input") }, "text/csv": { schema: { type: "string" } } } },
          responses: { "200": { description: "upserted" }, ...errorResponses(400, 401, 413, 415) },
        },
      },
      "/v1/experiments": {
        post: { summary: "Create an experiment (fixed allocation or bandit)", security: admin, requestBody: { required: true, ...json(CreateExperiment, "input") }, responses: { "201": { description: "created" }, ...errorResponses(400, 401, 409, 413, 415) } },
        get: { summary: "List experiments", security: admin, responses: { "200": { description: "experiments" }, ...errorResponses(401) } },
      },
      "/v1/experiments/{id}": {
        get: { summary: "One experiment", security: admin, parameters: [idParam], responses: { "200": { description: "experiment" }, ...errorResponses(401, 404) } },
        patch: { summary: "Pause, resume, stop, or change fixed weights", security: admin, parameters: [idParam], requestBody: { required: true, ...json(PatchExperiment, "input") }, responses: { "200": { description: "updated" }, ...errorResponses(400, 401, 404, 409) } },
      },
      "/v1/experiments/{id}/posteriors": { get: { summary: "Bandit posteriors per segment and arm", security: admin, parameters: [idParam], responses: { "200": { description: "posteriors" }, ...errorResponses(401, 404) } } },
      "/v1/experiments/{id}/report": { get: { summary: "Frequentist, Bayesian, CUPED, SRM and IPW report", security: admin, parameters: [idParam], responses: { "200": { description: "report" }, ...errorResponses(401, 404) } } },
      "/v1/campaigns": {
        post: {
          summary: "Upload customers or orders (CSV, up to 25 MiB and 100,000 customers); bad rows are reported by line",
          security: admin,
          parameters: queryParams(CreateParams),
          requestBody: { required: true, content: { "text/csv": { schema: { type: "string" } } } },
          responses: { "201": { description: "created: campaign_id, customers, rejected_rows" }, ...errorResponses(400, 401, 413, 415, 422) },
        },
      },
      "/v1/campaigns/{id}": {
        get: { summary: "Status, progress, design under review, variants with safety results, arm sizes, LLM usage", security: admin, parameters: [idParam], responses: { "200": { description: "campaign" }, ...errorResponses(400, 401, 404) } },
        delete: { summary: "Erase the campaign's customers and results (variants and the audit trail stay)", security: admin, parameters: [idParam], responses: { "200": { description: "receipt" }, ...errorResponses(400, 401, 404) } },
      },
      "/v1/campaigns/{id}/run": { post: { summary: "Advance the pipeline (segment, generate, screen, assign); 202 while it still runs", security: admin, parameters: [idParam], responses: { "200": { description: "stopped for review or done" }, "202": { description: "still running (the cron resumes it)" }, ...errorResponses(400, 401, 404, 409) } } },
      "/v1/campaigns/{id}/approve": { post: { summary: "Approve a campaign awaiting approval", security: admin, parameters: [idParam], responses: { "200": { description: "approved" }, ...errorResponses(400, 401, 404, 409) } } },
      "/v1/campaigns/{id}/sends.csv": { get: { summary: "customer_id, segment_id, arm, variant_id, subject for an email service provider (treatment arms only)", security: admin, parameters: [idParam], responses: { "200": { description: "CSV", content: { "text/csv": { schema: { type: "string" } } } }, ...errorResponses(401, 404, 409) } } },
      "/v1/campaigns/{id}/results": {
        post: { summary: "Import engagement: CSV customer_id, opened, clicked, converted", security: admin, parameters: [idParam], requestBody: { required: true, content: { "text/csv": { schema: { type: "string" } } } }, responses: { "200": { description: "imported" }, ...errorResponses(400, 401, 404, 409, 413, 415, 422) } },
      },
      "/v1/campaigns/{id}/report": {
        get: { summary: "Lift per variant and segment with CIs, winners, attribution (JSON, or HTML with format=html)", security: admin, parameters: [idParam, ...queryParams(ReportQuery)], responses: { "200": { description: "report", content: { "application/json": { schema: { type: "object" } }, "text/html": { schema: { type: "string" } } } }, ...errorResponses(400, 401, 404, 409) } },
      },
      "/v1/campaigns/{id}/audit.csv": { get: { summary: "One row per screened variant (the compliance audit trail)", security: admin, parameters: [idParam], responses: { "200": { description: "CSV", content: { "text/csv": { schema: { type: "string" } } } }, ...errorResponses(401, 404) } } },
      "/v1/safety/screen": {
        post: { summary: "Layered safety screen (local rules, then Claude when a key is set); block at severity 4+", security: admin, requestBody: { required: true, ...json(ScreenRequest, "input") }, responses: { "200": { description: "decision", ...json(ScreenResultSchema, "output") }, ...errorResponses(400, 401, 413, 415) } },
      },
      "/v1/content/approved": {
        post: { summary: "Add or update approved content (brand, product, offer) that campaign emails are grounded in", security: admin, requestBody: { required: true, ...json(ApprovedContentBody, "input") }, responses: { "201": { description: "upserted" }, ...errorResponses(400, 401, 413, 415) } },
        get: { summary: "The approved content corpus", security: admin, responses: { "200": { description: "content" }, ...errorResponses(401) } },
      },
      "/v1/admin/personas": { get: { summary: "Persona distribution and top micro-segments over the last hours (segment_assignments)", security: admin, responses: { "200": { description: "distribution" }, ...errorResponses(400, 401) } } },
      "/v1/admin/decisions": { get: { summary: "Decision browser, newest first, filtered by surface, segment, experiment; cursor paging; no visitor ids", security: admin, responses: { "200": { description: "decisions" }, ...errorResponses(400, 401) } } },
      "/v1/admin/experiments/{id}/timeseries": { get: { summary: "Per hour or day and arm: decisions, clicks, traffic share, CTR", security: admin, parameters: [idParam], responses: { "200": { description: "series" }, ...errorResponses(400, 401, 404) } } },
      "/v1/admin/campaigns": { get: { summary: "Campaigns, newest first", security: admin, responses: { "200": { description: "campaigns" }, ...errorResponses(400, 401) } } },
      "/v1/admin/latency": { get: { summary: "Per-route latency percentiles over this isolate's recent requests", security: admin, responses: { "200": { description: "percentiles" }, ...errorResponses(401) } } },
      "/v1/assistant": { post: { summary: "The Checkout Assistant answered by Claude from aura's ranking for the cart; 503 without a key (the storefront's rules answer)", responses: { "200": { description: "answer and recommended items" }, ...errorResponses(400, 413, 415, 503) } } },
      "/sdk.js": { get: { summary: "The storefront SDK (consent, tracking with batching and beacons, rank and feedback helpers, slot auto-wiring)", responses: { "200": { description: "JavaScript", content: { "application/javascript": { schema: { type: "string" } } } }, "304": { description: "not modified (ETag)" } } } },
      "/dashboard": { get: { summary: "The operator dashboard (the page holds no data; its calls carry the admin key)", responses: { "200": { description: "HTML", content: { "text/html": { schema: { type: "string" } } } } } } },
      "/v1/admin/dead-letters": { get: { summary: "Messages every queue delivery failed on, kept in D1 for replay (pending by default), oldest first, with their bodies", security: admin, parameters: queryParams(DeadLettersQuery), responses: { "200": { description: "pending count and dead letters" }, ...errorResponses(400, 401) } } },
      "/v1/admin/dead-letters/replay": { post: { summary: "Send pending dead letters (the oldest `limit`, or `ids`) back to the main queue; replaying twice is harmless. No body: the oldest 100", security: admin, requestBody: { required: false, ...json(ReplayBody, "input") }, responses: { "200": { description: "replayed, pending, and what failed part-way" }, ...errorResponses(400, 401, 415, 503) } } },
      "/v1/admin/health": { get: { summary: "Component health", security: admin, responses: { "200": { description: "all ok" }, ...errorResponses(401, 503) } } },
      "/health": { get: { summary: "Liveness", responses: { "200": { description: "alive", ...json(HealthResponse, "output") } } } },
      "/openapi.json": { get: { summary: "This document", responses: { "200": { description: "OpenAPI 3.0" } } } },
    },
  };
  return cached;
}

export const openapi = new Hono<AppEnv>();
openapi.get("/", (c) => c.json(openApiDocument()));
