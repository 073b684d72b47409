// The clickstream queue: events wait until 20 are new or 2 s have passed since the first, leave in POSTs of at
// most 100, survive a navigation in sessionStorage until the server has them, and leave by beacon when the page
// is hidden.
import { beacon, isRetryable, postWithRetry } from "./delivery";
import { sessionStore } from "./identity";
import type { AuraHttpError, ClickstreamEvent } from "./types";

export const QUEUE_KEY = "aura_q";
export const BATCH_SIZE = 20;
export const FLUSH_DELAY_MS = 2000;
/** The contract's cap per POST /v1/events. */
export const MAX_PER_CALL = 100;
/** sessionStorage is small and shared with the storefront: past this the oldest events go. */
export const MAX_QUEUED = 500;

export interface Clickstream {
  add(event: ClickstreamEvent): void;
  flush(): Promise<void>;
  flushOnHide(): void;
  clear(): void;
  size(): number;
}

export function createClickstream(
  url: () => string,
  envelope: (events: ClickstreamEvent[]) => string,
  log: (...details: unknown[]) => void,
): Clickstream {
  let queue = restore();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let draining: Promise<void> | undefined;
  // Events added since the last flush began: unsent leftovers of a failed flush must not make every new event
  // trigger another round of retries against a server that is down.
  let fresh = 0;

  function restore(): ClickstreamEvent[] {
    try {
      const saved: unknown = JSON.parse(sessionStore.get(QUEUE_KEY) ?? "[]");
      return Array.isArray(saved) ? (saved as ClickstreamEvent[]).slice(-MAX_QUEUED) : [];
    } catch {
      return [];
    }
  }

  const save = () => sessionStore.set(QUEUE_KEY, JSON.stringify(queue));

  // By identity, not position: a beacon or a consent revocation may have changed the queue meanwhile.
  function remove(sent: ClickstreamEvent[]) {
    const gone = new Set(sent);
    queue = queue.filter((event) => !gone.has(event));
    save();
  }

  function stopTimer() {
    clearTimeout(timer);
    timer = undefined;
    fresh = 0;
  }

  /** Sends until the queue is empty; false when the server stayed unreachable (the rest waits for later). */
  async function drain(): Promise<boolean> {
    while (queue.length) {
      const batch = queue.slice(0, MAX_PER_CALL);
      try {
        await postWithRetry(url(), envelope(batch));
      } catch (caught) {
        if (isRetryable((caught as AuraHttpError).status)) {
          log("events kept for later", caught);
          return false;
        }
        // A 4xx other than 429 will never be accepted: resending would block every later event.
        log("events rejected", caught);
      }
      remove(batch);
    }
    return true;
  }

  function flush(): Promise<void> {
    stopTimer();
    draining ??= drain().then((ok) => {
      draining = undefined;
      // Events queued after the last batch left go now rather than wait for a timer nobody started.
      if (ok && queue.length) return flush();
    });
    return draining;
  }

  return {
    add(event) {
      queue.push(event);
      if (queue.length > MAX_QUEUED) queue.splice(0, queue.length - MAX_QUEUED);
      save();
      if (++fresh >= BATCH_SIZE) void flush();
      else timer ??= setTimeout(flush, FLUSH_DELAY_MS);
    },

    flush,

    flushOnHide() {
      stopTimer();
      const batches: ClickstreamEvent[][] = [];
      for (let start = 0; start < queue.length; start += MAX_PER_CALL) batches.push(queue.slice(start, start + MAX_PER_CALL));
      // Events still in flight go again: the page may not live to see their answer, and the server dedupes.
      for (const batch of batches) void beacon(url(), envelope(batch)).then((sent) => sent && remove(batch));
    },

    clear() {
      stopTimer();
      queue = [];
      save();
    },

    size: () => queue.length,
  };
}
