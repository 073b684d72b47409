// Does the size of an isolate's live heap lengthen its stalls? The rank floor (read and parse a rank request's
// body, answer a fixed rank answer: no aura code) in workerd, with N small live entries built at module scope, at
// a fixed rate, each size in turn and the order reversed every round. Every major GC marks what is live, so if
// marking is part of a stall, the worst latencies grow with N (bench/README.md, "Tails, sixth pass").
//
//   npx tsx bench/heap-ballast.ts [--entries 0,100000,250000,500000] [--rate 1000] [--seconds 20] [--rounds 2]
import { cpus } from "node:os";
import { numberOption, option } from "./cli";
import { fixedRate } from "./loadgen";
import { helloOptions, pin, pinServed, planPinning, rankFloorScript, serve, stopServed } from "./server";

const rate = numberOption("rate", 1000);
const seconds = numberOption("seconds", 20);
const rounds = numberOption("rounds", 2);
const sizes = option("entries", "0,100000,250000,500000").split(",").map(Number);

const answer = JSON.stringify({ items: Array.from({ length: 10 }, (_, i) => ({ item_id: `prod_${i}`, score: 0.5, reason: "x".repeat(200) })) });
/**
 * Each ballast entry is four heap objects (the object, its id string, a one-element array and its elements). The
 * global keeps the array alive: a module-scope const no function refers to need not outlive the module's evaluation.
 */
function script(n: number): string {
  return `const ballast = []; for (let i = 0; i < ${n}; i++) ballast.push({ id: "item_" + i, a: i, b: i * 2, t: [i] });
globalThis.__ballast = ballast;
${rankFloorScript(answer)}`;
}
const BODY = JSON.stringify({ surface_id: "homepage.carousel", user_ctx: { anon_id: "anon_0123456789abcdef01234567", consent: ["analytics", "personalization"], device: "mobile" }, limit: 10, note: "y".repeat(400) });

async function main(): Promise<void> {
  const pinning = planPinning(false, cpus().length);
  if (pinning.enabled) pin(process.pid, pinning.clientCore!);
  for (let r = 0; r < rounds; r++) {
    for (const n of r % 2 ? [...sizes].reverse() : sizes) {
      const served = await serve(helloOptions([], undefined, script(n)), "hello", []);
      try {
        if (pinning.enabled) pinServed(served, pinning.serverCore!);
        const target = { origin: served.url.origin, method: "POST" as const, path: "/", bodies: [BODY] };
        await fixedRate(target, { rate, durationS: 5, connections: 64, serverPid: served.pid });
        const run = await fixedRate(target, { rate, durationS: seconds, connections: 64, serverPid: served.pid });
        const l = run.latencyMs;
        console.log(`${n} ballast entries: p50 ${l.p50} p95 ${l.p95} p99 ${l.p99} max ${l.max} ms; ${run.serverCpuUsPerRequest} µs/req; errors ${run.errors}`);
      } finally {
        await stopServed(served);
      }
    }
  }
}
main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
