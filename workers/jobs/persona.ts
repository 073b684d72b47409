// Nightly persona refresh: re-fits the persona classifier's weights on visitors whose purchases reveal their
// persona (the personas the bought items were made for), with the configured weights as the prior. The new
// weights serve (through the isolate snapshot) only if their held-out log-loss is not worse than the weights
// serving now; cold-start rules are never touched.
import { defaultConfig } from "../../shared/config/default";
import { PersonaConfig } from "../../shared/config/schema";
import { buildSnapshot } from "../../shared/decision/snapshot";
import { hash32 } from "../../shared/hash";
import { extractSessionFeatures, sessionEventTypes, type SessionEvent, type SessionEventType } from "../../shared/persona/features";
import { personaLogLoss, refitPersonaWeights, type LabelledSession } from "../../shared/persona/refit";
import { itemFacts } from "../../shared/ranking/index";
import type { ReferrerClass } from "../../shared/persona/signals";
import { activeModel, saveModelVersion } from "./model-versions";
import { loadCatalog } from "../data/catalog";
import type { Job } from "./runner";

export const PERSONA_KIND = "persona_weights";
const DAY_MS = 86_400_000;
const WINDOW_DAYS = 90;
/** As many of a visitor's latest events as a profile keeps. */
const RECENT = 50;

interface EventRow {
  visitor_hash: string;
  type: string;
  ts: string;
  page_type: string | null;
  category: string | null;
  product_id: string | null;
  query: string | null;
  referrer_class: string | null;
  utm_source: string | null;
  utm_medium: string | null;
}

export const personaRefreshJob: Job = {
  name: "persona_refresh",
  async run({ env, db, now, runKey }) {
    const config = defaultConfig.persona;
    if (!config.refit.enabled) return { refit: false, note: "disabled in the configuration" };
    const since = new Date(now.getTime() - WINDOW_DAYS * DAY_MS).toISOString();
    const [{ items }, rows] = await Promise.all([
      loadCatalog(env.DB),
      env.DB.prepare(
        `SELECT visitor_hash, type, ts, page_type, category, product_id, query, referrer_class, utm_source, utm_medium FROM events
         WHERE ts >= ?1 AND visitor_hash IN (SELECT DISTINCT visitor_hash FROM events WHERE type = 'purchase' AND ts >= ?1) ORDER BY visitor_hash, ts`,
      )
        .bind(since)
        .all<EventRow>(),
    ]);
    const snapshot = buildSnapshot(items, defaultConfig, "persona-refresh", now.getTime());
    const personasOf = new Map(items.map((i) => [i.id, i.personas]));
    const known = new Set(config.personas.map((p) => p.id));
    const byVisitor = new Map<string, EventRow[]>();
    for (const r of rows.results ?? []) byVisitor.set(r.visitor_hash, [...(byVisitor.get(r.visitor_hash) ?? []), r]);

    const train: LabelledSession[] = [];
    const holdout: LabelledSession[] = [];
    for (const [visitor, evs] of byVisitor) {
      // The label: the persona the bought items were made for, an item's first-listed persona counting most
      // (1, then 1/2, 1/3, ...); a tie says nothing.
      const votes = new Map<string, number>();
      for (const e of evs) {
        if (e.type !== "purchase" || !e.product_id) continue;
        (personasOf.get(e.product_id) ?? []).forEach((p, rank) => known.has(p) && votes.set(p, (votes.get(p) ?? 0) + 1 / (rank + 1)));
      }
      const ranked = [...votes].sort((a, b) => b[1] - a[1]);
      if (ranked.length === 0 || (ranked.length > 1 && ranked[0]![1] === ranked[1]![1])) continue;
      // The features: what the visitor did apart from buying, as the classifier sees a session.
      const browsing = evs.filter((e) => e.type !== "purchase" && (sessionEventTypes as readonly string[]).includes(e.type)).slice(-RECENT);
      if (browsing.length === 0) continue;
      const entry = evs.find((e) => e.referrer_class || e.utm_source || e.utm_medium);
      const events: SessionEvent[] = browsing.map((e) => ({ type: e.type as SessionEventType, ts: Date.parse(e.ts), page_type: e.page_type, category: e.category, product_id: e.product_id, query: e.query, quiz: null }));
      const features = extractSessionFeatures(
        // Device is not logged with events: its feature is dropped below, so device weights keep their
        // configured values (no evidence either way).
        { device: "desktop", referrer_class: (entry?.referrer_class as ReferrerClass | null) ?? null, utm_source: entry?.utm_source ?? null, utm_medium: entry?.utm_medium ?? null, page_type: null, events, quiz: {}, profile: null, returning: true },
        (id) => itemFacts(snapshot.index, id),
        config.search_lexicon,
      );
      features.delete("device:desktop");
      (hash32(`holdout:${visitor}`) % 5 === 0 ? holdout : train).push({ features, label: ranked[0]![0] });
    }
    if (train.length < config.refit.min_labels) return { refit: false, note: `${train.length} labelled visitors, fewer than min_labels ${config.refit.min_labels}`, labelled: train.length + holdout.length };

    const refit = refitPersonaWeights(config, train, { priorStrength: config.refit.prior_strength });
    const active = await activeModel<unknown>(db, PERSONA_KIND);
    const serving = active ? (PersonaConfig.safeParse(active.params).data ?? config) : config;
    const loss = personaLogLoss(refit, holdout);
    const servingLoss = personaLogLoss(serving, holdout);
    const accepted = holdout.length > 0 && PersonaConfig.safeParse(refit).success && loss <= servingLoss;
    const id = `${PERSONA_KIND}:${runKey}`;
    const stamp = now.toISOString();
    await saveModelVersion(db, PERSONA_KIND, id, { status: accepted ? "active" : "rejected", params: refit, metrics: { holdout_log_loss: loss, serving_log_loss: servingLoss, train: train.length, holdout: holdout.length }, trainedOn: stamp, activatedAt: accepted ? stamp : null }, stamp);
    return { refit: true, model_version: id, activated: accepted, holdout_log_loss: Math.round(loss * 10_000) / 10_000, serving_log_loss: Math.round(servingLoss * 10_000) / 10_000, train: train.length, holdout: holdout.length };
  },
};
