// RFM (recency, frequency, monetary) scoring: each customer gets a 1–5 quintile score per dimension and a named
// segment from the R×F grid, so marketing can target "at risk" or "champions" without reading a model.

/** One customer's purchase history, summarised. */
export interface CustomerRfm {
  customer_id: string;
  /** Whole days since the customer's latest order. */
  recency_days: number;
  /** Number of orders. */
  frequency: number;
  /** Total spend over those orders. */
  monetary: number;
}

/** A score of 1 (worst) to 5 (best). */
export type QuintileScore = 1 | 2 | 3 | 4 | 5;

export interface RfmScore {
  customer_id: string;
  r: QuintileScore;
  f: QuintileScore;
  m: QuintileScore;
}

export const RFM_SEGMENTS = [
  "champions",
  "loyal",
  "potential_loyalist",
  "new",
  "promising",
  "need_attention",
  "about_to_sleep",
  "at_risk",
  "cant_lose",
  "hibernating",
  "lost",
] as const;
export type RfmSegment = (typeof RFM_SEGMENTS)[number];

/**
 * Quintile scores over a population, the same numbers as pandas
 * `pd.qcut(s.rank(method="first"), 5, labels=[1, 2, 3, 4, 5])` (reference/rfm.py checks this):
 *
 * - Values are ranked 1..n ascending; ties are broken by input order (the earlier customer gets the lower rank),
 *   so every customer has a distinct rank and the bins stay equal-sized even when, say, half the customers have
 *   frequency 1. The price is that tied customers on a bin edge may land in adjacent scores; callers that need
 *   stable scores should pass customers in a stable order (e.g. sorted by id).
 * - The bin edges are the 20/40/60/80 % quantiles of the ranks with linear interpolation, 1 + q·(n − 1); bins are
 *   right-closed, so rank ρ scores 1 + #{edges < ρ}. For n a multiple of 5 this is exactly n/5 customers per
 *   score; otherwise the outer scores take the extra customers (n = 12 gives 3, 2, 2, 2, 3).
 * - R is scored on recency with the labels reversed (fewest days = 5); F and M score higher values higher.
 * - A population of one has no spread to rank against, so it scores 3 (the middle) on every dimension.
 */
export function rfmScores(customers: readonly CustomerRfm[]): RfmScore[] {
  for (const c of customers) {
    if (!Number.isFinite(c.recency_days) || !Number.isFinite(c.frequency) || !Number.isFinite(c.monetary)) {
      throw new RangeError(`customer ${c.customer_id}: recency_days, frequency and monetary must be finite`);
    }
  }
  const recency = quintiles(customers.map((c) => c.recency_days));
  const frequency = quintiles(customers.map((c) => c.frequency));
  const monetary = quintiles(customers.map((c) => c.monetary));
  return customers.map((c, i) => ({
    customer_id: c.customer_id,
    r: (6 - (recency[i] as number)) as QuintileScore,
    f: frequency[i] as QuintileScore,
    m: monetary[i] as QuintileScore,
  }));
}

/** Scores 1..5 (low values low) by first-occurrence rank; see rfmScores. */
function quintiles(values: readonly number[]): number[] {
  const n = values.length;
  if (n === 1) return [3];
  // A stable sort keeps equal values in input order: that is rank(method="first").
  const order = values.map((_, i) => i).sort((a, b) => (values[a] as number) - (values[b] as number));
  const scores = new Array<number>(n);
  for (let position = 0; position < n; position++) {
    const rank = position + 1;
    let score = 1;
    for (let j = 1; j <= 4; j++) if (rank > 1 + (j / 5) * (n - 1)) score++;
    scores[order[position] as number] = score;
  }
  return scores;
}

