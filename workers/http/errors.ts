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

export function errorResponse(c: Context, err: unknown): Response {
  const requestId = (c.get("requestId") as string | undefined) ?? "unknown";
  if (err instanceof ApiError) {
    const res = c.json(
      { error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) }, request_id: requestId },
      err.status,
    );
    for (const [k, v] of Object.entries(err.headers ?? {})) res.headers.set(k, v);
    return res;
  }
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode;
    const code = status === 413 ? "payload_too_large" : status === 401 ? "unauthorized" : status < 500 ? "invalid_request" : "internal_error";
    return c.json({ error: { code, message: err.message || "request failed" }, request_id: requestId }, status);
  }
  // Never echo an unexpected error: it may hold SQL, a path or a key. It goes to the log with the request id.
  console.error(JSON.stringify({ level: "error", request_id: requestId, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) }));
  return c.json({ error: { code: "internal_error", message: "internal error" }, request_id: requestId }, 500);
}
