// Message strategies and how a segment's profile picks three of them. The names are shared with the engagement
// simulator's truth table and the report, so "which strategy won for whom" reads the same everywhere.
export const STRATEGIES = ["urgency", "social_proof", "education", "value", "exclusivity", "win_back"] as const;
export type Strategy = (typeof STRATEGIES)[number];

/** Words that retrieve the sources a strategy needs (offers, product facts), for BM25 over the corpus. */
export const STRATEGY_QUERY: Record<Strategy, string> = {
  urgency: "limited time ends soon last chance today deadline offer",
  social_proof: "best seller popular customers love rated favourite community",
  education: "guide tutorial learn beginner course how to getting started",
  value: "save discount bundle price deal value offer",
  exclusivity: "premium pro members early access exclusive collection",
  win_back: "welcome back miss you return offer code comeback",
};

/** Coarse lifecycle groups of the RFM grid; campaign segments are described by their dominant group. */
export type Lifecycle = "best" | "growing" | "slipping" | "lapsed" | "no_history";

export function lifecycleOf(rfmSegment: string | null): Lifecycle {
  switch (rfmSegment) {
    case "champions":
    case "loyal":
      return "best";
    case "potential_loyalist":
    case "new":
    case "promising":
      return "growing";
    case "need_attention":
    case "about_to_sleep":
    case "at_risk":
    case "cant_lose":
      return "slipping";
    case "hibernating":
    case "lost":
      return "lapsed";
    default:
      return "no_history";
  }
}

/** Three strategies per lifecycle, most promising first: the variants test them against each other. */
export const STRATEGIES_FOR: Record<Lifecycle, readonly [Strategy, Strategy, Strategy]> = {
  best: ["exclusivity", "social_proof", "education"],
  growing: ["social_proof", "education", "value"],
  slipping: ["urgency", "win_back", "value"],
  lapsed: ["win_back", "value", "urgency"],
  no_history: ["education", "social_proof", "value"],
};

export function strategiesFor(lifecycle: Lifecycle, count: number): Strategy[] {
  const preferred = [...STRATEGIES_FOR[lifecycle]];
  for (const s of STRATEGIES) if (preferred.length < count && !preferred.includes(s)) preferred.push(s);
  return preferred.slice(0, count);
}
