// GET /v1/users/:user_id/next-action: the nightly models applied to the visitor's activity now — purchase
// propensity (logistic regression), customer value and p(alive) (BG/NBD) — turned into one recommended action
// with the reasons behind it.
import { Hono } from "hono";
import { drizzle } from "drizzle-orm/d1";
import { engagementScore, featureVector, FEATURE_NAMES, repeatPurchaseInputs } from "../../shared/customers/features";
import { expectedPurchases, probabilityAlive, type BgNbdParams } from "../../shared/models/bgnbd";
import { expectedAverageSpend, type GammaGammaParams } from "../../shared/models/gamma-gamma";
import { predictProba, type LogisticModel } from "../../shared/models/logistic";
import { recommendAction } from "../../shared/models/next-action";
import { hashVisitorId } from "../../shared/privacy";
import { UserId } from "../../shared/api/schemas";
import { ApiError, invalidRequest } from "../http/errors";
import type { AppEnv } from "../http/middleware";
import { activityBetween } from "../jobs/activity";
import { activeModel } from "../jobs/model-versions";
import { CLV_KIND, PROPENSITY_KIND } from "../jobs/models";

export const users = new Hono<AppEnv>();

const DAY_MS = 86_400_000;
/** The activity a score is computed from: the propensity model's observation window. */
const WINDOW_DAYS = 180;

users.get("/:user_id/next-action", async (c) => {
  const parsed = UserId.safeParse(c.req.param("user_id"));
  if (!parsed.success) throw invalidRequest(parsed.error, "user id");
  const userId = parsed.data;
  const now = new Date();
  const visitor = await hashVisitorId(c.env.VISITOR_ID_SALT, userId);
  const db = drizzle(c.env.DB);
  const [[row], propensity, value] = await Promise.all([
    activityBetween(c.env.DB, new Date(now.getTime() - WINDOW_DAYS * DAY_MS), now, visitor),
    activeModel<LogisticModel & { features: readonly string[] }>(db, PROPENSITY_KIND),
    activeModel<{ bgnbd: BgNbdParams; gamma_gamma?: GammaGammaParams | null; mean_spend: number }>(db, CLV_KIND),
  ]);
  if (!row) throw new ApiError(404, "not_found", `no activity for ${userId} in the last ${WINDOW_DAYS} days`);

  const engagement = engagementScore(row, now);
  const usable = propensity && propensity.params.features.join() === FEATURE_NAMES.join();
  const purchaseProbability = usable ? predictProba(propensity.params, featureVector(row, now)) : null;
  const history = repeatPurchaseInputs(row, now);
  // The model was checked on every buyer it saw; a history beyond those (numerically) reads as "no estimate".
  const guarded = (f: () => number) => {
    try {
      const v = f();
      return Number.isFinite(v) ? v : null;
    } catch {
      return null;
    }
  };
  const pAlive = value && history ? guarded(() => probabilityAlive(value.params.bgnbd, history.x, history.t_x, history.T)) : null;
  const expected90 = value && history ? guarded(() => expectedPurchases(value.params.bgnbd, 90, history.x, history.t_x, history.T)) : null;
  // Spend per purchase: the Gamma–Gamma estimate for this customer (shrunk towards the population's).
  const spendPerPurchase = value && history ? (value.params.gamma_gamma && row.purchases > 0 ? expectedAverageSpend(value.params.gamma_gamma, history.x, row.spend / row.purchases) : value.params.mean_spend) : null;
  const daysSinceVisit = (now.getTime() - Date.parse(row.last_ts)) / DAY_MS;
  const decision = recommendAction({
    engagement_score: engagement,
    // Without a trained model yet, the observed purchase rate stands in (said so in the reasons).
    purchase_probability_30d: purchaseProbability ?? Math.min(1, row.purchases / Math.max(1, row.sessions)),
    p_alive: pAlive,
    expected_value_90d: expected90 !== null && spendPerPurchase !== null ? expected90 * spendPerPurchase : null,
    days_since_last_visit: daysSinceVisit,
    has_cart: row.carts > row.purchases,
  });
  const round = (x: number | null) => (x === null ? null : Math.round(x * 10_000) / 10_000);
  return c.json({
    user_id: userId,
    engagement_score: round(engagement),
    purchase_probability_30d: round(purchaseProbability),
    p_alive: round(pAlive),
    expected_purchases_90d: round(expected90),
    expected_value_90d: expected90 !== null && spendPerPurchase !== null ? Math.round(expected90 * spendPerPurchase * 100) / 100 : null,
    recommended_action: decision.recommended_action,
    reasons: purchaseProbability === null ? [...decision.reasons, "no trained propensity model yet: the observed purchase rate stands in"] : decision.reasons,
    model_version: [propensity?.id, value?.id].filter(Boolean).join(",") || null,
  });
});
