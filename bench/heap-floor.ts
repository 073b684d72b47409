// The runtime's own share of what reaches V8's old generation: minimal Workers, each doing one thing the rank path
// does, under the same fixed-rate load as bench/heap.ts, with the same sampling (objects that die in a minor GC
// left out). It answers whether what aura's requests leave in the old generation is aura's doing: objects the
// runtime makes or holds for a request (its request, response and headers wrappers, a body it read) are reachable
// from the runtime's own C++ objects until a major GC finds those dead, so they outlive every scavenge however
// short the request.
//
//   npx tsx bench/heap-floor.ts [--rate 1000] [--seconds 10]
import { cpus } from "node:os";
import { numberOption } from "./cli";
import { allocationSites, connectInspector, type SamplingNode } from "./inspector";
import { fixedRate } from "./loadgen";
import { helloOptions, pin, pinServed, planPinning, serve, stopServed, type Pinning } from "./server";

const rate = numberOption("rate", 1000);
const seconds = numberOption("seconds", 10);

/** Each Worker's work sits in named functions, so the sampled allocation sites say which step allocated. */
const WORKERS: Record<string, { what: string; script: string }> = {
  hello: {
    what: "hello-world: a constant text answer",
    script: `export default { async fetch() { return new Response("Hello World!"); } };`,
  },
  plainObjects: {
    what: "hello-world that also builds ~5 KB of plain objects, alive across an await",
    script: `function build() { const a = []; for (let i = 0; i < 100; i++) a.push({ i, s: "k" + i }); return a; }
export default { async fetch() { const built = build(); await Promise.resolve(); return new Response(String(built.length)); } };`,
  },
  bodyText: {
    what: "reads the JSON body with request.text() and parses it",
    script: `async function readText(request) { return await request.text(); }
function parse(text) { return JSON.parse(text); }
export default { async fetch(request) { parse(await readText(request)); return new Response("ok"); } };`,
  },
  bodyBytes: {
    what: "reads the JSON body as bytes, decodes them strictly and parses (aura's readBodyText)",
    script: `const utf8 = new TextDecoder("utf-8", { fatal: true });
async function readBytes(request) { return await request.arrayBuffer(); }
function decode(bytes) { return utf8.decode(bytes); }
function parse(text) { return JSON.parse(text); }
export default { async fetch(request) { parse(decode(await readBytes(request))); return new Response("ok"); } };`,
  },
  jsonAnswer: {
    what: "answers ~4 KB of JSON text with two headers (aura's answer, in size)",
    script: `function answer() { return JSON.stringify({ ok: true, r: Math.random(), pad: "x".repeat(4000) }); }
export default { async fetch() { return new Response(answer(), { headers: { "content-type": "application/json", "cache-control": "private, no-store" } }); } };`,
  },
};

/** A rank request's size and shape (~800 bytes), the same body every time. */
const BODY = JSON.stringify({
  surface_id: "homepage.carousel",
  user_ctx: { anon_id: "anon_0123456789abcdef01234567", consent: ["analytics", "personalization"], device: "mobile", referrer: "https://www.google.com/search?q=camera", page_type: "home" },
  limit: 10,
  context: { cart: Array.from({ length: 12 }, (_, k) => `prod_${1000 + k}`) },
  note: "y".repeat(400),
});

async function measure(name: string, script: string, pinning: Pinning): Promise<void> {
  const served = await serve({ ...helloOptions([], undefined, script), inspectorPort: 0 }, "hello", []);
  try {
    if (pinning.enabled) pinServed(served, pinning.serverCore!);
    const cdp = await connectInspector(served, "hello");
    try {
      const target = { origin: served.url.origin, method: "POST" as const, path: "/", bodies: [BODY] };
      await fixedRate(target, { rate, durationS: 3, connections: 64, serverPid: served.pid });
      await cdp.send("HeapProfiler.enable");
      await cdp.send("HeapProfiler.startSampling", { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: false });
      const run = await fixedRate(target, { rate, durationS: seconds, connections: 64, serverPid: served.pid });
      const { profile } = await cdp.send<{ profile: { head: SamplingNode } }>("HeapProfiler.stopSampling");
      const sites = allocationSites(profile.head, (f) => f.functionName || "(anonymous)");
      const perRequest = (bytes: number) => Math.round(bytes / run.completed);
      const total = [...sites.values()].reduce((a, b) => a + b, 0);
      console.log(`${name}: ${WORKERS[name]!.what}\n  ${run.completed} requests, ${run.serverCpuUsPerRequest} µs workerd CPU/req; reached the old generation: ${perRequest(total)} bytes per request`);
      for (const [site, bytes] of [...sites].sort((a, b) => b[1] - a[1]).slice(0, 4)) console.log(`    ${String(perRequest(bytes)).padStart(6)} B/req  ${site}`);
    } finally {
      cdp.close();
    }
  } finally {
    await stopServed(served);
  }
}

async function main(): Promise<void> {
  const pinning = planPinning(false, cpus().length);
  if (pinning.enabled) pin(process.pid, pinning.clientCore!);
  console.log(`${rate} POST/s for ${seconds} s per Worker, ${BODY.length}-byte JSON body; sampled every 4 KB allocated\n`);
  for (const [name, { script }] of Object.entries(WORKERS)) await measure(name, script, pinning);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
