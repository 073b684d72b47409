// Nightly next-best-action models, trained on our own events:
// - purchase propensity: L2 logistic regression on activity up to 30 days ago, labelled by a purchase in the
//   30 days since; a new version serves only if its holdout AUC is not worse than the active version's on the
//   same holdout (the previous version keeps serving otherwise);
// - customer value: BG/NBD (purchase frequency and churn, in days) and Gamma–Gamma (spend per purchase) over
//   the past year's buyers.
import { featureVector, FEATURE_NAMES, repeatPurchaseInputs } from "../../shared/customers/features";
import { hash32 } from "../../shared/hash";
import { rocAuc } from "../../shared/models/auc";
import { expectedPurchases, fitBgNbd, probabilityAlive, type BgNbdParams } from "../../shared/models/bgnbd";
import { fitGammaGamma } from "../../shared/models/gamma-gamma";
import { fitLogistic, predictProba, type LogisticModel } from "../../shared/models/logistic";
import { activityBetween, purchasersBetween } from "./activity";
import { activeModel, saveModelVersion } from "./model-versions";
import type { Job } from "./runner";

const DAY_MS = 86_400_000;
export const LABEL_DAYS = 30;
const OBSERVATION_DAYS = 180;
/** Standard deviation of the normal prior on ln a and ln b of the BG/NBD fit (a, b within e^±4 a priori). */
const DROPOUT_PRIOR_SD = 2;
/** Ridge strength (Σ logloss + λ/2·‖w‖²): mild, the features are few and standardised. */
const L2 = 1;
/** One visitor in five is held out, by hash, so the same visitors are held out night after night. */
const isHoldout = (visitor: string) => hash32(`holdout:${visitor}`) % 5 === 0;

export const PROPENSITY_KIND = "purchase_propensity";
export const CLV_KIND = "customer_value";

export const propensityJob: Job = {
  name: "purchase_propensity",
  async run({ env, db, now, runKey }) {
    const cutoff = new Date(now.getTime() - LABEL_DAYS * DAY_MS);
    const [rows, buyers] = await Promise.all([activityBetween(env.DB, new Date(cutoff.getTime() - OBSERVATION_DAYS * DAY_MS), cutoff), purchasersBetween(env.DB, cutoff, now)]);
    const train: { x: number[]; y: number }[] = [];
    const holdout: { x: number[]; y: number }[] = [];
    for (const r of rows) (isHoldout(r.visitor_hash) ? holdout : train).push({ x: featureVector(r, cutoff), y: buyers.has(r.visitor_hash) ? 1 : 0 });
    const positives = train.reduce((s, r) => s + r.y, 0);
    if (train.length < 50 || positives < 5 || positives === train.length || holdout.length < 20) {
      return { trained: false, note: "too little labelled history to train", rows: rows.length, positives };
    }
    const model = fitLogistic(train.map((r) => r.x), train.map((r) => r.y), { l2: L2, standardize: true });
    const labels = holdout.map((r) => r.y);
    const auc = rocAuc(labels, holdout.map((r) => predictProba(model, r.x)));
    const previous = await activeModel<LogisticModel & { features: readonly string[] }>(db, PROPENSITY_KIND);
    const previousAuc = previous && previous.params.features.join() === FEATURE_NAMES.join() ? rocAuc(labels, holdout.map((r) => predictProba(previous.params, r.x))) : null;
    // Not worse than what serves now, on the same holdout; a tie keeps the fresher model.
    const accepted = model.converged && (previousAuc === null || auc >= previousAuc);
    const id = `${PROPENSITY_KIND}:${runKey}`;
    const stamp = now.toISOString();
    await saveModelVersion(db, PROPENSITY_KIND, id, { status: accepted ? "active" : "rejected", params: { ...model, features: FEATURE_NAMES }, metrics: { holdout_auc: auc, previous_auc: previousAuc, train_rows: train.length, holdout_rows: holdout.length, positive_rate: positives / train.length }, trainedOn: cutoff.toISOString(), activatedAt: accepted ? stamp : null }, stamp);
    return { trained: true, model_version: id, activated: accepted, holdout_auc: round(auc), previous_auc: previousAuc === null ? null : round(previousAuc), train_rows: train.length, holdout_rows: holdout.length, positives };
  },
};

export const customerValueJob: Job = {
  name: "customer_value",
  async run({ env, db, now, runKey }) {
    const rows = await activityBetween(env.DB, new Date(now.getTime() - 365 * DAY_MS), now);
    const histories = rows.flatMap((r) => {
      const h = repeatPurchaseInputs(r, now);
      return h ? [{ ...h, spend: r.spend, purchases: r.purchases }] : [];
    });
    if (histories.length < 30) return { trained: false, note: "fewer than 30 buyers", buyers: histories.length };
    // MAP with a weak prior on the dropout parameters: a year of a store's buyers often cannot tell how
    // dropout varies between customers, and plain maximum likelihood then runs off to a, b → ∞ (CDNOW moves
    // by under 2% with it; shared/models/bgnbd.test.ts).
    const fit = fitBgNbd(histories, { dropoutPriorSd: DROPOUT_PRIOR_SD });
    // Spend per purchase (Gamma–Gamma) from the repeat buyers' mean order values.
    const spend = fitGammaGamma(histories.filter((h) => h.x >= 1 && h.spend > 0).map((h) => ({ x: h.x, mean_spend: h.spend / h.purchases })));
    // A model must still predict for every buyer it was fitted on before it serves.
    const valid = fit.converged && Number.isFinite(fit.logLikelihood) && predictsForAll(fit.params, histories);
    // Spend with (almost) no heterogeneity drives q and γ to infinity: the fit is then no better than the
    // population mean, which serves instead.
    const spendUsable = spend.converged && spend.params.q > 1 && spend.params.q < 1e4;
    const meanSpend = histories.reduce((s, h) => s + h.spend, 0) / histories.reduce((s, h) => s + h.purchases, 0);
    const id = `${CLV_KIND}:${runKey}`;
    const stamp = now.toISOString();
    const params = { bgnbd: fit.params, gamma_gamma: spendUsable ? spend.params : null, mean_spend: meanSpend, time_unit: "day" };
    await saveModelVersion(db, CLV_KIND, id, { status: valid ? "active" : "rejected", params, metrics: { bgnbd_log_likelihood: fit.logLikelihood, bgnbd_converged: fit.converged ? 1 : 0, dropout_prior_sd: DROPOUT_PRIOR_SD, gamma_gamma_log_likelihood: spend.logLikelihood, buyers: histories.length, repeat_buyers: spend.customers }, trainedOn: stamp, activatedAt: valid ? stamp : null }, stamp);
    return { trained: true, model_version: id, activated: valid, buyers: histories.length, repeat_buyers: spend.customers, bgnbd: fit.params, gamma_gamma: spend.params, gamma_gamma_used: spendUsable, mean_spend: round(meanSpend) };
  },
};

function predictsForAll(params: BgNbdParams, histories: readonly { x: number; t_x: number; T: number }[]): boolean {
  try {
    return histories.every((h) => Number.isFinite(expectedPurchases(params, 90, h.x, h.t_x, h.T)) && Number.isFinite(probabilityAlive(params, h.x, h.t_x, h.T)));
  } catch {
    return false;
  }
}

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
