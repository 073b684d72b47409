// Sending to the queue from a request, with retries: a queue hiccup must not silently drop a decision
// log row, since feedback quoting that decision would then be rejected as unknown.

/** Backoff between attempts; the whole sequence stays well inside waitUntil's time budget. */
const BACKOFF_MS = [25, 100, 400, 1600];

export async function sendWithRetry<Body>(queue: Queue<Body>, body: Body, onGiveUp: (err: unknown) => void): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await queue.send(body, { contentType: "json" });
      return;
    } catch (err) {
      if (attempt >= BACKOFF_MS.length) {
        onGiveUp(err);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, BACKOFF_MS[attempt]));
    }
  }
}
