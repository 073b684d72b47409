// Middleware shared by every route: request ids, admin bearer auth (constant time), and JSON bodies read
// with a byte cap, a content-type check and zod validation.
import type { Context, MiddlewareHandler } from "hono";
import type { z } from "zod";
import { ApiError, invalidRequest } from "./errors";
import { conforms } from "../../shared/api/conforms";

declare module "hono" {
  interface ContextVariableMap {
    requestId: string;
    /** Set by the CORS middleware on its endpoints: the origin granted (null: none), for a complete response. */
    corsGrant: string | null;
    /** A response its route built with every header the middleware adds afterwards (completeJsonResponse in complete.ts). */
    completeResponse: Response;
    /** The body, read once (readBodyText) and parsed once (readJsonValue) for everything in the request that needs it. */
    bodyRead: BodyRead;
  }
}

export type AppEnv = { Bindings: Env };

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));
/** Random bytes per id: 80 bits, after 48 bits of time. */
const RANDOM_BYTES = 10;
/** Random bytes for 64 ids per runtime call: each call into the runtime costs more than the id itself. */
const idPool = new Uint8Array(RANDOM_BYTES * 64);
let idPoolNext = idPool.length;

/**
 * The time in milliseconds (12 hex digits), then 80 random bits: request ids are quoted by feedback, so they must
 * be unguessable, and 2^80 is out of reach. The time comes first so that ids are written roughly in order: the
 * decision log's primary key (and the reward ledger's) then grows near its end, instead of each row landing on a
 * random page of the index for its transaction to rewrite (bench/README.md, "The decision log").
 */
export function newRequestId(): string {
  // Each pool byte is used once (synchronous: no other request runs in between), hex by table (a page makes four).
  if (idPoolNext === idPool.length) {
    crypto.getRandomValues(idPool);
    idPoolNext = 0;
  }
  let hex = `req_${Date.now().toString(16).padStart(12, "0")}`;
  for (let k = idPoolNext, end = idPoolNext + RANDOM_BYTES; k < end; k++) hex += HEX[idPool[k]!]!;
  idPoolNext += RANDOM_BYTES;
  return hex;
}

/**
 * Whether the route built this response whole, with the headers the middleware would add after it (request id,
 * nosniff, Vary and the CORS grant): the middleware then leaves it alone. Each Headers call is a trip into the
 * runtime, and on /v1/rank those trips cost more CPU than the middleware's own logic (bench/README.md).
 */
export function isCompleteResponse(c: Context): boolean {
  return c.get("completeResponse") === c.res;
}

export function requestId(): MiddlewareHandler<AppEnv> {
  return async function requestIdMiddleware(c, next) {
    const id = newRequestId();
    c.set("requestId", id);
    await next();
    if (!isCompleteResponse(c)) c.res.headers.set("x-request-id", id);
  };
}

/**
 * The hostname of a URL the runtime serialized (request.url), as `new URL(url).hostname` gives it, without a URL
 * object per request: the serializer already lowercased the host and bracketed an IPv6 literal. Anything that is
 * not scheme://authority goes to the URL parser.
 */
export function hostnameOf(url: string): string {
  const scheme = url.indexOf("://");
  if (scheme < 0) return new URL(url).hostname;
  let from = scheme + 3;
  let end = from;
  for (; end < url.length; end++) {
    const ch = url.charCodeAt(end);
    if (ch === 0x2f /* / */ || ch === 0x3f /* ? */ || ch === 0x23 /* # */) break;
  }
  const at = url.lastIndexOf("@", end - 1);
  if (at >= from) from = at + 1;
  if (url.charCodeAt(from) === 0x5b /* [ */) return url.slice(from, url.indexOf("]", from) + 1);
  const colon = url.indexOf(":", from);
  return url.slice(from, colon >= 0 && colon < end ? colon : end);
}

/**
 * The path of a URL the runtime serialized (request.url), as `new URL(url).pathname` gives it: the serializer
 * already resolved dot segments and percent-encoded what needs it. Anything that is not scheme://authority goes
 * to the URL parser.
 */
export function pathnameOf(url: string): string {
  const scheme = url.indexOf("://");
  if (scheme < 0) return new URL(url).pathname;
  const start = url.indexOf("/", scheme + 3);
  let end = url.length;
  const query = url.indexOf("?", scheme + 3);
  const fragment = url.indexOf("#", scheme + 3);
  if (query >= 0) end = query;
  if (fragment >= 0 && fragment < end) end = fragment;
  return start < 0 || start > end ? "/" : url.slice(start, end);
}

const encoder = new TextEncoder();

async function sha256(text: string): Promise<ArrayBuffer> {
  return crypto.subtle.digest("SHA-256", encoder.encode(text));
}

/** Compares digests, so neither the key's length nor its prefix leaks through timing. */
export async function keysMatch(presented: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([sha256(presented), sha256(expected)]);
  return crypto.subtle.timingSafeEqual(a, b);
}

