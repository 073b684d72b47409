// The grounded template generator, the groundedness check, BM25 retrieval over the approved corpus, campaign
// segmentation and arm assignment, each against answers worked out by hand.
import { describe, expect, it } from "vitest";
import { createRng } from "../catalog/prng";
import { assignArms } from "./assign";
import { buildCorpusIndex, retrieve, type ApprovedContent } from "./corpus";
import { demoCorpus, DEMO_SIGN_OFF } from "./demo-corpus";
import { checkGrounding, figuresIn } from "./grounding";
import { segmentCampaign, type SegmentableCustomer } from "./segment";
import { STRATEGIES, strategiesFor } from "./strategies";
import { templateVariants } from "./template";

const corpus = buildCorpusIndex(demoCorpus.map((d) => ({ ...d, tags: d.tags ?? [] })) as ApprovedContent[]);

describe("the groundedness check", () => {
  it("accepts figures the cited source states, in any spelling of the same amount", () => {
    const ok = checkGrounding({ subject: "Warm presets", body: "Hi {{first_name}},\nThe pack costs $19.00 [c101].\nTwo bundles save 15% [c202]." }, corpus);
    expect(ok).toEqual({ ok: true, citations: ["c101", "c202"], problems: [] });
  });

  it("rejects an invented price, a figure without a citation, an unknown source and a subject figure no cited source has", () => {
    const invented = checkGrounding({ subject: "x", body: "The pack costs $9 [c101]." }, corpus);
    expect(invented.problems).toEqual(["$9 does not appear in [c101]"]);
    const uncited = checkGrounding({ subject: "x", body: "See [c101]. Save 40% today." }, corpus);
    expect(uncited.problems[0]).toContain("40% without citing a source");
    const unknown = checkGrounding({ subject: "x", body: "Great value [c999]." }, corpus);
    expect(unknown.problems).toEqual(["[c999] is not an approved source"]);
    const subject = checkGrounding({ subject: "Save 50% now", body: "Two bundles save 15% [c202]." }, corpus);
    expect(subject.problems).toEqual(["the subject's 50% does not appear in any source the body cites"]);
    expect(checkGrounding({ subject: "x", body: "No sources at all." }, corpus).problems).toEqual(["the body cites no approved source"]);
  });

  it("reads money and percentages, not other numbers", () => {
    expect(figuresIn("12 presets for $1,299.50, 20% off, 30 percent, 8,192 levels, €9.99").map((f) => `${f.kind}:${f.value}`)).toEqual(["money:1299.5", "percent:20", "percent:30", "money:9.99"]);
  });
});

describe("retrieval and the template generator", () => {
  it("retrieves by BM25: the win-back offer for win-back words, the course for learning words", () => {
    expect(retrieve(corpus, "welcome back we miss you", { kinds: ["offer"], limit: 1 })[0]!.doc.id).toBe("c201");
    expect(retrieve(corpus, "learn tutorial course", { kinds: ["product"], limit: 2 }).map((r) => r.doc.id)).toContain("c107");
  });

  it("writes one grounded variant per strategy, each citing what it states", () => {
    for (const lifecycle of ["best", "growing", "slipping", "lapsed", "no_history"] as const) {
      const strategies = strategiesFor(lifecycle, 3);
      const variants = templateVariants({ id: "s", label: "high monetary", size: 100, lifecycle, profile: {} }, strategies, corpus, { signOff: DEMO_SIGN_OFF });
      expect(variants.map((v) => v.strategy)).toEqual(strategies);
      for (const v of variants) {
        expect(checkGrounding(v, corpus), `${lifecycle}/${v.strategy}: ${v.subject}\n${v.body}`).toMatchObject({ ok: true });
        expect(v.body.startsWith("Hi {{first_name}},")).toBe(true);
      }
      // Deterministic: the same inputs write the same emails.
      expect(templateVariants({ id: "s", label: "high monetary", size: 100, lifecycle, profile: {} }, strategies, corpus, { signOff: DEMO_SIGN_OFF })).toEqual(variants);
    }
  });

  it("picks three distinct strategies per lifecycle, topping up from the full list when more are asked for", () => {
    expect(strategiesFor("slipping", 3)).toEqual(["urgency", "win_back", "value"]);
    expect(new Set(strategiesFor("best", 5)).size).toBe(5);
    expect(strategiesFor("best", 5).every((s) => (STRATEGIES as readonly string[]).includes(s))).toBe(true);
  });
});

