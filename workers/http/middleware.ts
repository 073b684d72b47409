// Middleware shared by every route: request ids, admin bearer auth (constant time), and JSON bodies read
// with a byte cap, a content-type check and zod validation.
import type { Context, MiddlewareHandler } from "hono";
import type { z } from "zod";
import { ApiError, invalidRequest } from "./errors";

declare module "hono" {
  interface ContextVariableMap {
    requestId: string;
  }
}

export type AppEnv = { Bindings: Env };

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));
const idBytes = new Uint8Array(16);

/** 128 random bits: request ids are quoted by feedback, so they must be unguessable. */
export function newRequestId(): string {
  // One buffer for every id (synchronous: no other request runs in between), hex by table (a page makes four).
  crypto.getRandomValues(idBytes);
  let hex = "req_";
  for (let k = 0; k < 16; k++) hex += HEX[idBytes[k]!]!;
  return hex;
}

export function requestId(): MiddlewareHandler<AppEnv> {
  return async function requestIdMiddleware(c, next) {
    const id = newRequestId();
    c.set("requestId", id);
    await next();
    c.res.headers.set("x-request-id", id);
  };
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

/** Reads the body as text, refusing early (content-length) or while streaming once it passes `maxBytes`. */
export async function readBodyText(c: Context, maxBytes: number): Promise<string> {
  const declared = Number(c.req.header("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  const body = c.req.raw.body;
  if (!body) return "";
  // With a declared length the runtime enforces it, so the native read is safe and much cheaper; only a
  // chunked body of unknown length is read chunk by chunk against the cap.
  if (Number.isFinite(declared)) return decodeUtf8(new Uint8Array(await c.req.raw.arrayBuffer().catch(incompleteBody)));
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

function decodeUtf8(bytes: Uint8Array): string {
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

/** Content type, size cap, JSON syntax, then the schema: each failure has its own status and message. */
export async function readJson<S extends z.ZodType>(c: Context, schema: S, maxBytes = PUBLIC_BODY_LIMIT): Promise<z.infer<S>> {
  requireContentType(c, "application/json");
  const text = await readBodyText(c, maxBytes);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
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
    parsed = schema.safeParse(raw) as ReturnType<S["safeParse"]>;
  } catch {
    throw new ApiError(400, "invalid_request", `${what} has a value of the wrong type`);
  }
  if (!parsed.success) throw invalidRequest(parsed.error, what);
  return parsed.data as z.infer<S>;
}