export function adminAuth(): MiddlewareHandler<AppEnv> {
  return async function adminAuthMiddleware(c, next) {
    const expected = c.env.ADMIN_API_KEY;
    if (!expected) throw new ApiError(503, "admin_disabled", "ADMIN_API_KEY is not configured on this deployment");
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    if (!match) {
      throw new ApiError(401, "unauthorized", "missing bearer key: send Authorization: Bearer <ADMIN_API_KEY>", undefined, { "www-authenticate": 'Bearer realm="aura"' });
    }
    if (!(await keysMatch(match[1]!, expected))) {
      throw new ApiError(401, "unauthorized", "invalid bearer key", undefined, { "www-authenticate": 'Bearer realm="aura", error="invalid_token"' });
    }
    await next();
  };
}

export const PUBLIC_BODY_LIMIT = 64 * 1024;

/** A request body read once: the rate limiter and the route both need it, and a second read meant a clone (a tee
 * of the stream in the runtime), a second decode and a second JSON.parse on every /v1/rank. */
export interface BodyRead {
  maxBytes: number;
  text: Promise<string>;
  /** The text's JSON.parse, once someone asked and it parsed. */
  json?: { value: unknown };
}

/**
 * Reads the body as text, refusing early (content-length) or while streaming once it passes `maxBytes`. Read once
 * per request: a later call gets the first read, its failure included (a stream cannot be read twice), held to
 * its own limit if that is lower.
 */
export function readBodyText(c: Context, maxBytes: number): Promise<string> {
  const earlier = c.get("bodyRead") as BodyRead | undefined;
  if (earlier !== undefined) {
    if (maxBytes >= earlier.maxBytes) return earlier.text;
    return earlier.text.then((text) => {
      if (new TextEncoder().encode(text).byteLength > maxBytes) throw tooLarge(maxBytes);
      return text;
    });
  }
  const text = readBodyTextOnce(c, maxBytes);
  // Whoever reads first may not be the one that reports a failure (the limiter ignores it; the route answers it).
  text.catch(() => undefined);
  c.set("bodyRead", { maxBytes, text });
  return text;
}

/** The body's JSON value, parsed once per request; throws (SyntaxError or the read's ApiError) like a fresh parse. */
export async function readJsonValue(c: Context, maxBytes: number): Promise<unknown> {
  const text = await readBodyText(c, maxBytes);
  const read = c.get("bodyRead") as BodyRead;
  if (read.json) return read.json.value;
  const value: unknown = JSON.parse(text);
  read.json = { value };
  return value;
}

async function readBodyTextOnce(c: Context, maxBytes: number): Promise<string> {
  const declared = Number(c.req.header("content-length") ?? "NaN");
  if (Number.isFinite(declared)) {
    if (declared > maxBytes) throw tooLarge(maxBytes);
    // With a declared length the runtime enforces it, so the native read is safe and much cheaper (and `body`,
    // a stream object made on first access, is never touched). Only a body of unknown length is streamed.
    return declared === 0 ? "" : decodeUtf8(await c.req.raw.arrayBuffer().catch(incompleteBody));
  }
  const body = c.req.raw.body;
  if (!body) return "";
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read().catch(incompleteBody);
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const all = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return decodeUtf8(all);
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

function decodeUtf8(bytes: ArrayBuffer | Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new ApiError(400, "invalid_encoding", "body must be UTF-8");
  }
}

/** The client stopped sending before the body was complete (the connection dropped): nothing was read. */
export function incompleteBody(): never {
  throw new ApiError(400, "incomplete_body", "the request body ended before it was complete");
}

function tooLarge(maxBytes: number): ApiError {
  return new ApiError(413, "payload_too_large", `body exceeds ${maxBytes} bytes`);
}

export function requireContentType(c: Context, expected: string): void {
  const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== expected) throw new ApiError(415, "unsupported_media_type", `content-type must be ${expected}`);
}

/** Parses the query string; empty values (a cleared form field) count as absent. A 400 names the failing field. */
export function readQuery<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  const raw = Object.fromEntries(Object.entries(c.req.query()).filter(([, v]) => v !== ""));
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw invalidRequest(parsed.error, "query string");
  return parsed.data;
}

/** Content type, size cap, JSON syntax, then the schema: each failure has its own status and message. */
export async function readJson<S extends z.ZodType>(c: Context, schema: S, maxBytes = PUBLIC_BODY_LIMIT): Promise<z.infer<S>> {
  requireContentType(c, "application/json");
  let raw: unknown;
  try {
    raw = await readJsonValue(c, maxBytes);
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw new ApiError(400, "malformed_json", "body is not valid JSON");
  }
  return parseOrReject(schema, raw);
}

/**
 * Validates untrusted input, 400 on failure. zod can throw rather than report on hostile shapes (an object whose
 * `length` has no usable `toString` reaches a length check after the type check failed): that is bad input too.
 */
export function parseOrReject<S extends z.ZodType>(schema: S, raw: unknown, what = "request body"): z.infer<S> {
  let parsed: ReturnType<S["safeParse"]>;
  try {
    // A body that already is what the schema yields is taken as it is (shared/api/conforms.ts): no zod garbage.
    if (conforms(schema, raw)) return raw as z.infer<S>;
    parsed = schema.safeParse(raw) as ReturnType<S["safeParse"]>;
  } catch {
    throw new ApiError(400, "invalid_request", `${what} has a value of the wrong type`);
  }
  if (!parsed.success) throw invalidRequest(parsed.error, what);
  return parsed.data as z.infer<S>;
}