describe("campaign segmentation", () => {
  it("finds the three behavioural groups of a customer file (k-means over RFM and attributes) and names their lifecycle", () => {
    const rng = createRng(4);
    const customers: SegmentableCustomer[] = Array.from({ length: 600 }, (_, i) => {
      const kind = i % 3;
      return {
        customer_id: `c${i}`,
        rfm: { recency_days: kind === 0 ? rng.int(1, 15) : kind === 1 ? rng.int(40, 80) : rng.int(250, 400), frequency: kind === 0 ? rng.int(10, 20) : kind === 1 ? rng.int(3, 6) : 1, monetary: kind === 0 ? rng.float(800, 1500) : kind === 1 ? rng.float(200, 400) : rng.float(20, 60) },
        attributes: { age: rng.int(20, 70), plan: "basic" },
      };
    });
    const result = segmentCampaign(customers, { mode: "kmeans", minSegmentSize: 50, seed: 1 });
    expect(result.method).toBe("kmeans");
    expect(result.segments.length).toBeGreaterThanOrEqual(3);
    // Each true group lands (almost) entirely in one segment.
    for (let kind = 0; kind < 3; kind++) {
      const counts = new Map<string, number>();
      for (let i = kind; i < 600; i += 3) counts.set(result.assignment.get(`c${i}`)!, (counts.get(result.assignment.get(`c${i}`)!) ?? 0) + 1);
      expect(Math.max(...counts.values())).toBeGreaterThanOrEqual(190);
    }
    const lifecycleOf = (i: number) => result.segments.find((s) => s.id === result.assignment.get(`c${i}`))!.lifecycle;
    expect(lifecycleOf(0)).toBe("best");
    expect(lifecycleOf(2)).toBe("lapsed");
    const byRfm = segmentCampaign(customers, { mode: "rfm", minSegmentSize: 50, seed: 1 });
    expect(byRfm.method).toBe("rfm");
    expect(byRfm.segments.map((s) => s.id)).toEqual(expect.arrayContaining(["rfm_best", "rfm_lapsed"]));
  });
});

describe("arm assignment", () => {
  it("deals each segment's customers to control and one arm per variant, balanced within one, deterministic and order-free", () => {
    const members = new Map([["a", Array.from({ length: 1001 }, (_, i) => `u${i}`)], ["b", Array.from({ length: 10 }, (_, i) => `v${i}`)]]);
    const variants = new Map([["a", ["a1", "a2", "a3"]], ["b", ["b1"]]]);
    const out = assignArms("cmp_x", members, variants);
    const sizes = (segment: string) => {
      const m = new Map<string, number>();
      for (const a of out.filter((o) => o.segment_id === segment)) m.set(a.arm, (m.get(a.arm) ?? 0) + 1);
      return m;
    };
    expect([...sizes("a").values()].sort()).toEqual([250, 250, 250, 251]);
    expect(sizes("b")).toEqual(new Map([["control", 5], ["treatment_1", 5]]));
    for (const a of out) expect(a.variant_id).toBe(a.arm === "control" ? null : (variants.get(a.segment_id)![Number(a.arm.split("_")[1]) - 1] ?? "?"));
    const shuffled = new Map([["b", [...members.get("b")!].reverse()], ["a", [...members.get("a")!].reverse()]]);
    const again = new Map(assignArms("cmp_x", shuffled, variants).map((a) => [a.customer_id, a.arm]));
    for (const a of out) expect(again.get(a.customer_id)).toBe(a.arm);
    // Another campaign deals differently.
    const other = new Map(assignArms("cmp_y", members, variants).map((a) => [a.customer_id, a.arm]));
    expect(out.filter((a) => other.get(a.customer_id) !== a.arm).length).toBeGreaterThan(500);
  });
});
