// GET /openapi.json: the API document generated from the same zod schemas that validate requests.
import { Hono } from "hono";
import { z } from "zod";
import { ErrorBody, EventsAccepted, EventsRequest, HealthResponse, RankRequest, RankResponse, SegmentsResponse } from "../../shared/api/schemas";
import { Item } from "../../shared/catalog/item";
import { ContentSearchRequest } from "../../shared/content/search";
import type { AppEnv } from "../http/middleware";

const schema = (s: z.ZodType, io: "input" | "output") => z.toJSONSchema(s, { io, unrepresentable: "any", target: "openapi-3.0" });

const errorResponses = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [String(s), { description: "error", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } }]));

const json = (s: z.ZodType, io: "input" | "output") => ({ content: { "application/json": { schema: schema(s, io) } } });
const admin = [{ bearer: [] as string[] }];

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
      "/v1/admin/health": { get: { summary: "Component health", security: admin, responses: { "200": { description: "all ok" }, ...errorResponses(401, 503) } } },
      "/health": { get: { summary: "Liveness", responses: { "200": { description: "alive", ...json(HealthResponse, "output") } } } },
      "/openapi.json": { get: { summary: "This document", responses: { "200": { description: "OpenAPI 3.0" } } } },
    },
  };
  return cached;
}

export const openapi = new Hono<AppEnv>();
openapi.get("/", (c) => c.json(openApiDocument()));
