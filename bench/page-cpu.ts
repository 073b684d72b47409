// Where a personalized page's CPU goes: workerd's CPU per page for Workers that each do one more step of the page
// path, side by side on the server core and measured in alternating rounds at the page scenario's rate (each
// block's CPU counted through a 1 s pause after it, so work a block leaves behind counts), with their medians.
// The steps:
//   proxy             the plain proxy (page.ts's baseline);
//   rewriter          the proxy piping the page through an HTMLRewriter with no handler;
//   rewriter-fill     the same with aura's slot selector as the page scenario configures it (page.ts,
//                     PAGE_SLOT_SELECTOR; or --selector), filling each slot with fixed HTML (no decision);
//   aura              aura's page, visitors consenting to personalization, configured as the page scenario
//                     configures it (PAGE_SLOT_ELEMENTS = "section": the page's slots are sections);
//   aura-no-consent   aura's page without consent (no profile read, no segment);
//   aura-any-element  aura's page with PAGE_SLOT_ELEMENTS unset (wrangler.toml's default: slots on any element).
//   aura@<commit>     with --base REV: aura's page as that commit serves it (a worktree, bundled there), for a
//                     change's effect on the whole page path, the consumer and D1 included.
// aura's rows also get their D1 process's CPU per page (the decision log's writes, with the consumer attached).
// Each case also gets its time to first byte, pooled over the rounds (as page.ts measures it).
//
//   npx tsx bench/page-cpu.ts [--rounds 6] [--seconds 4] [--detached] [--selector 'section[data-aura-slot]']
//                             [--cases proxy,rewriter,rewriter-fill,aura,aura-no-consent,aura-any-element] [--base REV]
import { cpus } from "node:os";
import { join } from "node:path";
import { flagOption, numberOption, option } from "./cli";
import { fixedRate, type TargetRequest } from "./loadgen";
import { PAGE_RATE, PAGE_SLOT_SELECTOR, pageAuraConfig, pageLabel, pagesFilled, pageVisitors, plainProxyOptions, rewriterScript, startOrigin, storefrontPage, uncacheablePageViews, withScript } from "./page";
import { bundleWorker, checkoutWorktree, freshDir, pin, pinServed, planPinning, processCpuMs, readWranglerConfig, serve, serveAura, STATE_DIR, stopServed, withoutQueueConsumer, WORK_DIR, type ServedWorker } from "./server";
import { round, sleep, summarize } from "./stats";
import { catalog, createProfiles, prepareRankRun } from "./workload";

const rounds = numberOption("rounds", 6);
const seconds = numberOption("seconds", 4);
const detached = flagOption("detached");
const selector = option("selector", PAGE_SLOT_SELECTOR);
const wanted = option("cases", "proxy,rewriter,rewriter-fill,aura,aura-no-consent").split(",");
const base = option("base", "");

interface Case {
  name: string;
  served: ServedWorker;
  consent: boolean;
}

