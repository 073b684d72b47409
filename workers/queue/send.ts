// Sending to the queue from a request, with retries: a queue hiccup must not silently drop a decision log
// row (feedback quoting that decision would then be rejected as unknown) or an accepted feedback.

/** Decision logs leave after the answer: ~12 s of backoff stays well inside the 30 s waitUntil grants. */
export const LOG_BACKOFF_MS = [25, 100, 400, 1600, 3200, 6400];
/** Feedback is answered only once queued: a short ladder, then the caller gets 503 and retries itself. */
export const ANSWER_BACKOFF_MS = [25, 100, 400];

/** Sends `body`, retrying with the given backoff; throws the last error when every attempt failed. */
export async function sendWithRetry<Body>(queue: Queue<Body>, body: Body, backoffMs: readonly number[]): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await queue.send(body, { contentType: "json" });
      return;
    } catch (err) {
      if (attempt >= backoffMs.length) throw err;
      await new Promise((resolve) => setTimeout(resolve, backoffMs[attempt]));
    }
  }
}
