// The decision log leaves after the answer, in per-isolate windows (one queue message per window), retried
// with backoff: only a queue down for many seconds costs log rows, and those are reported, never silent.
import { MAX_DECISIONS_PER_MESSAGE, type DecisionMessage, type DecisionsMessage } from "../../shared/api/messages";
import { LOG_BACKOFF_MS } from "./send";
import { QueueWindow } from "./window";

/** Short next to the queue's own batching (1 s), long enough to gather a burst. */
const WINDOW_MS = 50;

const decisionWindow = new QueueWindow<DecisionMessage>(
  WINDOW_MS,
  MAX_DECISIONS_PER_MESSAGE,
  LOG_BACKOFF_MS,
  (decisions): DecisionsMessage => ({ kind: "decisions", decisions }),
  (lost, err) => console.error(JSON.stringify({ level: "error", decision_log: err instanceof Error ? err.message : String(err), lost_request_ids: lost.map((d) => d.request_id) })),
);

/** Fire and forget: the window's owner sends it and reports a loss; the rank answer never waits. */
export function logDecision(queue: Queue<unknown>, ctx: Pick<ExecutionContext, "waitUntil">, decision: DecisionMessage): void {
  void decisionWindow.add(queue, ctx, decision, false);
}
