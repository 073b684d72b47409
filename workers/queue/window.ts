// Queue messages in windows: the first request of a window owns it (the send runs under its waitUntil, so a
// client hanging up does not cancel it); requests during the window append their item and learn the outcome.
// One message per window instead of one per request keeps the queue's message rate (and bill) proportional to
// isolates rather than traffic; a local queue broker given one message per request is the pipeline's ceiling.
//
// Nothing crosses requests but plain data: in workerd a promise continuation runs in the request context that
// settles the promise, so a waiter woken by the owner would build its response inside the owner's request
// ("Cannot perform I/O on behalf of a different request"). Waiters therefore watch the window's outcome
// from their own timers: first when the send should be done, then every POLL_MS.
import { sendWithRetry } from "./send";

interface OpenWindow<Item> {
  items: Item[];
  openedAt: number;
  outcome: { ok: true } | { ok: false; err: unknown } | null;
}

/** How often a waiter looks again once its window should have been sent. */
const POLL_MS = 2;

/** A waiter gives up after this long (the owner's isolate died mid-window): it answers an error, never hangs. */
const WAITER_TIMEOUT_MS = 15_000;

export class QueueWindow<Item> {
  #open: OpenWindow<Item> | null = null;

  constructor(
    private readonly windowMs: number,
    private readonly maxItems: number,
    private readonly backoffMs: readonly number[],
    private readonly toMessage: (items: Item[]) => unknown,
    /** Called (in the owner's request) when every attempt failed, with the items that were not queued. */
    private readonly onLost: (items: Item[], err: unknown) => void,
  ) {}

  /**
   * Adds `item`. With `wait`, the promise settles once its window's message is on the queue (rejects when
   * every attempt failed); without, the caller does not hear back (the owner reports a loss).
   */
  add(queue: Queue<unknown>, ctx: Pick<ExecutionContext, "waitUntil">, item: Item, wait: boolean): Promise<void> {
    let window = this.#open;
    let owner = false;
    if (window === null || window.items.length >= this.maxItems) {
      window = { items: [], openedAt: Date.now(), outcome: null };
      this.#open = window;
      owner = true;
    }
    window.items.push(item);
    const outcome = wait ? this.#waitFor(window) : Promise.resolve();
    if (owner) ctx.waitUntil(this.#flush(queue, window));
    return outcome;
  }

  #waitFor(window: OpenWindow<Item>): Promise<void> {
    const deadline = Date.now() + WAITER_TIMEOUT_MS;
    return new Promise<void>((resolve, reject) => {
      const look = () => {
        const outcome = window.outcome;
        if (outcome?.ok) resolve();
        else if (outcome) reject(outcome.err);
        else if (Date.now() > deadline) reject(new Error("queue window timed out"));
        else setTimeout(look, POLL_MS);
      };
      setTimeout(look, Math.max(0, window.openedAt + this.windowMs - Date.now()) + POLL_MS);
    });
  }

  async #flush(queue: Queue<unknown>, window: OpenWindow<Item>): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, this.windowMs));
    if (this.#open === window) this.#open = null;
    try {
      await sendWithRetry(queue, this.toMessage(window.items), this.backoffMs);
      window.outcome = { ok: true };
    } catch (err) {
      window.outcome = { ok: false, err };
      this.onLost(window.items, err);
    }
  }
}
