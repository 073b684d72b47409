// Page personalization at the CDN: proxy the storefront's HTML and stream it through HTMLRewriter, filling each
// element marked data-aura-slot="<surface>" with server-rendered, escaped recommendations. The body is never
// buffered on the way to the browser; any error, or decisions slower than the budget, leave the page as the
// origin sent it (fail open). Personalized pages are cached per (URL, segment, variant) when the origin allows.
import { parseFast } from "../../shared/api/conforms";
import { RankRequest } from "../../shared/api/schemas";
import type { RankResponse } from "../../shared/api/schemas";
import { withDeadline } from "../../shared/deadline";
import { classifyVisitor, type ClassifiedVisitor } from "../../shared/decision/decide";
import type { DecisionSnapshot } from "../../shared/decision/snapshot";
import { resolveDevice } from "../../shared/persona/signals";
import { renderSlot } from "../../shared/storefront/render";
import { parseSlotElements, REQUEST_ATTRIBUTE, selectorsFor, SLOT_ATTRIBUTE } from "../../shared/storefront/slots";
import { getBanditSnapshot, type BanditSnapshot } from "../data/posteriors";
import { getSnapshot } from "../data/snapshot";
import { ApiError, errorBody } from "../http/errors";
import { recordPageLatency } from "../http/latency";
import { newRequestId } from "../http/middleware";
import { withSecurityHeaders } from "../http/security-headers";
import { optOutGuard } from "../privacy/opt-out";
import { chooseArm, decideSurface, logSurfaceDecision, readProfile, servedDecision, type ArmChoice, type ProfileRead } from "../decision/surface";

/** Where pages come from. `fetch` is replaced in tests; the built-in storefront is installed by the app. */
export const pageOrigin: { builtIn: ((request: Request, env: Env, ctx: ExecutionContext) => Promise<Response>) | null; fetch: (url: string, init: RequestInit) => Promise<Response> } = {
  builtIn: null,
  fetch: (url, init) => fetch(url, init),
};

const ANON_COOKIE = "aura_aid";
const CONSENT_COOKIE = "aura_consent";
const CONSENT_VALUES = new Set(["analytics", "personalization", "marketing", "age_verified"]);
const ANON_ID = /^anon_[a-z0-9]{8,48}$/;
const ONE_YEAR_S = 31_536_000;

export function parseCookies(header: string | null): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    const raw = part.slice(eq + 1).trim();
    try {
      out.set(name, decodeURIComponent(raw));
    } catch {
      out.set(name, raw);
    }
  }
  return out;
}

