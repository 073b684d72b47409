// The fuzz model of workers/fuzz run at length against the bundle `wrangler deploy` would upload, served by
// workerd with the real queue broker and consumer: tens of thousands of seeded random, malformed, oversized and
// adversarial requests over real HTTP (raw sockets for the headers a client library refuses to send), counting
// per endpoint what was tried, the statuses, every 5xx (target 0) and every answer off the contract's shape.
import { connect } from "node:net";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import fc from "fast-check";
import { Pool } from "undici";
import { demoCorpus } from "../shared/campaigns/demo-corpus";
import { demoCatalog } from "../shared/catalog/demo";
import { hash32 } from "../shared/hash";
import {
  bodyBytes,
  describeRequest,
  droppedUploads,
  FIXTURE,
  fixtureCampaignCsv,
  fuzzEndpoints,
  judgeResponse,
  learnFixtures,
  resolveFixtures,
  type FixtureValues,
  type FuzzEndpoint,
  type FuzzRequest,
  type ObservedResponse,
} from "../workers/fuzz/arbitraries";
import { learningOptions } from "./learning/pipeline";
import { BENCH_SECRETS, bundleWorker, freshDir, serve, WORK_DIR, type ServedWorker } from "./server";
import { round, sleep } from "./stats";
import { migrate } from "./workload";

/** One seed for the whole run: the same requests every time, in the same per-endpoint order. */
export const FUZZ_BENCH_SEED = 20261121;
const FULL_REQUESTS = 24_000;
const QUICK_REQUESTS = 3_000;
/** In-flight requests: enough to keep workerd busy, few enough that one slow route does not starve the rest. */
const CONCURRENCY = 8;
/** Requests generated at a time (some carry 25 MiB bodies: generating all of them up front would need gigabytes). */
const CHUNK = 40;
const RESPONSE_TIMEOUT_MS = 30_000;
const MAX_SAMPLES = 60;

export interface FuzzEndpointResult {
  endpoint: string;
  tried: number;
  /** 5xx answers the contract does not allow here (target 0). */
  fiveXx: number;
  /** 5xx the contract allows here (a dependency absent by design, e.g. the assistant without an Anthropic key). */
  allowed5xx: number;
  /** Answers that broke the error shape or leaked (other than a 5xx). */
  shapeViolations: number;
  /** Requests that got no answer (connection reset, timeout). */
  noResponse: number;
  /** Requests with a non-numeric content-length, answered by workerd's HTTP parser before aura runs. */
  refusedByRuntime: number;
  /** Uploads over a megabyte whose connection the server closed before the client finished sending (an early refusal). */
  closedMidUpload: number;
  statuses: Record<string, number>;
}

interface Failure {
  endpoint: string;
  status: number | null;
  code: string;
  problems: string[];
  request: string;
  response: string;
}

export interface FuzzSample {
  endpoint: string;
  /** What kind of failure this is (endpoint, status, code, and the cause the Worker logged for a 500). */
  signature: string;
  /** How many requests failed this way. */
  count: number;
  request: string;
  status: number | null;
  problems: string[];
  response: string;
  /** The error the Worker logged for this request id (the cause behind a 500), when it logged one. */
  logged: string | null;
}

export interface FuzzBenchSection {
  seed: number;
  tried: number;
  fiveXx: number;
  allowed5xx: number;
  shapeViolations: number;
  noResponse: number;
  refusedByRuntime: number;
  closedMidUpload: number;
  /** Requests sent over a raw socket (headers undici refuses, e.g. a content-length that is not the body's). */
  rawSocket: number;
  byEndpoint: FuzzEndpointResult[];
  /** The first 5xx, shape violations and unanswered requests, with the request to replay them. */
  samples: FuzzSample[];
  /** Lines the Worker logged at level "error" (unexpected errors behind a 500, consumer failures). */
  workerErrors: number;
  workerErrorSamples: string[];
  /** What the accepted requests left after the queue drained: rows per table the fuzz can reach. */
  rows: Record<string, number>;
  seconds: number;
  requestsPerSecond: number;
  concurrency: number;
}

