// The learning loop end to end in workerd: rank calls choose creatives by Thompson sampling from the isolate's
// posterior snapshot, simulated clicks at known rates go through /v1/feedback and the real Queue into the
// BanditShard objects, and the best arm per segment ends up with most of the traffic.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { seededUniform } from "../shared/bandit/random";
import { call, expectError, json, seedDemo, waitFor } from "./test/helpers";

interface Posteriors {
  segments: { segment: string; arms: { arm: string; pulls: number; rewards: number; alpha: number; beta: number; traffic_share: number }[] }[];
}

const EXPERIMENT = "exp_hero_cta";
// Known click rates per device segment: a different best arm on mobile and desktop.
const RATES: Record<string, Record<string, number>> = {
  mobile: { control: 0.04, bold: 0.3, minimal: 0.04 },
  desktop: { control: 0.04, bold: 0.04, minimal: 0.3 },
};

async function rankOnce(anonId: string, device: "mobile" | "desktop") {
  const res = await call("/v1/rank", { body: { surface_id: "homepage.hero", user_ctx: { anon_id: anonId, device, consent: ["analytics", "personalization"] } } });
  expect(res.status).toBe(200);
  return json<{ request_id: string; segment: { id: string }; items: { content_id: string; propensity: number }[]; experiment: { id: string; variant: string; holdout: boolean; payload: Record<string, unknown> } | null }>(res);
}

async function sendFeedback(requestId: string, itemId: string, type = "click") {
  const res = await call("/v1/feedback", { body: { request_id: requestId, item_id: itemId, reward: { type, value: 1 } } });
  expect(res.status, await res.clone().text()).toBe(202);
  return json<{ status: string; feedback_id: string }>(res);
}

async function posteriors(): Promise<Posteriors> {
  const res = await call(`/v1/experiments/${EXPERIMENT}/posteriors`, { admin: true });
  expect(res.status).toBe(200);
  return json<Posteriors>(res);
}

async function ledgerSettled(): Promise<boolean> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM reward_ledger WHERE applied = 0").first<{ n: number }>();
  return row!.n === 0;
}

beforeAll(async () => {
  await seedDemo();
  const res = await call("/v1/experiments", {
    admin: true,
    body: {
      id: EXPERIMENT, surface_id: "homepage.hero", allocation: "bandit", metric: "click", segmented: true, shards: 2,
      variants: [
        { id: "control", payload: { image: "/img/hero-a.jpg", cta: "Shop now" } },
        { id: "bold", payload: { image: "/img/hero-b.jpg", cta: "Start creating today" } },
        { id: "minimal", payload: { image: "/img/hero-c.jpg", cta: "Explore" } },
      ],
    },
  });
  expect(res.status, await res.clone().text()).toBe(201);
});

