// /v1/experiments: create, list, get, pause/resume/stop or reweight, the statistics report, and the bandit's
// readable state (posteriors).
import { Hono } from "hono";
import * as z from "zod";
import { defaultConfig } from "../../shared/config/default";
import { CreateExperiment, PatchExperiment, type Experiment } from "../../shared/experiments/schema";
import { freeLayerSlice } from "../../shared/experiments/layers";
import { ExperimentExistsError, getExperiment, insertExperiment, layerMembers, listExperiments, retireArm, reweightExperiment, runningOnSurface, setExperimentStatus } from "../data/experiments";
import { loadExperimentAggregates } from "../data/report";
import { buildReport } from "../../shared/experiments/report";
import { banditShard } from "../bandit/shard";
import { invalidateBanditSnapshot, loadExperimentPosteriors } from "../data/posteriors";
import { ApiError, invalidRequest } from "../http/errors";
import { readJson, type AppEnv } from "../http/middleware";

export const experimentsRouter = new Hono<AppEnv>();

const ExperimentId = z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, "an experiment id");

function experimentId(raw: string): string {
  const parsed = ExperimentId.safeParse(raw);
  if (!parsed.success) throw invalidRequest(parsed.error, "experiment id");
  return parsed.data;
}

experimentsRouter.post("/", async (c) => {
  const body = await readJson(c, CreateExperiment);
  if (!defaultConfig.surfaces.some((s) => s.id === body.surface_id)) {
    throw new ApiError(400, "unknown_surface", `unknown surface ${body.surface_id}`, [{ field: "surface_id", message: `known surfaces: ${defaultConfig.surfaces.map((s) => s.id).join(", ")}` }]);
  }
  if (body.allocation === "bandit" && body.layer !== undefined) {
    throw new ApiError(400, "invalid_request", "bandit experiments adapt their own traffic and cannot share a layer", [{ field: "layer", message: "only fixed-allocation experiments share layers" }]);
  }
  // A surface runs one unlayered experiment, or any number of experiments of one layer (mutually exclusive).
  const onSurface = await runningOnSurface(c.env.DB, body.surface_id);
  const clash = onSurface.find((e) => e.layer === null || e.layer !== (body.layer ?? null));
  if (clash) throw new ApiError(409, "conflict", `experiment ${clash.id} is already running on ${body.surface_id}${clash.layer ? ` in layer ${clash.layer}` : ""}; pause or stop it first`);
  let layerRange: [number, number] | null = null;
  if (body.layer !== undefined) {
    const taken = (await layerMembers(c.env.DB, body.layer)).flatMap((e) => (e.layer_range ? [e.layer_range] : []));
    layerRange = freeLayerSlice(taken, body.layer_share);
    if (!layerRange) throw new ApiError(409, "conflict", `layer ${body.layer} has no free slice of ${body.layer_share ?? "any"} share; stop an experiment in it or ask for less`);
  }
  try {
    const created = await insertExperiment(c.env.DB, body, new Date(), layerRange);
    invalidateBanditSnapshot();
    return c.json(created, 201);
  } catch (err) {
    if (err instanceof ExperimentExistsError) throw new ApiError(409, "conflict", err.message);
    throw err;
  }
});

experimentsRouter.get("/", async (c) => c.json({ experiments: await listExperiments(c.env.DB) }));

experimentsRouter.get("/:id", async (c) => {
  const found = await getExperiment(c.env.DB, experimentId(c.req.param("id")));
  if (!found) throw new ApiError(404, "not_found", `no experiment ${c.req.param("id")}`);
  return c.json(found);
});

