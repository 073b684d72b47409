// Queue messages in windows: the first request of a window owns it (the send runs under its waitUntil, so a
// client hanging up does not cancel it); requests during the window append their item and learn the outcome.
// One message per window instead of one per request keeps the queue's message rate (and bill) proportional to
// isolates rather than traffic; a local queue broker given one message per request is the pipeline's ceiling.
//
// Nothing crosses requests but plain data: in workerd a promise continuation runs in the request context that
// settles the promise, so a waiter woken by the owner would build its response inside the owner's request
// ("Cannot perform I/O on behalf of a different request"). Waiters therefore watch the window's outcome
// from their own timers: first when the send should be done, then every POLL_MS.
//
// A window too large for one queue message goes out as several (shared/api/message-size.ts); each item's outcome
// is its own message's.
import { messagePieces, type Piece } from "../../shared/api/message-size";
import { sendWithRetry } from "./send";

interface OpenWindow<Item> {
  items: Item[];
  openedAt: number;
  /** True once every message of the window was queued or given up on. */
  settled: boolean;
  /** The error of each item (by index) whose message could not be queued. */
  failed: Map<number, unknown>;
}

/** An item that no queue message can hold: sending it would only fail, however often it were tried. */
export class MessageTooLarge extends Error {}

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
   * Adds `item`. With `wait`, the promise settles once the message holding it is on the queue (rejects when
   * every attempt failed, or at once when no message can hold it); without, the caller does not hear back (the
   * owner reports a loss).
   */
  add(queue: Queue<unknown>, ctx: Pick<ExecutionContext, "waitUntil">, item: Item, wait: boolean): Promise<void> {
    let window = this.#open;
    let owner = false;
    if (window === null || window.items.length >= this.maxItems) {
      window = { items: [], openedAt: Date.now(), settled: false, failed: new Map() };
      this.#open = window;
      owner = true;
    }
    const index = window.items.push(item) - 1;
    const outcome = wait ? this.#waitFor(window, index) : Promise.resolve();
    if (owner) ctx.waitUntil(this.#flush(queue, window));
    return outcome;
  }

  #waitFor(window: OpenWindow<Item>, index: number): Promise<void> {
    const deadline = Date.now() + WAITER_TIMEOUT_MS;
    return new Promise<void>((resolve, reject) => {
      const look = () => {
        if (window.settled && !window.failed.has(index)) resolve();
        else if (window.settled) reject(window.failed.get(index));
        else if (Date.now() > deadline) reject(new Error("queue window timed out"));
        else setTimeout(look, POLL_MS);
      };
      setTimeout(look, Math.max(0, window.openedAt + this.windowMs - Date.now()) + POLL_MS);
    });
  }

  async #flush(queue: Queue<unknown>, window: OpenWindow<Item>): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, this.windowMs));
    if (this.#open === window) this.#open = null;
    let pieces: Piece[];
    try {
      pieces = messagePieces(window.items, this.toMessage);
    } catch {
      // Not serializable: the send fails the same way, and its failure is reported (never a silent loss).
      pieces = [{ start: 0, end: window.items.length, fits: true }];
    }
    for (const piece of pieces) {
      const items = window.items.slice(piece.start, piece.end);
      try {
        if (!piece.fits) throw new MessageTooLarge("the item is larger than a queue message can be");
        await sendWithRetry(queue, this.toMessage(items), this.backoffMs);
      } catch (err) {
        for (let i = piece.start; i < piece.end; i++) window.failed.set(i, err);
        this.onLost(items, err);
      }
    }
    window.settled = true;
  }
}