interface Raw {
  status: number;
  headers: Map<string, string>;
  body: string;
}

/**
 * A content-length that is not the body's length, or an upload cut short: undici refuses to send either, so
 * they go out by hand (the truncated one declares its full length, sends part of it and closes).
 */
function needsRawSocket(req: FuzzRequest, bytes: Uint8Array | null): boolean {
  if (req.body?.kind === "truncated") return true;
  const declared = req.headers.find(([k]) => k.toLowerCase() === "content-length");
  return declared !== undefined && declared[1] !== String(bytes?.byteLength ?? 0);
}

/** A content-length that is not a number: workerd's own HTTP parser answers it, before any Worker code runs. */
function malformedContentLength(req: FuzzRequest): boolean {
  const declared = req.headers.find(([k]) => k.toLowerCase() === "content-length")?.[1];
  return declared !== undefined && !/^\d+$/.test(declared);
}

/** HTTP/1.1 by hand, one request per connection: whatever headers the fuzz made, exactly as made. */
function rawRequest(url: URL, req: FuzzRequest, bytes: Uint8Array | null): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: url.hostname, port: Number(url.port) });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer in ${RESPONSE_TIMEOUT_MS} ms`));
    }, RESPONSE_TIMEOUT_MS);
    socket.on("error", (err) => {
      // The server may answer (413) and close before reading a body it refused: keep what arrived.
      if (chunks.length === 0) {
        clearTimeout(timer);
        reject(err);
      }
    });
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("close", () => {
      clearTimeout(timer);
      try {
        resolve(parseRaw(Buffer.concat(chunks)));
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
    socket.on("connect", () => {
      const headers = req.body?.kind === "truncated" ? [...req.headers.filter(([k]) => k.toLowerCase() !== "content-length"), ["content-length", String(req.body.declared)]] : req.headers;
      const head = [`${req.method} ${req.path} HTTP/1.1`, `host: ${url.host}`, "connection: close", ...headers.map(([k, v]) => `${k}: ${v}`)].join("\r\n");
      socket.write(`${head}\r\n\r\n`);
      if (bytes) socket.write(bytes);
      socket.end();
    });
  });
}

function parseRaw(data: Buffer): Raw {
  const split = data.indexOf("\r\n\r\n");
  if (split < 0) throw new Error(`no HTTP answer (${data.length} bytes)`);
  const [statusLine, ...lines] = data.subarray(0, split).toString("latin1").split("\r\n");
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? "")?.[1] ?? "NaN");
  if (!Number.isFinite(status)) throw new Error(`bad status line ${JSON.stringify(statusLine)}`);
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  let body = data.subarray(split + 4);
  if ((headers.get("transfer-encoding") ?? "").toLowerCase().includes("chunked")) {
    const parts: Buffer[] = [];
    let at = 0;
    for (;;) {
      const eol = body.indexOf("\r\n", at);
      if (eol < 0) break;
      const size = Number.parseInt(body.subarray(at, eol).toString("latin1"), 16);
      if (!Number.isFinite(size) || size === 0) break;
      parts.push(body.subarray(eol + 2, eol + 2 + size));
      at = eol + 2 + size + 2;
    }
    body = Buffer.concat(parts);
  } else if (headers.has("content-length")) {
    body = body.subarray(0, Number(headers.get("content-length")));
  }
  return { status, headers, body: body.toString("utf8") };
}

async function sendOne(pool: Pool, url: URL, req: FuzzRequest): Promise<{ res: ObservedResponse; raw: boolean }> {
  const bytes = bodyBytes(req.body);
  if (needsRawSocket(req, bytes)) {
    const r = await rawRequest(url, req, bytes);
    return { res: { status: r.status, header: (n) => r.headers.get(n.toLowerCase()) ?? null, body: r.body }, raw: true };
  }
  let res;
  try {
    res = await pool.request({
      method: req.method,
      path: req.path,
      headers: req.headers.flat(),
      body: bytes ?? undefined,
      // One connection per request: a server that answers before reading a body it refuses (413, 415) closes
      // the connection, and a kept-alive one would fail the next request with a reset that is not its own.
      reset: true,
      headersTimeout: RESPONSE_TIMEOUT_MS,
      bodyTimeout: RESPONSE_TIMEOUT_MS,
    });
  } catch (err) {
    // The answer came while the body was still going out, then the server closed: read it by hand instead.
    const code = (err as { code?: string }).code ?? "";
    if (!/ECONNRESET|EPIPE|UND_ERR_SOCKET/.test(code)) throw err;
    const r = await rawRequest(url, req, bytes);
    return { res: { status: r.status, header: (n) => r.headers.get(n.toLowerCase()) ?? null, body: r.body }, raw: true };
  }
  const body = await res.body.text();
  const header = (name: string): string | null => {
    const v = res.headers[name.toLowerCase()];
    return v === undefined ? null : Array.isArray(v) ? v.join(", ") : v;
  };
  return { res: { status: res.statusCode, header, body }, raw: false };
}

/** The same fixtures the workerd suite makes: corpus, two experiments, campaigns in each state, a decision. */
async function createFixtures(base: string): Promise<FixtureValues> {
  const admin = { authorization: `Bearer ${BENCH_SECRETS.ADMIN_API_KEY}` };
  const call = async (method: string, path: string, body?: string, type = "application/json"): Promise<Record<string, unknown>> => {
    const res = await fetch(`${base}${path}`, { method, headers: { ...admin, ...(body !== undefined ? { "content-type": type } : {}) }, body });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`fixture ${method} ${path} -> ${res.status}: ${text.slice(0, 300)}`);
    return JSON.parse(text) as Record<string, unknown>;
  };
  // The demo catalog as the workerd suite loads it (seedDemo): through the admin API, which also warms the snapshot.
  await call("POST", "/v1/admin/catalog", JSON.stringify(demoCatalog()));
  await call("POST", "/v1/content/approved", JSON.stringify(demoCorpus));
  const variants = [{ id: "control", weight: 0.5 }, { id: "treatment", weight: 0.5 }];
  await call("POST", "/v1/experiments", JSON.stringify({ id: "exp_fuzz_bandit", surface_id: "homepage.hero", variants, allocation: "bandit", segment_by: "persona", shards: 2 }));
  await call("POST", "/v1/experiments", JSON.stringify({ id: "exp_fuzz_fixed", surface_id: "product.related", variants, allocation: "fixed", shards: 2 }));
  const decision = (await (
    await fetch(`${base}/v1/rank`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ surface_id: "homepage.hero", user_ctx: { anon_id: "anon_fuzz_fixture", consent: ["analytics", "personalization"] } }) })
  ).json()) as { request_id: string; items: { content_id: string }[] };
  const campaign = async (stage: "created" | "review" | "approved") => {
    const id = String((await call("POST", "/v1/campaigns?name=Fuzz%20fixture&segments=rfm&variants_per_segment=2", fixtureCampaignCsv(), "text/csv")).campaign_id);
    if (stage === "created") return id;
    for (let i = 0; i < 20 && (await call("POST", `/v1/campaigns/${id}/run`)).status === "running"; i++);
    if (stage === "approved") await call("POST", `/v1/campaigns/${id}/approve`);
    return id;
  };
  const scratch = await campaign("created");
  return {
    [FIXTURE.adminKey]: BENCH_SECRETS.ADMIN_API_KEY,
    [FIXTURE.banditExperiment]: "exp_fuzz_bandit",
    [FIXTURE.fixedExperiment]: "exp_fuzz_fixed",
    [FIXTURE.fuzzedExperiment]: "exp_fuzz_bandit",
    [FIXTURE.decisionRequestId]: decision.request_id,
    [FIXTURE.decisionItem]: decision.items[0]?.content_id ?? "p001",
    [FIXTURE.contentId]: demoCorpus[0]!.id,
    [FIXTURE.createdCampaign]: await campaign("created"),
    [FIXTURE.scratchCampaign]: scratch,
    [FIXTURE.fuzzedCampaign]: scratch,
    [FIXTURE.reviewCampaign]: await campaign("review"),
    [FIXTURE.approvedCampaign]: await campaign("approved"),
  };
}

/** Each endpoint's share of the run follows its share of the CI runs. */
function plan(endpoints: readonly FuzzEndpoint[], total: number): number[] {
  const sum = endpoints.reduce((s, e) => s + e.runs, 0);
  return endpoints.map((e) => Math.max(10, Math.round((total * e.runs) / sum)));
}

/** `seed` and `requests` override the defaults, to search further than the reported run does. */
export async function runFuzzBench(opts: { quick: boolean; log: (line: string) => void; track: (w: ServedWorker | null) => void; seed?: number; requests?: number }): Promise<FuzzBenchSection> {
  const seed = opts.seed ?? FUZZ_BENCH_SEED;
  const bundle = bundleWorker();
  const logs: string[] = [];
  const options = learningOptions(bundle.path, freshDir(join(WORK_DIR, "fuzz-miniflare")), logs);
  // As in the workerd suite: a new visitor's Durable Object can miss production's 25 ms read budget locally,
  // and hundreds of new visitors would open the feature store's circuit breaker; this run is about bad input.
  const worker = (options as { workers: { bindings?: Record<string, unknown> }[] }).workers[0]!;
  worker.bindings = { ...worker.bindings, FEATURE_STORE_TIMEOUT_MS: "2000" };
  const served = await serve(options, "aura", logs);
  opts.track(served);
  const pool = new Pool(served.url.origin, { connections: CONCURRENCY, pipelining: 1 });
  try {
    const db = await served.mf.getD1Database("DB");
    await migrate(db);
    const fixtures = await createFixtures(served.url.origin);
    const endpoints = fuzzEndpoints();
    const counts = plan(endpoints, opts.requests ?? (opts.quick ? QUICK_REQUESTS : FULL_REQUESTS));
    const results: FuzzEndpointResult[] = endpoints.map((e) => ({ endpoint: e.name, tried: 0, fiveXx: 0, allowed5xx: 0, shapeViolations: 0, noResponse: 0, refusedByRuntime: 0, closedMidUpload: 0, statuses: {} }));
    const samples = new Map<string, FuzzSample>();
    const serverErrors: Failure[] = [];
    const record = (signature: string, f: Failure, logged: string | null) => {
      const seen = samples.get(signature);
      if (seen) seen.count++;
      else if (samples.size < MAX_SAMPLES) samples.set(signature, { endpoint: f.endpoint, signature, count: 1, request: f.request, status: f.status, problems: f.problems, response: f.response, logged });
    };
    let rawSocket = 0;
    const t0 = performance.now();
    opts.log(`  ${counts.reduce((s, n) => s + n, 0).toLocaleString("en-US")} requests over ${endpoints.length} endpoints, seed ${seed}, ${CONCURRENCY} in flight`);
    for (const [i, endpoint] of endpoints.entries()) {
      const result = results[i]!;
      const started = performance.now();
      const sample = (req: FuzzRequest, status: number | null, problems: string[], response: string) => {
        const code = /"code":"([a-z_]+)"/.exec(response)?.[1] ?? "";
        const failure: Failure = { endpoint: endpoint.name, status, code, problems, request: describeRequest(req, 300), response: response.slice(0, 400) };
        // A 500's kind is its cause, known once the Worker's log is read (after the run); the rest are kinds now.
        if (status !== null && status >= 500 && /"request_id":"req_/.test(response)) serverErrors.push(failure);
        else record(`${endpoint.name} → ${status ?? "no answer"} ${code}: ${problems[0] ?? ""}`, failure, null);
      };
      for (let done = 0, chunk = 0; done < counts[i]!; done += CHUNK, chunk++) {
        // One request in twenty to a route that reads a body is cut short mid-upload, as in the workerd suite.
        const arbitrary = endpoint.readsBody ? fc.oneof({ weight: 19, arbitrary: endpoint.arbitrary }, { weight: 1, arbitrary: droppedUploads(endpoint) }) : endpoint.arbitrary;
        const batch = fc.sample(arbitrary, { seed: (seed ^ hash32(endpoint.name)) + chunk, numRuns: Math.min(CHUNK, counts[i]! - done) });
        let next = 0;
        await Promise.all(
          Array.from({ length: CONCURRENCY }, async () => {
            while (next < batch.length) {
              const req = resolveFixtures(batch[next++]!, fixtures);
              result.tried++;
              try {
                const { res, raw } = await sendOne(pool, served.url, req);
                if (raw) rawSocket++;
                // A malformed content-length never reaches aura: workerd's HTTP parser answers it (a 500 of its own,
                // where Cloudflare's edge answers 400). Counted apart; everything else is held to the contract.
                if (malformedContentLength(req) && !res.header("x-request-id")) {
                  result.refusedByRuntime++;
                  continue;
                }
                result.statuses[res.status] = (result.statuses[res.status] ?? 0) + 1;
                learnFixtures(fixtures, req, res.status, res.body);
                const problems = judgeResponse(endpoint, req, res);
                const unexpected = problems.some((p) => p.startsWith("unexpected "));
                if (res.status >= 500) {
                  if (unexpected) result.fiveXx++;
                  else result.allowed5xx++;
                }
                if (problems.some((p) => !p.startsWith("unexpected "))) result.shapeViolations++;
                if (problems.length > 0) sample(req, res.status, problems, res.body);
              } catch (err) {
                // A server that refuses a request before reading its body (a malformed content-length; a huge upload
                // that gets a 401, 413 or 400) answers and closes while the client is still sending, and the reset
                // that follows can overtake the answer on the client's side.
                const code = (err as { code?: string }).code ?? "";
                if (/ECONNRESET|EPIPE/.test(code) && malformedContentLength(req)) {
                  result.refusedByRuntime++;
                  continue;
                }
                if (/ECONNRESET|EPIPE/.test(code) && (bodyBytes(req.body)?.byteLength ?? 0) > 1024 * 1024) {
                  result.closedMidUpload++;
                  continue;
                }
                result.noResponse++;
                sample(req, null, [err instanceof Error ? err.message : String(err)], "");
              }
            }
          }),
        );
      }
      opts.log(
        `  ${endpoint.name.padEnd(70)} ${String(result.tried).padStart(5)} tried, 5xx ${result.fiveXx}${result.allowed5xx ? ` (+${result.allowed5xx} allowed)` : ""}, shape ${result.shapeViolations}, no answer ${result.noResponse}  ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
    }
    const seconds = (performance.now() - t0) / 1000;
    // Let the consumer finish what the accepted requests queued, so its failures show in the log too.
    await sleep(3000);
    const rows: Record<string, number> = {};
    for (const table of ["events", "decisions", "feedback", "rejected_messages", "experiments", "campaigns", "campaign_customers", "approved_content", "items"]) {
      rows[table] = (await db.prepare(`SELECT count(*) AS n FROM ${table}`).first<{ n: number }>())?.n ?? 0;
    }
    const errorLines = logs.filter((l) => l.includes('"level":"error"'));
    // Each 500 joined to what the Worker logged for its request id, and grouped by that cause.
    const causeById = new Map<string, string>();
    for (const line of errorLines) {
      const id = /"request_id":"(req_[0-9a-f]{32})"/.exec(line)?.[1];
      if (id) causeById.set(id, /"error":"((?:[^"\\]|\\.)*)"/.exec(line)?.[1] ?? line);
    }
    for (const f of serverErrors) {
      const id = /"request_id":"(req_[0-9a-f]{32})"/.exec(f.response)?.[1] ?? "";
      const cause = causeById.get(id) ?? "nothing logged";
      // Numbers in a cause vary per request (offsets, lengths); the cause is the same.
      record(`${f.endpoint} → ${f.status} ${f.code}: ${cause.slice(0, 80).replace(/\d+/g, "N")}`, f, cause.slice(0, 300));
    }
    const sum = (f: (r: FuzzEndpointResult) => number) => results.reduce((s, r) => s + f(r), 0);
    const tried = sum((r) => r.tried);
    const section: FuzzBenchSection = {
      seed,
      tried,
      fiveXx: sum((r) => r.fiveXx),
      allowed5xx: sum((r) => r.allowed5xx),
      shapeViolations: sum((r) => r.shapeViolations),
      noResponse: sum((r) => r.noResponse),
      refusedByRuntime: sum((r) => r.refusedByRuntime),
      closedMidUpload: sum((r) => r.closedMidUpload),
      rawSocket,
      byEndpoint: results,
      samples: [...samples.values()],
      workerErrors: errorLines.length,
      workerErrorSamples: errorLines.slice(0, 5).map((l) => l.slice(0, 300)),
      rows,
      seconds: round(seconds, 1),
      requestsPerSecond: round(tried / seconds, 0),
      concurrency: CONCURRENCY,
    };
    opts.log(`  ${tried.toLocaleString("en-US")} requests in ${section.seconds} s: 5xx ${section.fiveXx} (target 0), allowed 503 ${section.allowed5xx}, shape violations ${section.shapeViolations}, unanswered ${section.noResponse}, worker errors logged ${section.workerErrors}`);
    return section;
  } finally {
    await pool.close().catch(() => undefined);
    await served.mf.dispose().catch(() => undefined);
    opts.track(null);
  }
}

