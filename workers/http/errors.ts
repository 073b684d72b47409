// One error shape for every 4xx/5xx: {"error": {code, message, details}, "request_id"}. Routes throw
// ApiError; app.onError turns anything thrown into that shape without leaking internals.
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { z } from "zod";

export class ApiError extends HTTPException {
  constructor(
    status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown[],
    readonly headers?: Record<string, string>,
  ) {
    super(status, { message });
  }
}

/** zod issues as `{field, message}` pairs a client can act on ("user_ctx.anon_id: Required"). */
export function issueDetails(error: z.ZodError): { field: string; message: string }[] {
  return error.issues.slice(0, 20).map((issue) => ({
    field: issue.path.map(String).join(".") || "(body)",
    message: issue.message,
  }));
}

export function invalidRequest(error: z.ZodError, what = "request body"): ApiError {
  const details = issueDetails(error);
  const first = details[0];
  return new ApiError(400, "invalid_request", first ? `${first.field}: ${first.message}` : `invalid ${what}`, details);
}

/** The error shape for what was thrown, with its status and any headers it asks for. */
export function errorBody(requestId: string, err: unknown): { status: ContentfulStatusCode; body: ErrorBody; headers: Record<string, string> } {
  if (err instanceof ApiError) {
    const body = { error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) }, request_id: requestId };
    return { status: err.status, body, headers: err.headers ?? {} };
  }
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode;
    const code = status === 413 ? "payload_too_large" : status === 401 ? "unauthorized" : status < 500 ? "invalid_request" : "internal_error";
    return { status, body: { error: { code, message: err.message || "request failed" }, request_id: requestId }, headers: {} };
  }
  // Never echo an unexpected error: it may hold SQL, a path or a key. It goes to the log with the request id.
  console.error(JSON.stringify({ level: "error", request_id: requestId, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) }));
  return { status: 500, body: { error: { code: "internal_error", message: "internal error" }, request_id: requestId }, headers: {} };
}

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown[] };
  request_id: string;
}

export function errorResponse(c: Context, err: unknown): Response {
  const { status, body, headers } = errorBody((c.get("requestId") as string | undefined) ?? "unknown", err);
  const res = c.json(body, status);
  for (const [k, v] of Object.entries(headers)) res.headers.set(k, v);
  return res;
}
