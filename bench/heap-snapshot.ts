// What the isolate's live heap is made of, under the rank scenario: a heap snapshot of the Worker in workerd
// (through the inspector) after warm-up and a few seconds of fixed-rate load, and its dominator tree. A node's
// retained size and object count are what would be freed with it, so each part is counted once. Every major GC
// marks every live object; this says whose they are (bench/README.md, "Start-up and the isolate's heap").
//
//   npx tsx bench/heap-snapshot.ts [--items 10000] [--rate 500] [--seconds 5] [--min-objects 15000] [--keep]
//
// --seconds is the load before the snapshot. Longer than PARSED_PROFILE_HOLD_MS (30 s) after the profiles were
// written, the visitors' profile objects have dropped their parsed profiles (workers/feature-store/durable-object.ts).
//
// --keep writes the snapshot to bench/.work/heap-<items>.heapsnapshot (for Chrome DevTools' Memory tab).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { flagOption, numberOption } from "./cli";
import { withInspectedRankRun } from "./inspector";
import { fixedRate } from "./loadgen";
import { WORK_DIR } from "./server";
import { round } from "./stats";
import { dominatorParts, type HeapSnapshot } from "./dominators";

const items = numberOption("items", 10000);
const rate = numberOption("rate", 500);
const seconds = numberOption("seconds", 5);
const minObjects = numberOption("min-objects", 15000);
const keep = flagOption("keep");

await withInspectedRankRun("heap-snapshot", items, rate, async ({ served, target, cdp }) => {
  await fixedRate(target, { rate, durationS: seconds, connections: 64, serverPid: served.pid });
  const chunks: string[] = [];
  cdp.onEvent((method, params) => {
    if (method === "HeapProfiler.addHeapSnapshotChunk") chunks.push((params as { chunk: string }).chunk);
  });
  await cdp.send("HeapProfiler.enable");
  await cdp.send("HeapProfiler.takeHeapSnapshot", { reportProgress: false });
  const text = chunks.join("");
  if (keep) writeFileSync(join(WORK_DIR, `heap-${items}.heapsnapshot`), text);
  const { totalBytes, totalObjects, parts } = dominatorParts(JSON.parse(text) as HeapSnapshot, minObjects);
  console.log(`/v1/rank, ${items} items, after warm-up and ${seconds} s at ${rate}/s: live heap ${round(totalBytes / 1e6, 1)} MB in ${totalObjects} objects`);
  console.log(`what retains at least ${minObjects} objects (dominator tree; indented under what holds it):`);
  for (const p of parts) console.log(`${"  ".repeat(p.depth + 1)}${String(p.objects).padStart(7)} objects ${String(round(p.retainedBytes / 1e6, 2)).padStart(6)} MB  ${p.via} -> ${p.what}`);
});
