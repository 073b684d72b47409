// Campaign segmentation with the nightly segmentation code: k-means over RFM (or, without purchase data, the
// numeric attributes; k by silhouette, at least 3 tried), or RFM lifecycle groups, each segment described by its dominant lifecycle so
// the generator can pick strategies for it.
import { rfmScores, rfmSegment } from "../segmentation/rfm";
import { segmentCustomers } from "../segmentation/segments";
import { lifecycleOf, type Lifecycle } from "./strategies";

export type CampaignSegmentMode = "auto" | "rfm" | "kmeans";

export interface SegmentableCustomer {
  customer_id: string;
  rfm: { recency_days: number; frequency: number; monetary: number } | null;
  attributes: Record<string, string | number | boolean | null>;
}

export interface CampaignSegment {
  id: string;
  label: string;
  size: number;
  lifecycle: Lifecycle;
  /** Mean of each clustering feature (natural units), for the report and the prompt. */
  profile: Record<string, number>;
}

export interface CampaignSegmentation {
  method: "kmeans" | "rfm";
  segments: CampaignSegment[];
  /** customer_id → segment id. */
  assignment: Map<string, string>;
  notes: string[];
}

/** Numeric attributes used for clustering, at most this many (the most complete first): beyond it the
 *  distances are dominated by whatever columns happened to be uploaded. */
const MAX_ATTRIBUTE_FEATURES = 6;

export function segmentCampaign(customers: readonly SegmentableCustomer[], opts: { mode: CampaignSegmentMode; minSegmentSize: number; seed: number }): CampaignSegmentation {
  const notes: string[] = [];
  const rfmNames = rfmNamesOf(customers);
  const numeric = numericAttributes(customers);
  const hasRfm = customers.some((c) => c.rfm !== null);
  let mode = opts.mode;
  if (mode === "auto") mode = numeric.length > 0 || hasRfm ? "kmeans" : "rfm";
  if (mode === "rfm" && !hasRfm) {
    notes.push("No customer has RFM data: segmented by k-means over the uploaded attributes instead.");
    mode = "kmeans";
  }
  if (mode === "kmeans" && numeric.length === 0 && !hasRfm) {
    notes.push("No numeric attributes or RFM data: every customer is in one segment.");
    return single(customers, notes);
  }
  if (mode === "rfm") return byLifecycle(customers, rfmNames, opts.minSegmentSize, notes);

  // Features: RFM (log-scaled counts and money, they are heavily skewed) and the numeric attributes, with the
  // median imputed where a value is missing (the clustering needs every feature for every customer).
  const columns: { name: string; value: (c: SegmentableCustomer) => number | null }[] = [];
  if (hasRfm) {
    columns.push({ name: "recency_days", value: (c) => c.rfm?.recency_days ?? null });
    columns.push({ name: "frequency", value: (c) => (c.rfm ? Math.log1p(c.rfm.frequency) : null) });
    columns.push({ name: "monetary", value: (c) => (c.rfm ? Math.log1p(Math.max(0, c.rfm.monetary)) : null) });
  }
  // Attributes join only when there is no purchase behaviour to cluster on: an uploaded column such as age is
  // as likely to be noise as signal, and standardised it would weigh as much as recency, splitting behavioural
  // groups in half. The report's attribution is where attributes show whether they drive response.
  if (!hasRfm) for (const name of numeric.slice(0, MAX_ATTRIBUTE_FEATURES)) columns.push({ name, value: (c) => (typeof c.attributes[name] === "number" ? (c.attributes[name] as number) : null) });
  const medians = columns.map((col) => median(customers.map(col.value).filter((v): v is number => v !== null)));
  const input = customers.map((c) => ({
    customer_id: c.customer_id,
    features: Object.fromEntries(columns.map((col, j) => [col.name, col.value(c) ?? medians[j]!])),
  }));
  const result = segmentCustomers(input, { seed: opts.seed, kRange: [3, 6], minSegmentSize: opts.minSegmentSize });
  if (result.k < 3) notes.push(`Only ${result.k} segment(s) have at least ${opts.minSegmentSize} customers (the k-anonymity floor); smaller clusters were merged.`);
  const assignment = new Map(result.assignments.map((a) => [a.customer_id, a.segment_id]));
  const membersOf = new Map<string, SegmentableCustomer[]>(result.segments.map((s) => [s.id, []]));
  for (const c of customers) membersOf.get(assignment.get(c.customer_id)!)?.push(c);
  const segments = result.segments.map((s) => {
    const members = membersOf.get(s.id)!;
    const profile = { ...s.centroid };
    // Report the RFM means in natural units, not the log scale they were clustered on.
    if (hasRfm) {
      const withRfm = members.filter((m) => m.rfm);
      profile.frequency = mean(withRfm.map((m) => m.rfm!.frequency));
      profile.monetary = mean(withRfm.map((m) => m.rfm!.monetary));
    }
    return { id: s.id, label: s.label, size: s.size, lifecycle: dominantLifecycle(members, rfmNames), profile: round(profile) };
  });
  return { method: "kmeans", segments, assignment, notes };
}