function newAnonId(): string {
  return `anon_${[...crypto.getRandomValues(new Uint8Array(12))].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

interface SlotSelectors {
  slots: string[];
  requests: string[];
  /** The element names as parsed (normalized, comma-joined); null: any element. Part of the page cache key. */
  elements: string | null;
}

let slotsFrom: string | null = null;
let slotSelectors: SlotSelectors = { slots: [], requests: [], elements: null };

/**
 * The rewriter's selectors for slots and for a cached page's rendered slots, from PAGE_SLOT_ELEMENTS (parsed
 * once per value). An invalid list is reported once and looks at every element, as an empty one does.
 */
function pageSlotSelectors(env: Env): SlotSelectors {
  const raw = env.PAGE_SLOT_ELEMENTS ?? "";
  if (raw === slotsFrom) return slotSelectors;
  const parsed = parseSlotElements(raw);
  if (parsed.invalid.length > 0) {
    console.warn(JSON.stringify({ level: "warn", page_slot_elements: `not element names: ${parsed.invalid.join(", ").slice(0, 200)}; slots are looked for on every element` }));
  }
  slotsFrom = raw;
  slotSelectors = { slots: selectorsFor(parsed, SLOT_ATTRIBUTE), requests: selectorsFor(parsed, REQUEST_ATTRIBUTE), elements: parsed.elements?.join(",") ?? null };
  return slotSelectors;
}

/** The storefront's page type from its path (the same heuristics for the cache key and the decisions). */
export function pageTypeOf(path: string): string {
  if (path === "/" || path === "/index.html") return "index";
  const first = path.split("/")[1] ?? "";
  return ({ products: "product", guides: "guide", collections: "collection", cart: "cart", checkout: "checkout", search: "search" } as Record<string, string>)[first] ?? "other";
}

interface Visitor {
  /** The id decisions and the cookie use; a per-request id when the visitor has not consented to either. */
  unitId: string;
  consent: string[];
  newCookie: string | null;
  userAgent: string | null;
  referrer: string | null;
  utm: { source?: string; medium?: string; campaign?: string } | null;
  pageType: string;
}

function visitorOf(request: Request, url: URL): Visitor {
  const cookies = parseCookies(request.headers.get("cookie"));
  const consent = [...new Set((cookies.get(CONSENT_COOKIE) ?? "").split(",").map((s) => s.trim()).filter((s) => CONSENT_VALUES.has(s)))];
  const tracking = consent.includes("analytics") || consent.includes("personalization");
  const existing = cookies.get(ANON_COOKIE);
  let unitId = existing && ANON_ID.test(existing) ? existing : null;
  let newCookie: string | null = null;
  // A first-party id only with consent to analytics or personalization; otherwise an id for this request only.
  if (!unitId) {
    unitId = newAnonId();
    if (tracking) newCookie = `${ANON_COOKIE}=${unitId}; Path=/; Max-Age=${ONE_YEAR_S}; Secure; SameSite=Lax`;
  }
  const utm: NonNullable<Visitor["utm"]> = {};
  for (const k of ["source", "medium", "campaign"] as const) {
    const v = url.searchParams.get(`utm_${k}`);
    if (v) utm[k] = v.slice(0, 100);
  }
  return {
    unitId,
    consent,
    newCookie,
    userAgent: request.headers.get("user-agent"),
    referrer: request.headers.get("referer"),
    utm: Object.keys(utm).length > 0 ? utm : null,
    pageType: pageTypeOf(url.pathname),
  };
}

/** Everything decisions need, prepared once per page while the origin answers. */
interface Prepared {
  snapshot: DecisionSnapshot;
  experiments: BanditSnapshot | null;
  read: ProfileRead;
  /** The visitor as every slot's decision sees them (null without consent to personalization): classified once. */
  classified: ClassifiedVisitor | null;
  /** The arm of every surface with a running experiment, drawn before the page (the cache key needs them). */
  arms: Map<string, ArmChoice | null>;
}

/** The visitor's part of a rank request, validated once per page (the cookies, URL and headers are input). */
function pageRankRequest(visitor: Visitor, firstSurface: string): RankRequest {
  // Absent signals are left out, not set to undefined: such a request conforms as it is (shared/api/conforms.ts).
  return parseFast(RankRequest, {
    surface_id: firstSurface,
    user_ctx: {
      anon_id: visitor.unitId,
      consent: visitor.consent,
      ...(visitor.referrer !== null ? { referrer: visitor.referrer } : {}),
      ...(visitor.utm ? { utm: visitor.utm } : {}),
      page_type: visitor.pageType,
    },
  });
}

/**
 * One slot's request: the page's validated request with the slot's surface (a configured one: the caller checks)
 * and product, which ranking reads only when it is a catalog id, so anything else is dropped here.
 */
function slotRequest(page: RankRequest, surfaceId: string, productId: string | null, snapshot: DecisionSnapshot): RankRequest {
  return { ...page, surface_id: surfaceId, ...(productId && snapshot.index.idToIndex.has(productId) ? { context: { product_id: productId } } : {}) };
}

async function prepare(env: Env, ctx: ExecutionContext, visitor: Visitor, ownHost: string, requestId: string): Promise<Prepared> {
  const [snapshot, experiments, read] = await Promise.all([getSnapshot(env, ctx), getBanditSnapshot(env, ctx).catch(() => null), readProfile(env, visitor.unitId, visitor.consent, requestId, ctx)]);
  let classified: ClassifiedVisitor | null = null;
  if (visitor.consent.includes("personalization")) {
    // The same signals each slot's request carries (pageRankRequest): device from the user agent, no stated profile.
    const device = resolveDevice(undefined, visitor.userAgent);
    classified = classifyVisitor(
      snapshot,
      { anonId: visitor.unitId, device, referrer: visitor.referrer, utm: visitor.utm, pageType: visitor.pageType, stated: undefined },
      read.profile,
      Date.now(),
      ownHost,
    );
  }
  const segment = classified?.view.segment ?? null;
  const arms = new Map<string, ArmChoice | null>();
  const surfaces = new Set([...(experiments?.bySurface.keys() ?? []), ...(experiments?.fixedBySurface.keys() ?? [])]);
  for (const surface of [...surfaces].sort()) arms.set(surface, chooseArm(experiments, surface, visitor.unitId, segment, Number(env.GLOBAL_HOLDOUT || "0")));
  return { snapshot, experiments, read, classified, arms };
}

/** Origin caching allowed: a public (or unqualified) max-age > 0, no private/no-store/no-cache, no cookie set. */
export function originAllowsCaching(res: Response): number {
  if (res.status !== 200 || res.headers.has("set-cookie")) return 0;
  const cc = (res.headers.get("cache-control") ?? "").toLowerCase();
  if (/\b(private|no-store|no-cache)\b/.test(cc)) return 0;
  const sMaxAge = /\bs-maxage=(\d+)/.exec(cc);
  const maxAge = /\bmax-age=(\d+)/.exec(cc);
  return Number(sMaxAge?.[1] ?? maxAge?.[1] ?? 0);
}

interface SlotRecord {
  surface: string;
  request_id: string;
  items: string[];
  segment_id: string | null;
  top_score: number | null;
}

const SLOTS_HEADER = "x-aura-slots";
/** Pages above this size are personalized but not cached (the copy for the cache is held in memory). */
const MAX_CACHED_BYTES = 2 * 1024 * 1024;

function cacheKey(url: URL, prepared: Prepared, personalized: boolean, slotElements: string | null): Request {
  const variants = [...prepared.arms].map(([surface, arm]) => `${surface}=${arm ? `${arm.experimentId}:${arm.variant}` : "-"}`).join(",");
  const key = new URL(url.toString());
  key.searchParams.set("__aura_seg", personalized ? (prepared.classified?.view.segment.id ?? "none") : "nonpersonalized");
  key.searchParams.set("__aura_var", variants);
  // A copy filled under other slot elements may hold rendered slots a hit would not find to renew their ids.
  if (slotElements) key.searchParams.set("__aura_el", slotElements);
  return new Request(key.toString(), { method: "GET" });
}

/**
 * Sets the headers of a page that depends on the visitor on `page`, a Response of our own making (mutable
 * headers), in place. Every Request, Response and Headers a page touches from JavaScript is a wrapped runtime
 * object that workerd frees only in a garbage collection's epilogue, all those dead since the last collection at
 * once: on the benchmark's page path, 5-16 ms of the thread every half second or so (bench/stalls.ts --page
 * --perf). So the page path makes as few of them as it can: no Headers copy, no second Response to change them.
 */
function withVisitorHeaders(page: Response, visitor: Visitor, extra: Record<string, string> = {}): Response {
  const headers = page.headers;
  // The page now depends on the visitor's cookies: no shared cache may keep it, and any cache must vary on them.
  const vary = headers.get("vary");
  headers.set("vary", vary ? (vary.toLowerCase().includes("cookie") ? vary : `${vary}, Cookie`) : "Cookie");
  const cc = (headers.get("cache-control") ?? "").toLowerCase();
  headers.set("cache-control", /no-store/.test(cc) ? "private, no-store" : "private, max-age=0, must-revalidate");
  headers.delete("content-length");
  headers.delete(SLOTS_HEADER);
  // nosniff, the referrer policy and the other security headers are servePage's, for every page alike.
  for (const [k, v] of Object.entries(extra)) headers.set(k, v);
  if (visitor.newCookie) headers.append("set-cookie", visitor.newCookie);
  return page;
}

async function fetchOrigin(request: Request, env: Env, ctx: ExecutionContext, url: URL): Promise<Response> {
  const originUrl = (env.ORIGIN_URL ? new URL(url.pathname + url.search, env.ORIGIN_URL) : url).toString();
  // A plain record, not a Headers copy and a Request: the Request fetch() makes from these is never seen by
  // JavaScript, so it is freed when the fetch is done rather than in a garbage collection (withVisitorHeaders).
  const headers: Record<string, string> = {};
  for (const [name, value] of request.headers) if (name !== "host") headers[name] = value;
  const init: RequestInit = { method: request.method, headers, body: request.method === "GET" || request.method === "HEAD" ? null : request.body, redirect: "manual" };
  if (!env.ORIGIN_URL && pageOrigin.builtIn) return pageOrigin.builtIn(new Request(originUrl, init), env, ctx);
  return pageOrigin.fetch(originUrl, init);
}

/**
 * A storefront page as the Worker answers it: personalized, with the request id, the security headers and the
 * error shape every answer of aura's has, and a latency sample under the pages' route. Pages do not go through
 * the API's router and middleware (workers/app.ts, handleFetch): every page view of the shop comes here, and the
 * router's context, three middleware passes and their header calls were ~125 µs of a page's CPU (bench/README.md).
 */
export async function servePage(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
  const started = performance.now();
  const requestId = newRequestId();
  let res: Response;
  try {
    res = await personalizePage(request, env, ctx, requestId);
  } catch (err) {
    const { status, body, headers } = errorBody(requestId, err);
    res = new Response(JSON.stringify(body), { status, headers: { ...headers, "content-type": "application/json" } });
  }
  res = withSecurityHeaders(res, request.url, !!env.ORIGIN_URL);
  try {
    res.headers.set("x-request-id", requestId);
  } catch {
    // A response passed through from the origin (an asset, a redirect) keeps its immutable headers as they are.
  }
  recordPageLatency(request.method, performance.now() - started);
  return res;
}

/** The proxied, personalized page (`requestId`: the id its answer and its log lines carry). */
export async function personalizePage(request: Request, env: Env, ctx: ExecutionContext, requestId = newRequestId()): Promise<Response> {
  const started = Date.now();
  const url = new URL(request.url);
  const visitor = visitorOf(request, url);
  const originPromise = fetchOrigin(request, env, ctx, url).catch((err: unknown) => {
    // The shop is down or unreachable: a gateway error the caller can tell from aura's own failures.
    console.warn(JSON.stringify({ level: "warn", request_id: requestId, page: url.pathname, origin: err instanceof Error ? err.message : String(err) }));
    throw new ApiError(502, "origin_unavailable", "the storefront's origin could not be reached");
  });
  // Only GET pages are personalized; everything else (form posts, assets, JSON) passes through as the origin sent it.
  if (request.method !== "GET") return originPromise;
  // An opted-out visitor gets the page as one without consent would: no profile, no segment, no identity logged.
  // Checked before the decisions are prepared, and everything below that reads the consent waits for them.
  const guarded = optOutGuard(env, ctx, visitor.unitId, visitor.consent).then((g) => {
    visitor.consent = g.consent;
  });
  // Decisions are prepared while the origin answers; a failure here only means the page goes out unchanged.
  const preparing = guarded.then(() => prepare(env, ctx, visitor, url.hostname, requestId)).catch((err: unknown) => {
    console.warn(JSON.stringify({ level: "warn", page: url.pathname, prepare: err instanceof Error ? err.message : String(err) }));
    return null;
  });
  const origin = await originPromise;
  if (!(origin.headers.get("content-type") ?? "").toLowerCase().includes("text/html")) return origin;

  const budgetMs = Number(env.PAGE_DECISION_BUDGET_MS || "50");
  const deadline = started + budgetMs;
  const within = <T>(p: Promise<T>): Promise<T | null> => {
    const left = deadline - Date.now();
    if (left <= 0) return Promise.resolve(null);
    return withDeadline(p, left, () => null);
  };

  // A page no cache may keep streams at once: what the origin has sent before the first slot (head, styles,
  // navigation) leaves while the decisions are prepared, and the rewriter waits for them only at the first slot.
  // (HTMLRewriter writes out per chunk it is given: an origin that flushes its head early gets it out early.
  // Cutting the origin's chunks ourselves before the first slot took a JS stream in between, which doubled the
  // page's CPU in the benchmark.) A cacheable page waits for the decisions first: its cache key needs them.
  const originTtl = originAllowsCaching(origin);
  const cacheable = originTtl > 0;
  const prepared = cacheable ? await within(preparing) : null;
  const personalized = visitor.consent.includes("personalization");
  const cacheTtl = prepared ? originTtl : 0;
  // Keyed on the elements the rewriter reads, not the setting's spelling ("Section" and "section" share copies).
  const key = prepared && cacheTtl > 0 ? cacheKey(url, prepared, personalized, pageSlotSelectors(env).elements) : null;
  const cache = key ? await caches.open("aura-pages").catch(() => null) : null;
  if (key && cache && prepared) {
    const hit = await cache.match(key).catch(() => undefined);
    if (hit) {
      ctx.waitUntil(origin.body?.cancel().catch(() => undefined) ?? Promise.resolve());
      return serveCached(hit, env, ctx, visitor, prepared);
    }
  }

  const slots: SlotRecord[] = [];
  let unchanged = 0;
  // Slots are filled synchronously once the decisions are known: an async handler would suspend the rewriter at
  // every slot. Only a streaming page's first slot waits for them (within the budget).
  let ready: Prepared | null = prepared;
  let waited = cacheable;
  let pageRequest: RankRequest | null = null;
  const fill = (el: Element) => {
    try {
      const surface = el.getAttribute(SLOT_ATTRIBUTE) ?? "";
      if (!ready || Date.now() > deadline || !ready.snapshot.index.config.surfaces.some((s) => s.id === surface)) {
        unchanged++;
        return;
      }
      pageRequest ??= pageRankRequest(visitor, surface);
      const req = slotRequest(pageRequest, surface, el.getAttribute("data-aura-context-product"), ready.snapshot);
      const body: RankResponse = decideSurface(env, ctx, ready.snapshot, ready.experiments, req, ready.read, {
        requestId: newRequestId(),
        userAgent: visitor.userAgent,
        ownHost: url.hostname,
        // The rendered cards carry a persona callout, not the items' reasons: no reason is worth building here.
        reasons: false,
        visitor: ready.classified ?? undefined,
        ...(ready.arms.has(surface) ? { choice: ready.arms.get(surface)! } : {}),
      });
      if (body.items.length === 0) {
        unchanged++;
        return;
      }
      const rendered = renderSlot(body);
      for (const [k, v] of Object.entries(rendered.attributes)) el.setAttribute(k, v);
      el.setInnerContent(rendered.html, { html: true });
      slots.push({ surface, request_id: body.request_id, items: body.items.map((i) => i.content_id), segment_id: body.segment?.id ?? null, top_score: body.items[0]?.score ?? null });
    } catch (err) {
      // Fail open: this slot keeps the origin's fallback content.
      unchanged++;
      console.warn(JSON.stringify({ level: "warn", page: url.pathname, slot_error: err instanceof Error ? err.message : String(err) }));
    }
  };
  const slotHandler = {
    element: (el: Element) => {
      if (waited) return fill(el);
      waited = true;
      return within(preparing).then((p) => {
        ready = p;
        fill(el);
      });
    },
  };
  const rewriter = new HTMLRewriter();
  for (const selector of pageSlotSelectors(env).slots) rewriter.on(selector, slotHandler);
  const transformed = rewriter.transform(origin);
  if (!key || !cache || !transformed.body) return withVisitorHeaders(transformed, visitor, { "x-aura-cache": "bypass" });
  // Cache a copy once the page has streamed, if every slot was personalized (a fail-open page is not cached).
  // The copy is taken as chunks pass to the browser (a tee couples the two readers and stalls the stream), and
  // only for pages up to MAX_CACHED_BYTES: a bigger page streams through uncached.
  const copy: Uint8Array[] = [];
  let copied = 0;
  const passThrough = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      controller.enqueue(chunk);
      if (copied <= MAX_CACHED_BYTES) {
        copy.push(chunk.slice());
        copied += chunk.byteLength;
      }
    },
    flush() {
      if (unchanged > 0 || slots.length === 0 || copied > MAX_CACHED_BYTES) return;
      const headers = new Headers({ "content-type": origin.headers.get("content-type") ?? "text/html; charset=utf-8", "cache-control": `public, max-age=${cacheTtl}`, [SLOTS_HEADER]: JSON.stringify(slots) });
      ctx.waitUntil(cache.put(key, new Response(new Blob(copy), { headers })).catch(() => undefined));
    },
  });
  const toBrowser = transformed.body.pipeThrough(passThrough);
  return withVisitorHeaders(new Response(toBrowser, transformed), visitor, { "x-aura-cache": "miss" });
}

/**
 * A cached page for this (URL, segment, variant): its slots carry the request ids of the decisions it was first
 * rendered for, so each slot gets a fresh request id and a fresh decision log row for this visitor (feedback
 * quotes it, and propensities stay this visitor's own).
 */
function serveCached(hit: Response, env: Env, ctx: ExecutionContext, visitor: Visitor, prepared: Prepared): Response {
  let slots: SlotRecord[] = [];
  try {
    slots = JSON.parse(hit.headers.get(SLOTS_HEADER) ?? "[]") as SlotRecord[];
  } catch {
    slots = [];
  }
  const fresh = new Map<string, string>();
  const personalized = visitor.consent.includes("personalization");
  for (const slot of slots) {
    const requestId = newRequestId();
    fresh.set(slot.request_id, requestId);
    logSurfaceDecision(
      env,
      ctx,
      { requestId, surface: slot.surface, personalized, segmentId: slot.segment_id, items: slot.items, policyVersion: env.POLICY_VERSION, topScore: slot.top_score },
      visitor.unitId,
      prepared.arms.get(slot.surface) ?? null,
    );
  }
  const requestHandler = {
    element: (el: Element) => {
      const old = el.getAttribute(REQUEST_ATTRIBUTE);
      const id = old ? fresh.get(old) : undefined;
      if (id) el.setAttribute(REQUEST_ATTRIBUTE, id);
    },
  };
  const rewriter = new HTMLRewriter();
  for (const selector of pageSlotSelectors(env).requests) rewriter.on(selector, requestHandler);
  const rewritten = rewriter.transform(hit);
  return withVisitorHeaders(rewritten, visitor, { "x-aura-cache": "hit", "content-type": hit.headers.get("content-type") ?? "text/html; charset=utf-8" });
}