export function renderFuzzMarkdown(r: FuzzBenchSection | null | undefined): string[] {
  if (!r) return [];
  const allowed = fuzzEndpoints().flatMap((e) => e.allowed5xx.map((a) => `\`${e.name}\` ${a.status} \`${a.code}\` (${a.why})`));
  return [
    "### Fuzzing (bad input)",
    "",
    `${r.tried.toLocaleString("en-US")} seeded requests (seed ${r.seed}; ${r.rawSocket.toLocaleString("en-US")} over raw sockets) from the fuzz model of \`workers/fuzz/arbitraries.ts\` against the bundle in workerd with the real queue and consumer, ${r.concurrency} in flight: ${r.seconds} s (${r.requestsPerSecond.toLocaleString("en-US")} req/s).`,
    "",
    `**5xx: ${r.fiveXx}** (target 0) ${r.fiveXx === 0 ? "✅" : "❌"}; error-shape violations ${r.shapeViolations}; unanswered ${r.noResponse}; errors the Worker logged ${r.workerErrors}. Allowed by the contract and not counted: ${allowed.join("; ")} — ${r.allowed5xx} seen.`,
    "",
    `Not counted either: ${r.refusedByRuntime.toLocaleString("en-US")} requests with a non-numeric \`content-length\`, which workerd's HTTP parser answers itself (500, no request id) before any Worker code runs (Cloudflare's edge refuses them with 400); and ${r.closedMidUpload.toLocaleString("en-US")} uploads over 1 MiB that the server refused and closed before the client had sent them.`,
    "",
    "| endpoint | tried | 5xx | allowed 5xx | shape | no answer | statuses (aura's answers) |",
    "|---|---:|---:|---:|---:|---:|---|",
    ...r.byEndpoint.map((e) => `| \`${e.endpoint}\` | ${e.tried.toLocaleString("en-US")} | ${e.fiveXx} | ${e.allowed5xx} | ${e.shapeViolations} | ${e.noResponse} | ${Object.entries(e.statuses).map(([s, n]) => `${s}×${n}`).join(" ")} |`),
    `| **all** | **${r.tried.toLocaleString("en-US")}** | **${r.fiveXx}** | ${r.allowed5xx} | ${r.shapeViolations} | ${r.noResponse} | |`,
    "",
    ...(r.samples.length
      ? [
          "Failures by kind (a 500's kind is the cause the Worker logged for it), one sample each to replay:",
          "",
          ...r.samples.map(
            (s) =>
              `- ${s.count}× \`${s.signature}\`: ${s.problems.join("; ")}\n  - request: \`${s.request.replace(/`/g, "'")}\`\n  - response: \`${s.response.replace(/`/g, "'").replace(/\n/g, " ").slice(0, 300)}\`${s.logged ? `\n  - the Worker logged: \`${s.logged.replace(/`/g, "'")}\`` : ""}`,
          ),
          "",
        ]
      : []),
    `Rows after the run (accepted requests only): ${Object.entries(r.rows).map(([t, n]) => `${t} ${n.toLocaleString("en-US")}`).join(", ")}.`,
    "",
  ];
}