describe("the learning loop", () => {
  it("learns the best creative per segment from clicks at known rates, counting duplicated feedback once", { timeout: 240_000 }, async () => {
    const u = seededUniform(2026);
    const sentClicks = new Set<string>();
    // What each decision served and with what probability, as the answers said: the report is checked against it.
    const servedArms: { requestId: string; arm: string; propensity: number }[] = [];
    let decisionsMade = 0;
    const started = Date.now();
    for (let phase = 0; phase < 10; phase++) {
      // Visitors arrive 25 at a time, as concurrent requests (their decision logs share a queue message).
      for (let wave = 0; wave < 250; wave += 25) {
        const devices = Array.from({ length: 25 }, (_, k) => ((wave + k) % 2 === 0 ? "mobile" : "desktop") as "mobile" | "desktop");
        // A pool of returning visitors per device (segment membership follows the device).
        const served = await Promise.all(devices.map((device, k) => rankOnce(`anon_learn_${device}_${(decisionsMade + k) % 150}`, device)));
        decisionsMade += served.length;
        for (const [k, r] of served.entries()) {
          const device = devices[k]!;
          expect(r.experiment).not.toBeNull();
          expect(r.experiment!.id).toBe(EXPERIMENT);
          expect(r.items[0]!.propensity).toBeGreaterThan(0);
          expect(r.items[0]!.propensity).toBeLessThanOrEqual(1);
          servedArms.push({ requestId: r.request_id, arm: r.experiment!.variant, propensity: r.items[0]!.propensity });
          if (u.next() < RATES[device]![r.experiment!.variant]!) {
            // Every click is reported twice, as a flaky SDK would.
            const first = await sendFeedback(r.request_id, r.items[0]!.content_id);
            const again = await sendFeedback(r.request_id, r.items[0]!.content_id);
            expect(again.feedback_id).toBe(first.feedback_id);
            sentClicks.add(r.request_id);
          }
        }
      }
      // Let the consumer catch up and the isolate's snapshot (1 s in tests) pick up the new posteriors.
      await new Promise((r) => setTimeout(r, 1100));
      console.log(`phase ${phase}: ${decisionsMade} decisions, ${Date.now() - started} ms`);
    }
    await waitFor(async () => {
      const decided = await env.DB.prepare("SELECT count(*) AS n FROM decisions WHERE experiment_id = ?").bind(EXPERIMENT).first<{ n: number }>();
      const fb = await env.DB.prepare("SELECT count(*) AS n FROM feedback WHERE status = 'applied'").first<{ n: number }>();
      return decided!.n === decisionsMade && fb!.n === sentClicks.size && (await ledgerSettled());
    }, 30_000);

    const state = await posteriors();
    const byDevice = (device: string) => state.segments.filter((s) => s.segment.includes(`_${device}_`));
    for (const [device, best] of [["mobile", "bold"], ["desktop", "minimal"]] as const) {
      const segs = byDevice(device);
      expect(segs.length).toBeGreaterThan(0);
      for (const seg of segs) {
        const total = seg.arms.reduce((s, a) => s + a.pulls, 0);
        if (total < 200) continue;
        const winner = seg.arms.find((a) => a.arm === best)!;
        expect(winner.traffic_share, `${seg.segment}: ${JSON.stringify(seg.arms)}`).toBeGreaterThan(0.5);
      }
    }
    // Counts reconcile exactly: pulls = bandit decisions, rewards = distinct clicked decisions (duplicates once).
    const pulls = state.segments.flatMap((s) => s.arms).reduce((s, a) => s + a.pulls, 0);
    const rewards = state.segments.flatMap((s) => s.arms).reduce((s, a) => s + a.rewards, 0);
    expect(pulls).toBe(decisionsMade);
    expect(rewards).toBe(sentClicks.size);
    for (const a of state.segments.flatMap((s) => s.arms)) {
      expect(a.alpha).toBe(1 + a.rewards);
      expect(a.beta).toBe(1 + a.pulls - a.rewards);
    }

    // The report weighs each decision by 1 / its propensity: unbiased arm values despite the adaptive split.
    // Pooled over the two devices (half the traffic each) the true values are control 0.04, bold and minimal 0.17.
    const res = await call(`/v1/experiments/${EXPERIMENT}/report`, { admin: true });
    expect(res.status).toBe(200);
    const report = await json<{ srm: unknown; notes: string[]; ipw: { arm: string; decisions: number; value: number; ci: [number, number] }[] }>(res);
    expect(report.srm).toBeNull();
    expect(report.notes.join(" ")).toContain("inverse-propensity");
    expect(report.ipw.reduce((s, a) => s + a.decisions, 0)).toBe(decisionsMade);
    // Exactly what the answers imply: (1/N)·Σ 1[arm served]·clicked/propensity over every decision, so each logged
    // propensity reached the report with its decision and its click.
    for (const arm of ["control", "bold", "minimal"]) {
      const a = report.ipw.find((x) => x.arm === arm)!;
      const expected = servedArms.reduce((s, d) => s + (d.arm === arm && sentClicks.has(d.requestId) ? 1 / d.propensity : 0), 0) / servedArms.length;
      expect(a.value, JSON.stringify(a)).toBeCloseTo(expected, 3);
    }
    // And near the truth. Only roughly here: the bandit's draws are not seeded, and an arm Thompson has ruled out
    // on one device is served there a handful of times at the 0.5% floor, so that device's share of its value
    // (at most 0.5 × 0.04 = 0.02) is usually missing or doubled, which the standard error cannot see. The
    // estimator's unbiasedness is checked on seeded simulations in shared/experiments/report.test.ts.
    for (const [arm, truth] of [["bold", 0.17], ["minimal", 0.17]] as const) {
      const a = report.ipw.find((x) => x.arm === arm)!;
      const se = (a.ci[1] - a.ci[0]) / (2 * 1.959964);
      expect(se, JSON.stringify(a)).toBeGreaterThan(0);
      expect(Math.abs(a.value - truth), JSON.stringify(a)).toBeLessThan(4 * se + 0.02);
    }
  });

  it("rejects feedback for unknown requests and unserved items, keeps it visible, and never applies it", { timeout: 60_000 }, async () => {
    const before = await posteriors();
    const r = await rankOnce("anon_reject_1", "mobile");
    await sendFeedback("req_00000000000000000000000000000000", "p122");
    await sendFeedback(r.request_id, "p999");
    const rejected = await waitFor(async () => {
      const res = await call("/v1/admin/feedback?status=rejected", { admin: true });
      const body = await json<{ feedback: { request_id: string; item_id: string; reason: string }[] }>(res);
      return body.feedback.length >= 2 ? body.feedback : null;
    }, 45_000);
    expect(rejected.find((f) => f.request_id === "req_00000000000000000000000000000000")!.reason).toContain("unknown request_id");
    expect(rejected.find((f) => f.item_id === "p999")!.reason).toContain("was not served");
    await waitFor(ledgerSettled);
    const after = await posteriors();
    const rewards = (p: Posteriors) => p.segments.flatMap((s) => s.arms).reduce((s, a) => s + a.rewards, 0);
    expect(rewards(after)).toBe(rewards(before));
  });

  it("validates feedback and experiments at the edge", async () => {
    await expectError(await call("/v1/feedback", { body: { request_id: "nope", item_id: "p1", reward: { type: "click" } } }), 400);
    await expectError(await call("/v1/feedback", { body: { request_id: "req_00000000000000000000000000000000", item_id: "p1", reward: { type: "like" } } }), 400);
    await expectError(await call("/v1/feedback", { body: { request_id: "req_00000000000000000000000000000000", item_id: "p1", reward: { type: "purchase", value: 1e9 } } }), 400);
    await expectError(await call("/v1/experiments", { admin: true, body: { id: "x", surface_id: "homepage.hero", allocation: "bandit", variants: [{ id: "a" }] } }), 400);
    await expectError(await call("/v1/experiments", { admin: true, body: { id: EXPERIMENT, surface_id: "homepage.hero", allocation: "bandit", variants: [{ id: "a" }, { id: "b" }] } }), 409);
    await expectError(await call("/v1/experiments", { body: {} }), 401);
    await expectError(await call("/v1/experiments/nope", { admin: true }), 404);
    const list = await json<{ experiments: { id: string }[] }>(await call("/v1/experiments", { admin: true }));
    expect(list.experiments.map((e) => e.id)).toContain(EXPERIMENT);
  });

  it("pauses an experiment: the surface serves no variant until it runs again", { timeout: 30_000 }, async () => {
    const paused = await call(`/v1/experiments/${EXPERIMENT}`, { method: "PATCH", admin: true, body: { status: "paused" } });
    expect((await json<{ status: string }>(paused)).status).toBe("paused");
    expect((await rankOnce("anon_paused", "mobile")).experiment).toBeNull();
    await call(`/v1/experiments/${EXPERIMENT}`, { method: "PATCH", admin: true, body: { status: "running" } });
    expect((await rankOnce("anon_resumed", "mobile")).experiment?.id).toBe(EXPERIMENT);
  });

  it("retires an arm (never served again) and resets an arm's counts", { timeout: 30_000 }, async () => {
    const retired = await call(`/v1/experiments/${EXPERIMENT}/arms/bold/retire`, { method: "POST", admin: true });
    expect(retired.status).toBe(200);
    expect((await json<{ retired_arms: string[] }>(retired)).retired_arms).toEqual(["bold"]);
    for (let i = 0; i < 60; i++) expect((await rankOnce(`anon_retire_${i}`, "mobile")).experiment!.variant).not.toBe("bold");
    // Reset one segment that receives no traffic meanwhile (the mobile ranks above are still being logged).
    const desktop = (await posteriors()).segments.find((s) => s.segment.includes("_desktop_"))!;
    expect(desktop.arms.find((a) => a.arm === "minimal")!.pulls).toBeGreaterThan(0);
    const reset = await call(`/v1/experiments/${EXPERIMENT}/arms/minimal/reset?segment=${desktop.segment}`, { method: "POST", admin: true });
    expect(reset.status).toBe(200);
    expect((await json<{ rows_cleared: number }>(reset)).rows_cleared).toBe(1);
    const after = (await posteriors()).segments.find((s) => s.segment === desktop.segment)!;
    expect(after.arms.find((a) => a.arm === "minimal")).toMatchObject({ pulls: 0, rewards: 0, alpha: 1, beta: 1 });
    expect(after.arms.find((a) => a.arm === "control")!.pulls).toBe(desktop.arms.find((a) => a.arm === "control")!.pulls);
    await expectError(await call(`/v1/experiments/${EXPERIMENT}/arms/nope/retire`, { method: "POST", admin: true }), 404);
    await expectError(await call(`/v1/experiments/${EXPERIMENT}/arms/control/explode`, { method: "POST", admin: true }), 404);
  });
});