async function main(): Promise<void> {
  const pinning = planPinning(false, cpus().length);
  if (pinning.enabled) pin(process.pid, pinning.clientCore!);
  const cfg = readWranglerConfig();
  const items = catalog(1000);
  const origin = await startOrigin(storefrontPage(items), pinning.enabled ? pinning.clientCore : null);
  const servers: ServedWorker[] = [];
  let worktree: ReturnType<typeof checkoutWorktree> | null = null;
  try {
    if (base) worktree = checkoutWorktree(base, "page-cpu-base");
    const serveAuraFrom = async (bundlePath: string, state: string, slotElements?: string) => {
      const served = await serveAura(bundlePath, freshDir(join(STATE_DIR, state)), [], pageAuraConfig(cfg, origin.url, slotElements), detached ? withoutQueueConsumer : undefined);
      servers.push(served);
      return served;
    };
    const bundle = bundleWorker().path;
    const aura = await serveAuraFrom(bundle, "page-cpu");
    const auraAnyElement = wanted.includes("aura-any-element") ? await serveAuraFrom(bundle, "page-cpu-any-element", "") : null;
    const auraBase = worktree ? await serveAuraFrom(bundleWorker(worktree.root, join(WORK_DIR, "page-cpu-bundle-base")).path, "page-cpu-base") : null;
    const proxyOptions = plainProxyOptions([], cfg, origin.url);
    const proxy = await serve(proxyOptions, "plain-proxy", []);
    const rewriter = await serve(withScript(proxyOptions, rewriterScript(false, selector)), "plain-proxy", []);
    const rewriterFill = await serve(withScript(proxyOptions, rewriterScript(true, selector)), "plain-proxy", []);
    servers.push(proxy, rewriter, rewriterFill);
    if (pinning.enabled) for (const s of servers) pinServed(s, pinning.serverCore!);

    // The page scenario's setup: catalog, the rank pool's profiles, then the page visitors' (consumed when attached).
    for (const a of [aura, auraAnyElement, auraBase].filter((s): s is ServedWorker => s !== null)) {
      await prepareRankRun(a, items.length, PAGE_RATE);
      await createProfiles(a.url.origin, items, pageVisitors());
    }
    await sleep(3000);

    const cases: Case[] = [
      { name: "proxy", served: proxy, consent: true },
      { name: "rewriter", served: rewriter, consent: true },
      { name: "rewriter-fill", served: rewriterFill, consent: true },
      { name: "aura", served: aura, consent: true },
      { name: "aura-no-consent", served: aura, consent: false },
      ...(auraAnyElement ? [{ name: "aura-any-element", served: auraAnyElement, consent: true }] : []),
    ].filter((c) => wanted.includes(c.name));
    if (auraBase && worktree) cases.push({ name: `aura@${worktree.commit}`, served: auraBase, consent: true });
    const perRound = PAGE_RATE * seconds;
    const views = (consent: boolean): TargetRequest[] => uncacheablePageViews(perRound, consent);
    const figures = new Map(cases.map((c) => [c.name, { cpu: [] as number[], d1: [] as number[], ttfb: [] as number[], filled: 0, pages: 0 }]));
    // Round 0 warms every case up and is not counted.
    for (let r = 0; r <= rounds; r++) {
      for (const c of r % 2 === 0 ? cases : [...cases].reverse()) {
        const before = c.served.pid ? processCpuMs(c.served.pid) : null;
        const d1Before = c.served.storage?.pid ? processCpuMs(c.served.storage.pid) : null;
        const ttfb: number[] = [];
        const run = await fixedRate(
          { origin: c.served.url.origin, method: "GET", path: "/", bodies: null, requests: views(c.consent), label: pageLabel, firstByte: true },
          { rate: PAGE_RATE, durationS: seconds, connections: 64, serverPid: c.served.pid, onAnswer: (_due, ms) => ttfb.push(ms) },
        );
        // The decision log's consumer and writes finish in the pause, and are counted with the pages that caused
        // them (an idle workerd adds a few µs per page over the pause).
        await sleep(1000);
        const after = c.served.pid ? processCpuMs(c.served.pid) : null;
        const d1After = d1Before !== null ? processCpuMs(c.served.storage!.pid!) : null;
        if (r === 0) continue;
        const f = figures.get(c.name)!;
        if (before === null || after === null) throw new Error("workerd's CPU time could not be read (no /proc for its pid)");
        f.cpu.push(round(((after - before) * 1000) / Math.max(1, run.ok)));
        if (d1Before !== null && d1After !== null) f.d1.push(round(((d1After - d1Before) * 1000) / Math.max(1, run.ok)));
        f.ttfb.push(...ttfb);
        f.filled += pagesFilled(run);
        f.pages += run.ok;
      }
    }
    console.log(`workerd CPU per page (each block and the 1 s pause after it), ${PAGE_RATE} pages/s, ${rounds} rounds of ${seconds} s per case (alternating order), consumer ${detached ? "detached" : "attached"}:`);
    for (const c of cases) {
      const f = figures.get(c.name)!;
      const d1 = f.d1.length > 0 ? `; D1 process ${round(summarize(f.d1).p50)} µs/page` : "";
      const t = summarize(f.ttfb);
      console.log(`  ${c.name}: median ${round(summarize(f.cpu).p50)} µs/page (${f.cpu.join(" ")})${d1}; TTFB pooled over the rounds p50 ${round(t.p50)} ms, p99 ${round(t.p99)} ms; pages with 3 slots filled ${f.filled} of ${f.pages}`);
    }
  } finally {
    for (const s of servers) await (s.storage ? stopServed(s) : s.mf.dispose());
    origin.close();
    worktree?.remove();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
