// Helpers for integration tests that go through the Worker's own fetch inside workerd.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { demoCatalog } from "../../shared/catalog/demo";
import worker from "../index";

export const ADMIN_KEY = "test-admin-key";

export interface CallOptions {
  method?: string;
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
  admin?: boolean;
  /** Extra bindings for this call only (e.g. a secret the suite does not set). */
  env?: Record<string, unknown>;
}

export async function call(path: string, opts: CallOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.admin) headers.authorization = `Bearer ${ADMIN_KEY}`;
  let body: string | undefined = opts.raw;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers["content-type"] ??= "application/json";
  }
  return fetchWorker(new Request(`http://aura.test${path}`, { method: opts.method ?? (body === undefined ? "GET" : "POST"), headers, body }), opts.env);
}

/**
 * The Worker's own fetch handler with the real bindings, run in this workerd isolate; waits for its
 * waitUntil work (decision logs) like the runtime would before the isolate idles. (The test pool's
 * service-binding entry point slows down with every call, which thousand-request tests cannot afford.)
 */
export async function fetchWorker(request: Request, extraEnv?: Record<string, unknown>): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(request, extraEnv ? ({ ...env, ...extraEnv } as Env) : env, ctx);
  const body = await res.arrayBuffer();
  await waitOnExecutionContext(ctx);
  return new Response(body, { status: res.status, headers: res.headers });
}

export async function json<T = Record<string, unknown>>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

let seeded: Promise<void> | null = null;

/** Loads the demo storefront through the admin API once per test file's isolate. */
export function seedDemo(): Promise<void> {
  seeded ??= (async () => {
    const res = await call("/v1/admin/catalog", { admin: true, body: demoCatalog() });
    expect(res.status, await res.clone().text()).toBe(200);
  })();
  return seeded;
}

/** Asserts the contract's error shape and returns the error for further checks. */
export async function expectError(res: Response, status: number, code?: string): Promise<{ code: string; message: string; details?: { field: string; message: string }[] }> {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toContain("application/json");
  const body = await json<{ error: { code: string; message: string; details?: { field: string; message: string }[] }; request_id: string }>(res);
  expect(body.request_id).toMatch(/^req_[0-9a-f]{32}$/);
  expect(res.headers.get("x-request-id")).toBe(body.request_id);
  expect(typeof body.error.message).toBe("string");
  if (code) expect(body.error.code).toBe(code);
  return body.error;
}

export async function waitFor<T>(probe: () => Promise<T | null | undefined | false>, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const consentAll = ["analytics", "personalization"];

/**
 * An event time `minutes` before now. Journeys that classify a visitor must be dated relative to the clock: a
 * fixed date turns a "new" visitor (first seen under 24 hours ago) into a "returning" one a day later.
 */
export function minutesAgo(minutes: number): string {
  return new Date(Date.now() - minutes * 60_000).toISOString();
}