experimentsRouter.patch("/:id", async (c) => {
  const id = experimentId(c.req.param("id"));
  const patch = await readJson(c, PatchExperiment);
  const existing = await getExperiment(c.env.DB, id);
  if (!existing) throw new ApiError(404, "not_found", `no experiment ${id}`);
  let updated: Experiment | null = existing;
  if (patch.weights) {
    if (existing.allocation !== "fixed") throw new ApiError(400, "invalid_request", "weights apply to fixed-allocation experiments; a bandit sets its own", [{ field: "weights", message: "not for bandits" }]);
    const unknown = Object.keys(patch.weights).filter((v) => !existing.variants.some((x) => x.id === v));
    if (unknown.length) throw new ApiError(400, "invalid_request", `unknown variants: ${unknown.join(", ")}`, [{ field: "weights", message: `variants are ${existing.variants.map((v) => v.id).join(", ")}` }]);
    const total = existing.variants.reduce((s, v) => s + (patch.weights![v.id] ?? v.weight), 0);
    if (Math.abs(total - 1) > 1e-6) throw new ApiError(400, "invalid_request", `weights must sum to 1 (got ${total})`, [{ field: "weights", message: "must sum to 1 with the unchanged ones" }]);
  }
  const status = patch.status;
  if (status !== undefined) {
    if (existing.status === "stopped" && status !== "stopped") throw new ApiError(409, "conflict", "a stopped experiment cannot be restarted; create a new one");
    if (status === "running" && existing.status !== "running") {
      const clash = (await runningOnSurface(c.env.DB, existing.surface_id)).find((e) => e.id !== id && (e.layer === null || e.layer !== existing.layer));
      if (clash) throw new ApiError(409, "conflict", `experiment ${clash.id} is already running on ${existing.surface_id}`);
    }
  }
  if (patch.weights) updated = await reweightExperiment(c.env.DB, existing, patch.weights, new Date());
  if (status !== undefined) updated = await setExperimentStatus(c.env.DB, id, status, new Date());
  invalidateBanditSnapshot();
  return c.json(updated);
});

experimentsRouter.get("/:id/report", async (c) => {
  const id = experimentId(c.req.param("id"));
  const experiment = await getExperiment(c.env.DB, id);
  if (!experiment) throw new ApiError(404, "not_found", `no experiment ${id}`);
  const data = await loadExperimentAggregates(c.env.DB, experiment);
  return c.json(buildReport(experiment, data, new Date()));
});

experimentsRouter.get("/:id/posteriors", async (c) => {
  const id = experimentId(c.req.param("id"));
  const experiment = await getExperiment(c.env.DB, id);
  if (!experiment) throw new ApiError(404, "not_found", `no experiment ${id}`);
  let posteriors;
  try {
    posteriors = await loadExperimentPosteriors(c.env, experiment);
  } catch {
    throw new ApiError(503, "bandit_state_unavailable", "the bandit state could not be read; try again shortly");
  }
  const segments = posteriors.segments().map((key) => {
    const rows = posteriors.rows(key);
    const totalPulls = rows.reduce((s, r) => s + r.pulls, 0);
    const current = posteriors.segment(key);
    return {
      segment: key,
      arms: experiment.variants.map((v) => {
        const r = rows.find((x) => x.arm === v.id);
        const pulls = r?.pulls ?? 0;
        const rewards = Math.min(r?.successes ?? 0, pulls);
        const live = current.arms.findIndex((a) => a.arm === v.id);
        return {
          arm: v.id,
          alpha: 1 + rewards,
          beta: 1 + pulls - rewards,
          pulls,
          rewards,
          mean: (1 + rewards) / (2 + pulls),
          traffic_share: totalPulls > 0 ? pulls / totalPulls : 0,
          win_probability: live >= 0 ? Math.round(current.win[live]! * 10_000) / 10_000 : 0,
          retired: experiment.retired_arms.includes(v.id),
        };
      }),
    };
  });
  return c.json({ experiment_id: id, metric: experiment.metric, segments });
});

/** Retire: the arm is never chosen again (its history stays). Reset: its learned counts restart from the prior. */
experimentsRouter.post("/:id/arms/:arm/:action", async (c) => {
  const id = experimentId(c.req.param("id"));
  const action = c.req.param("action");
  if (action !== "retire" && action !== "reset") throw new ApiError(404, "not_found", `no action ${action}; use retire or reset`);
  const experiment = await getExperiment(c.env.DB, id);
  if (!experiment) throw new ApiError(404, "not_found", `no experiment ${id}`);
  const arm = c.req.param("arm");
  if (!experiment.variants.some((v) => v.id === arm)) throw new ApiError(404, "not_found", `experiment ${id} has no arm ${arm}`);
  if (action === "retire") {
    const live = experiment.variants.filter((v) => v.id !== arm && !experiment.retired_arms.includes(v.id));
    if (live.length < 1) throw new ApiError(409, "conflict", "cannot retire the last live arm; stop the experiment instead");
    const updated = await retireArm(c.env.DB, id, arm, new Date());
    invalidateBanditSnapshot();
    return c.json(updated);
  }
  const segment = c.req.query("segment") ?? null;
  const cleared = await Promise.all(Array.from({ length: experiment.shards }, (_, i) => banditShard(c.env.BANDIT_SHARDS, id, i).resetArm(arm, segment)));
  invalidateBanditSnapshot();
  return c.json({ experiment_id: id, arm, segment, rows_cleared: cleared.reduce((s, n) => s + n, 0) });
});
