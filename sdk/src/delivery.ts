// Getting JSON to the service: POSTs retried with backoff while the page lives, and beacons for the moments it
// may be leaving (a tab hidden, a link followed), which the browser delivers even after the page is gone.
import type { AuraHttpError } from "./types";

/** Waits before retries 1-4; jittered by ±20 % so a fleet of tabs does not retry in step after an outage. */
export const BACKOFF_MS = [500, 1000, 2000, 4000];

const JSON_TYPE = "application/json";

export function httpError(status: number, what: string): AuraHttpError {
  return Object.assign(new Error(`aura: ${what} failed (${status || "network error"})`), { status });
}

/** 429 and 5xx may pass; other 4xx mean this body will never be accepted. */
export const isRetryable = (status: number): boolean => status === 0 || status === 429 || status >= 500;

/** One POST; rejects with an AuraHttpError (status 0 for a network failure) unless the answer is 2xx. */
export async function post(url: string, body: string, keepalive = false): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { method: "POST", headers: { "content-type": JSON_TYPE }, body, keepalive });
  } catch {
    throw httpError(0, url);
  }
  if (!response.ok) throw Object.assign(httpError(response.status, url), { retryAfter: response.headers.get("retry-after") });
  return response;
}

const sleep = (ms: number) => new Promise<void>((wake) => setTimeout(wake, ms));

/**
 * POST with up to 4 retries on network errors, 429 and 5xx, honouring `retry-after` (seconds) when given.
 * `keepalive` lets a small body's request outlive the page (browsers cap such bodies at 64 KiB in all).
 */
export async function postWithRetry(url: string, body: string, keepalive = false): Promise<void> {
  for (let retry = 0; ; retry++) {
    try {
      await post(url, body, keepalive);
      return;
    } catch (caught) {
      const error = caught as AuraHttpError & { retryAfter?: string | null };
      const backoff = BACKOFF_MS[retry];
      if (backoff === undefined || !isRetryable(error.status)) throw error;
      const retryAfter = Number(error.retryAfter || NaN);
      await sleep(retryAfter >= 0 ? retryAfter * 1000 : backoff * (0.8 + 0.4 * Math.random()));
    }
  }
}

/**
 * Hands the body to the browser to deliver after the page is gone: sendBeacon when it accepts (true at once),
 * else a keepalive fetch (true once answered 2xx). Never rejects.
 */
export function beacon(url: string, body: string): Promise<boolean> {
  try {
    if (navigator.sendBeacon?.(url, new Blob([body], { type: JSON_TYPE }))) return Promise.resolve(true);
  } catch {
    // Some browsers throw on a cross-origin JSON beacon; the keepalive fetch below still works.
  }
  return post(url, body, true).then(
    () => true,
    () => false,
  );
}
