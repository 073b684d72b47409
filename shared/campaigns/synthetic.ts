// A synthetic CRM export for tests, benchmarks and demos: customers in three behavioural groups (recent big
// spenders, steady mid buyers, lapsed one-timers) with RFM columns and two attributes.
import { createRng } from "../catalog/prng";

export function syntheticCustomersCsv(n: number, seed: number): string {
  const rng = createRng(seed);
  const lines = ["customer_id,first_name,recency_days,frequency,monetary,tenure_days,age"];
  for (let i = 0; i < n; i++) {
    const kind = i % 3;
    const recency = kind === 0 ? rng.int(1, 20) : kind === 1 ? rng.int(20, 90) : rng.int(150, 400);
    const frequency = kind === 0 ? rng.int(8, 20) : kind === 1 ? rng.int(3, 8) : rng.int(1, 3);
    const monetary = Math.round((kind === 0 ? rng.float(600, 2000) : kind === 1 ? rng.float(150, 600) : rng.float(20, 150)) * 100) / 100;
    lines.push(`cust_${i},Name${i},${recency},${frequency},${monetary},${rng.int(30, 1500)},${rng.int(18, 75)}`);
  }
  return `${lines.join("\n")}\n`;
}
