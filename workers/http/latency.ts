// Request latency per route pattern, kept in this isolate: a fixed ring of recent samples per route, read as
// p50/p95/p99 by GET /v1/admin/latency. Recording is a few array writes, so it can sit on /v1/rank.
//
// Clock caveat: Workers freeze `performance.now()` and `Date.now()` during synchronous execution (a Spectre
// mitigation); time advances only across I/O. A sample is therefore the request's wall time *spent waiting*
// (D1, Durable Objects, fetch, queue sends), and CPU-only work reads as 0 ms. Samples are per isolate: each
// isolate answers with its own recent window, and a new isolate starts empty.
import type { Context, MiddlewareHandler } from "hono";
import { routePath } from "hono/route";

/** Samples kept per route: enough for a stable p99 (about 20 samples above it), small enough to sort on read. */
export const LATENCY_WINDOW = 2048;
/** Raw paths remembered for the route lookup before the memo is cleared (ids make raw paths unbounded). */
const PATH_MEMO_LIMIT = 1024;
/** Distinct series kept: route patterns are finite, this only guards against a pathological router. */
const SERIES_LIMIT = 512;

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "OTHER"] as const;
type Method = (typeof METHODS)[number];

function methodOf(raw: string): Method {
  // The method is client-controlled; unknown ones share one bucket so they cannot grow the series map.
  switch (raw) {
    case "GET":
    case "HEAD":
    case "POST":
    case "PUT":
    case "PATCH":
    case "DELETE":
    case "OPTIONS":
      return raw;
    default:
      return "OTHER";
  }
}

/** The most recent `capacity` samples of one route, oldest overwritten first. */
export class LatencyWindow {
  private readonly samples: Float64Array;
  private next = 0;
  private filled = 0;
  /** Every sample ever recorded here, including the ones the window has dropped. */
  total = 0;

  constructor(
    readonly method: Method,
    readonly route: string,
    readonly capacity = LATENCY_WINDOW,
  ) {
    this.samples = new Float64Array(capacity);
  }

  record(ms: number): void {
    this.samples[this.next] = ms;
    this.next = this.next + 1 === this.capacity ? 0 : this.next + 1;
    if (this.filled < this.capacity) this.filled++;
    this.total++;
  }

  /** The window's samples in ascending order (a copy: reading never disturbs recording). */
  sorted(): Float64Array {
    return this.samples.slice(0, this.filled).sort();
  }
}

/**
 * Nearest-rank percentile of ascending samples: the smallest sample with at least p of the samples at or below
 * it. Always an observed value, so p99 of 100 samples is the 99th, not an interpolation.
 */
export function percentile(sorted: ArrayLike<number>, p: number): number | null {
  if (sorted.length === 0) return null;
  // The epsilon keeps float noise (0.07 * 100 = 7.000000000000001) from bumping the rank by one.
  const rank = Math.ceil(p * sorted.length - 1e-9);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export interface RouteLatency {
  method: string;
  route: string;
  /** Samples in the window (at most LATENCY_WINDOW). */
  count: number;
  /** Requests recorded since this isolate started. */
  total: number;
  p50_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
  max_ms: number | null;
}

export interface LatencySnapshot {
  scope: "isolate";
  note: string;
  window: number;
  isolate_started_at: string;
  generated_at: string;
  routes: RouteLatency[];
}

const round2 = (x: number | null) => (x === null ? null : Math.round(x * 100) / 100);

/** All the series of one isolate (tests make their own; the app uses the module's). */
export class LatencyBook {
  readonly startedAt = new Date().toISOString();
  private readonly series = new Map<string, LatencyWindow>();
  /** Raw path → window, per method, for successful responses: the hot path resolves its route without allocating. */
  private readonly memo = new Map<Method, Map<string, LatencyWindow>>(METHODS.map((m) => [m, new Map()]));
  private readonly overflow = new LatencyWindow("OTHER", "(other)");

  constructor(readonly capacity = LATENCY_WINDOW) {}

  /** The window for a method and route pattern, created on first use. */
  window(method: Method, route: string): LatencyWindow {
    const key = `${method} ${route}`;
    let w = this.series.get(key);
    if (w === undefined) {
      if (this.series.size >= SERIES_LIMIT) return this.overflow;
      w = new LatencyWindow(method, route, this.capacity);
      this.series.set(key, w);
    }
    return w;
  }

  /**
   * The window for a finished request. A successful response on a raw path always comes from the same route, so
   * it is memoised by raw path; errors may come from middleware (auth, not found), so they are looked up fresh.
   */
  windowFor(c: Context): LatencyWindow {
    const method = methodOf(c.req.method);
    const ok = c.res.status < 400;
    if (ok) {
      const hit = this.memo.get(method)!.get(c.req.path);
      if (hit !== undefined) return hit;
    }
    const w = this.window(method, routePath(c) || "(unmatched)");
    if (ok) {
      const byPath = this.memo.get(method)!;
      if (byPath.size >= PATH_MEMO_LIMIT) byPath.clear();
      byPath.set(c.req.path, w);
    }
    return w;
  }

  snapshot(now = new Date()): LatencySnapshot {
    const routes: RouteLatency[] = [];
    const all = [...this.series.values()];
    if (this.overflow.total > 0) all.push(this.overflow);
    for (const w of all) {
      const s = w.sorted();
      routes.push({
        method: w.method,
        route: w.route,
        count: s.length,
        total: w.total,
        p50_ms: round2(percentile(s, 0.5)),
        p95_ms: round2(percentile(s, 0.95)),
        p99_ms: round2(percentile(s, 0.99)),
        max_ms: round2(s.length > 0 ? s[s.length - 1]! : null),
      });
    }
    routes.sort((a, b) => (a.route < b.route ? -1 : a.route > b.route ? 1 : a.method < b.method ? -1 : a.method > b.method ? 1 : 0));
    return {
      scope: "isolate",
      note:
        "Per isolate: each Workers isolate keeps its own window of the last " +
        `${this.capacity} requests per route, so another call may reach another isolate with other numbers. ` +
        "Times are wall time from request start to response; the Workers clock advances only across I/O, so CPU-only work reads as 0 ms.",
      window: this.capacity,
      isolate_started_at: this.startedAt,
      generated_at: now.toISOString(),
      routes,
    };
  }
}

const isolateBook = new LatencyBook();

export interface LatencyRecorderOptions {
  /** Where samples go (default: this isolate's book, which latencySnapshot() reads). */
  book?: LatencyBook;
}

/** Records each request's latency under its matched route pattern (e.g. `/v1/experiments/:id`, never raw ids). */
export function latencyRecorder(options: LatencyRecorderOptions = {}): MiddlewareHandler {
  const book = options.book ?? isolateBook;
  return async function latencyRecorderMiddleware(c, next) {
    const started = performance.now();
    try {
      await next();
    } finally {
      // After next(), c.req.routeIndex points at the handler that answered, so routePath is its pattern.
      book.windowFor(c).record(performance.now() - started);
    }
  };
}

/** The route storefront pages are recorded under: the name Hono gave its catch-all route, which served them before. */
const PAGE_ROUTE = "/*";

/** Records a storefront page's latency in this isolate's book (pages are served without the router: servePage in cdn/page.ts). */
export function recordPageLatency(method: string, ms: number, book: LatencyBook = isolateBook): void {
  book.window(methodOf(method), PAGE_ROUTE).record(ms);
}

/** p50/p95/p99/max per route over this isolate's recent window. */
export function latencySnapshot(book: LatencyBook = isolateBook): LatencySnapshot {
  return book.snapshot();
}