/**
 * The widely used R×F grid (M is scored but, as in the grid, does not move the segment: frequency and spend are
 * strongly correlated, and two axes keep the segments explainable). Rows are R, columns F:
 *
 *          F=1              F=2                 F=3                 F=4         F=5
 *   R=5    new              potential_loyalist  potential_loyalist  champions   champions
 *   R=4    promising        potential_loyalist  potential_loyalist  loyal       loyal
 *   R=3    about_to_sleep   about_to_sleep      need_attention      loyal       loyal
 *   R=2    hibernating      hibernating         at_risk             at_risk     cant_lose
 *   R=1    lost             hibernating         at_risk             at_risk     cant_lose
 *
 * This is the common 10-cell map (`[1-2][1-2]` hibernating, `[1-2][3-4]` at_risk, `[1-2]5` cant_lose,
 * `3[1-2]` about_to_sleep, `33` need_attention, `[3-4][4-5]` loyal, `41` promising, `51` new,
 * `[4-5][2-3]` potential_loyalist, `5[4-5]` champions) with its worst corner, R=1 F=1 (longest gone and bought
 * least), split off as "lost", as the 11-segment variants do.
 */
const RF_GRID: Readonly<Record<QuintileScore, readonly [RfmSegment, RfmSegment, RfmSegment, RfmSegment, RfmSegment]>> = {
  5: ["new", "potential_loyalist", "potential_loyalist", "champions", "champions"],
  4: ["promising", "potential_loyalist", "potential_loyalist", "loyal", "loyal"],
  3: ["about_to_sleep", "about_to_sleep", "need_attention", "loyal", "loyal"],
  2: ["hibernating", "hibernating", "at_risk", "at_risk", "cant_lose"],
  1: ["lost", "hibernating", "at_risk", "at_risk", "cant_lose"],
};

/** The named segment of one customer's scores (see RF_GRID). */
export function rfmSegment(score: Pick<RfmScore, "r" | "f">): RfmSegment {
  const row = RF_GRID[score.r];
  const segment = row?.[score.f - 1];
  if (segment === undefined) throw new RangeError(`RFM scores must be integers 1..5 (got r=${score.r}, f=${score.f})`);
  return segment;
}

export interface Order {
  customer_id: string;
  /** ISO 8601 date or date-time; a bare date is midnight UTC. */
  order_date: string;
  amount: number;
}

const DAY_MS = 86_400_000;

/**
 * Summarises orders per customer as of `asOf`:
 * - recency_days: whole days (floored) from the latest order to asOf, so an order earlier the same day is 0;
 * - frequency: the number of orders (each row is one order);
 * - monetary: the total spend, not the mean, so that M measures the customer's value to us; a mean would rank a
 *   one-off big basket above a customer who buys every week.
 * Orders after asOf are ignored: the snapshot describes what was known at asOf, and a rerun of a past night must
 * give that night's answer. Customers appear in the order of their first order row.
 */
export function rfmFromOrders(
  orders: readonly { customer_id: string; order_date: string; amount: number }[],
  asOf: Date,
): CustomerRfm[] {
  const asOfMs = asOf.getTime();
  if (!Number.isFinite(asOfMs)) throw new RangeError("asOf must be a valid date");
  const byCustomer = new Map<string, { latest: number; count: number; total: number }>();
  for (const order of orders) {
    const at = Date.parse(order.order_date);
    if (!Number.isFinite(at)) throw new RangeError(`order of ${order.customer_id}: invalid order_date "${order.order_date}"`);
    if (!Number.isFinite(order.amount)) throw new RangeError(`order of ${order.customer_id}: amount must be finite`);
    if (at > asOfMs) continue;
    const summary = byCustomer.get(order.customer_id);
    if (summary === undefined) {
      byCustomer.set(order.customer_id, { latest: at, count: 1, total: order.amount });
    } else {
      summary.latest = Math.max(summary.latest, at);
      summary.count++;
      summary.total += order.amount;
    }
  }
  return Array.from(byCustomer, ([customer_id, s]) => ({
    customer_id,
    recency_days: Math.floor((asOfMs - s.latest) / DAY_MS),
    frequency: s.count,
    monetary: s.total,
  }));
}
