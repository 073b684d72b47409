// Arm assignment within each segment: control plus one treatment per approved variant. Customers are ordered
// by a salted hash and dealt round-robin, so arms are balanced within one customer per segment (stratified by
// segment), independent of anything about the customer, and the same on every rerun.
import { hash32 } from "../hash";

export interface ArmAssignment {
  customer_id: string;
  segment_id: string;
  arm: string;
  variant_id: string | null;
}

export function assignArms(campaignId: string, members: ReadonlyMap<string, readonly string[]>, variants: ReadonlyMap<string, readonly string[]>): ArmAssignment[] {
  const out: ArmAssignment[] = [];
  for (const [segmentId, customers] of members) {
    const segmentVariants = variants.get(segmentId) ?? [];
    const arms = ["control", ...segmentVariants.map((_, i) => `treatment_${i + 1}`)];
    const order = customers.map((id) => ({ id, h: hash32(`${campaignId}:${segmentId}:${id}`) })).sort((a, b) => a.h - b.h || (a.id < b.id ? -1 : 1));
    order.forEach(({ id }, i) => {
      const arm = i % arms.length;
      out.push({ customer_id: id, segment_id: segmentId, arm: arms[arm]!, variant_id: arm === 0 ? null : segmentVariants[arm - 1]! });
    });
  }
  return out;
}