/** RFM named segment per customer (quintiles scored against the customers that have RFM). */
export function rfmNamesOf(customers: readonly SegmentableCustomer[]): Map<string, string> {
  const withRfm = customers.filter((c) => c.rfm !== null);
  const names = new Map<string, string>();
  rfmScores(withRfm.map((c) => ({ customer_id: c.customer_id, ...c.rfm! }))).forEach((score, i) => names.set(withRfm[i]!.customer_id, rfmSegment(score)));
  return names;
}

function byLifecycle(customers: readonly SegmentableCustomer[], rfmNames: Map<string, string>, minSize: number, notes: string[]): CampaignSegmentation {
  const groups = new Map<Lifecycle, SegmentableCustomer[]>();
  for (const c of customers) {
    const l = lifecycleOf(rfmNames.get(c.customer_id) ?? null);
    const members = groups.get(l);
    if (members) members.push(c);
    else groups.set(l, [c]);
  }
  // Groups under the floor join the largest group, and the note says so.
  const largest = [...groups.entries()].sort((a, b) => b[1].length - a[1].length)[0]![0];
  for (const [l, members] of [...groups.entries()]) {
    if (l !== largest && members.length < minSize) {
      groups.get(largest)!.push(...members);
      groups.delete(l);
      notes.push(`The ${l} group had ${members.length} customers (under ${minSize}) and joined ${largest}.`);
    }
  }
  const assignment = new Map<string, string>();
  const segments: CampaignSegment[] = [];
  for (const [l, members] of groups) {
    const id = `rfm_${l}`;
    for (const m of members) assignment.set(m.customer_id, id);
    const withRfm = members.filter((m) => m.rfm);
    segments.push({
      id,
      label: l.replace("_", " "),
      size: members.length,
      lifecycle: l,
      profile: round({ recency_days: mean(withRfm.map((m) => m.rfm!.recency_days)), frequency: mean(withRfm.map((m) => m.rfm!.frequency)), monetary: mean(withRfm.map((m) => m.rfm!.monetary)) }),
    });
  }
  segments.sort((a, b) => (a.id < b.id ? -1 : 1));
  if (segments.length < 3) notes.push(`RFM gave ${segments.length} lifecycle group(s) of at least ${minSize} customers.`);
  return { method: "rfm", segments, assignment, notes };
}

function single(customers: readonly SegmentableCustomer[], notes: string[]): CampaignSegmentation {
  return { method: "kmeans", segments: [{ id: "all", label: "everyone", size: customers.length, lifecycle: "no_history", profile: {} }], assignment: new Map(customers.map((c) => [c.customer_id, "all"])), notes };
}

function dominantLifecycle(members: readonly SegmentableCustomer[], rfmNames: Map<string, string>): Lifecycle {
  const counts = new Map<Lifecycle, number>();
  for (const m of members) {
    const l = lifecycleOf(rfmNames.get(m.customer_id) ?? null);
    counts.set(l, (counts.get(l) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? "no_history";
}

/** Numeric attribute columns, most complete first (ties by name). */
function numericAttributes(customers: readonly SegmentableCustomer[]): string[] {
  const filled = new Map<string, number>();
  const nonNumeric = new Set<string>();
  for (const c of customers) {
    for (const [k, v] of Object.entries(c.attributes)) {
      if (v === null) continue;
      if (typeof v === "number") filled.set(k, (filled.get(k) ?? 0) + 1);
      else nonNumeric.add(k);
    }
  }
  return [...filled.entries()].filter(([k, n]) => !nonNumeric.has(k) && n >= customers.length / 2).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([k]) => k);
}

function median(xs: number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function mean(xs: readonly number[]): number {
  return xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : 0;
}

function round(profile: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(profile).map(([k, v]) => [k, Math.round(v * 100) / 100]));
}
