// How feedback meets its decision: accepted only for a decision that exists, is recent and served the item;
// a success (the experiment's metric with a positive value) moves the bandit at most once per decision.
import type { RewardType } from "../experiments/schema";

/** Feedback older than this (after the decision) no longer counts: the context that earned it is gone. */
export const FEEDBACK_WINDOW_MS = 7 * 86_400_000;
/** Client clocks run early: a reward stamped slightly before its decision is still plausible. */
const CLOCK_SKEW_MS = 5 * 60_000;

export interface LoggedDecision {
  request_id: string;
  decided_at: string;
  items: readonly string[];
  experiment_id: string | null;
  segment_id: string | null;
  arm: string | null;
  holdout: boolean;
  /** The experiment's metric (for bandit decisions). */
  metric: RewardType | null;
}

export interface IncomingFeedback {
  request_id: string;
  item_id: string;
  reward_type: RewardType;
  value: number;
  occurred_at: string;
  /** When aura received it (server time): the window is measured from this, which a client cannot forge. */
  received_at: string;
}

export type FeedbackVerdict =
  | { status: "rejected"; reason: string }
  | { status: "recorded" }
  | { status: "applied" };

/** The funnel, shallow to deep: a deeper step also reached the shallower ones (a cart add was a click). */
const FUNNEL: readonly RewardType[] = ["impression", "click", "add_to_cart", "purchase"];

/**
 * Whether a reward counts as the experiment's metric: the metric itself or a deeper funnel step (a shopper who
 * added the hero's product to the cart without the click being reported still engaged). A dismiss never does.
 */
export function meetsMetric(reward: RewardType, metric: RewardType): boolean {
  const r = FUNNEL.indexOf(reward);
  const m = FUNNEL.indexOf(metric);
  return r >= 0 && m >= 0 ? r >= m : reward === metric;
}

/**
 * The reason feedback is rejected with when no decision with its request id has been logged (yet). Its decision may
 * still land later (a decision log delayed by D1 retries), so rows with this reason are judged again once it does:
 * they are found by the prefix in UNKNOWN_DECISION_SQL, so keep it stable.
 */
const UNKNOWN_DECISION_REASON = "unknown request_id";

export function unknownDecisionReason(requestId: string): string {
  return `${UNKNOWN_DECISION_REASON} ${requestId}`;
}

/**
 * The feedback rows rejected with that reason, as SQL over the feedback table: the condition of its partial index
 * and of the queries that use it. Literal text, not a bound pattern: SQLite matches a partial index only on the
 * same terms, and a bound LIKE pattern is not one.
 */
export const UNKNOWN_DECISION_SQL = `status = 'rejected' AND reason LIKE '${UNKNOWN_DECISION_REASON} %'`;

export function judgeFeedback(decision: LoggedDecision, fb: IncomingFeedback): FeedbackVerdict {
  const served = decision.items.includes(fb.item_id) || (decision.arm !== null && decision.arm === fb.item_id);
  if (!served) return { status: "rejected", reason: `item ${fb.item_id} was not served by ${fb.request_id}` };
  // The window runs from the decision to when aura received the reward: the reward's own timestamp comes from the
  // client, and a replay of an old request id dated just after its decision must not pass.
  const lag = Date.parse(fb.received_at) - Date.parse(decision.decided_at);
  if (lag > FEEDBACK_WINDOW_MS) return { status: "rejected", reason: `feedback arrived ${Math.round(lag / 3_600_000)} h after the decision (window 168 h)` };
  if (Date.parse(fb.occurred_at) - Date.parse(decision.decided_at) < -CLOCK_SKEW_MS) return { status: "rejected", reason: "feedback is dated before the decision" };
  const learns = decision.experiment_id !== null && decision.arm !== null && !decision.holdout && decision.metric !== null && meetsMetric(fb.reward_type, decision.metric) && fb.value > 0;
  return learns ? { status: "applied" } : { status: "recorded" };
}

export interface LedgerEntry {
  key: string;
  kind: "pull" | "success";
  request_id: string;
  experiment_id: string;
  segment_id: string;
  arm: string;
}

/** A bandit decision is one pull of its arm in its segment. */
export function pullEntry(d: { request_id: string; experiment_id: string | null; bandit_segment: string | null; arm: string | null; holdout: boolean }): LedgerEntry | null {
  if (!d.experiment_id || !d.arm || !d.bandit_segment || d.holdout) return null;
  return { key: `pull:${d.request_id}`, kind: "pull", request_id: d.request_id, experiment_id: d.experiment_id, segment_id: d.bandit_segment, arm: d.arm };
}

/** One success per decision, however many items were clicked or how often the click was reported. */
export function successEntry(decision: LoggedDecision & { bandit_segment: string }): LedgerEntry {
  return { key: `success:${decision.request_id}`, kind: "success", request_id: decision.request_id, experiment_id: decision.experiment_id!, segment_id: decision.bandit_segment, arm: decision.arm! };
}
