// The configuration that shapes decisions: persona taxonomy and weights, intents, micro-segments, surfaces
// and ranking weights. It is data validated by zod, so operators change behaviour without code branches.
import * as z from "zod";

const featureKey = z.string().min(1).max(80);
const weightMap = z.record(featureKey, z.number().min(-20).max(20));
const id = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, "lowercase snake_case id");

export const PersonaDefinition = z.object({
  id,
  label: z.string().min(1).max(80),
  /** Log-odds offset of the persona before any evidence (the prior). */
  bias: z.number().min(-10).max(10).default(0),
  /** Linear weights over session features (see shared/persona/features.ts for the feature names). */
  weights: weightMap,
  /** What the persona tends to want, over item features (category:x, tag:x, skill:x, price_band:x, ...),
   *  each 0..1: the cold-start and low-evidence prior for `user_match`. */
  affinity: z.record(featureKey, z.number().min(0).max(1)),
});
export type PersonaDefinition = z.infer<typeof PersonaDefinition>;

export const ColdStartRule = z.object({
  /** All of these session features must be present (value > 0). */
  when: z.array(featureKey).min(1).max(10),
  persona: id,
  confidence: z.number().min(0).max(1),
  /** Applies at any event count: for stated facts (quiz answers, logged-in profile) that outrank behaviour. */
  always: z.boolean().default(false),
});

export const IntentDefinition = z.object({
  id,
  label: z.string().min(1).max(80),
  bias: z.number().min(-10).max(10).default(0),
  weights: weightMap,
});

export const PersonaConfig = z
  .object({
    personas: z.array(PersonaDefinition).min(1).max(32),
    /** Scale applied to persona scores before the softmax: higher means more decisive confidences. */
    temperature: z.number().positive().max(20).default(1),
    /** Below this confidence the visitor gets the fallback persona instead of a guess. */
    min_confidence: z.number().min(0).max(1).default(0.4),
    /** Persona used below min_confidence and for the holdout; not part of the taxonomy's learning targets. */
    fallback_persona: id.default("general"),
    /** Share of visitors (by hash of anon id) who always get the fallback: measures personalization's lift. */
    holdout_share: z.number().min(0).max(0.5).default(0),
    cold_start: z.object({
      /** Sessions with fewer events than this are classified by rules, not by the weights. */
      min_events: z.number().int().min(0).max(50).default(3),
      rules: z.array(ColdStartRule).max(50).default([]),
    }),
    intents: z.array(IntentDefinition).min(1).max(16),
    /** Intent used when no intent scores above zero. */
    default_intent: id.default("browse"),
    /** Words in site searches that signal a skill level or interest: feature `search:<class>`. */
    search_lexicon: z.record(id, z.array(z.string().min(2).max(40)).max(100)),
    /**
     * Nightly re-fit of the persona weights from outcomes (what visitors bought was made for), with these
     * weights as the prior; `enabled: false` keeps the configured weights as they are.
     */
    refit: z
      .object({ enabled: z.boolean().default(true), prior_strength: z.number().positive().default(1), min_labels: z.number().int().min(1).default(200) })
      .default({ enabled: true, prior_strength: 1, min_labels: 200 }),
    /** Visitors first seen less than this many hours ago are "new"; unseen for this many days, "lapsed". */
    recency: z.object({ new_hours: z.number().positive().default(24), lapsed_days: z.number().positive().default(30) }),
    /**
     * Micro-segment id template; tokens {persona} {intent} {device} {recency}, {lifecycle} (the nightly RFM
     * segment of a customer who bought, else the recency class) and {cluster} (the nightly behavioural
     * cluster, "none" when unknown).
     */
    segment_template: z.string().min(1).max(80).default("seg_{intent}_{device}_{lifecycle}"),
    labels: z.object({
      device: z.record(z.string(), z.string()),
      recency: z.record(z.string(), z.string()),
      lifecycle: z.record(z.string(), z.string()).default({}),
    }),
  })
  .superRefine((cfg, ctx) => {
    const personas = new Set(cfg.personas.map((p) => p.id));
    if (personas.has(cfg.fallback_persona)) {
      ctx.addIssue({ code: "custom", path: ["fallback_persona"], message: "must not be one of the personas" });
    }
    cfg.cold_start.rules.forEach((rule, i) => {
      if (!personas.has(rule.persona)) {
        ctx.addIssue({ code: "custom", path: ["cold_start", "rules", i, "persona"], message: `unknown persona ${rule.persona}` });
      }
    });
    if (!cfg.intents.some((intent) => intent.id === cfg.default_intent)) {
      ctx.addIssue({ code: "custom", path: ["default_intent"], message: "must be one of the intents" });
    }
  });
export type PersonaConfig = z.infer<typeof PersonaConfig>;

export const RankingWeights = z.object({
  user_match: z.number().min(0).max(10),
  trendiness: z.number().min(0).max(10),
  inventory: z.number().min(0).max(10),
  margin: z.number().min(0).max(10),
  freshness: z.number().min(0).max(10),
  seasonal: z.number().min(0).max(10),
});
export type RankingWeights = z.infer<typeof RankingWeights>;

export const SurfaceDefinition = z.object({
  id: z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/, "dotted lowercase id, e.g. homepage.hero"),
  description: z.string().max(200).default(""),
  kinds: z.array(z.enum(["product", "content"])).min(1),
  /** Only these categories are eligible; empty means every category. */
  categories: z.array(z.string()).default([]),
  default_limit: z.number().int().min(1).max(100),
  weights: RankingWeights,
  /** At most this many items from one topic cluster in the top `diversity.top_k`. */
  diversity: z.object({ max_per_cluster: z.number().int().min(1).max(100), top_k: z.number().int().min(1).max(100) }),
  /** "product": related to context.product_id; "cart": complements context.cart / the visitor's cart. */
  anchor: z.enum(["none", "product", "cart"]).default("none"),
  /** Share of user_match given to similarity with the anchor when there is one. */
  anchor_weight: z.number().min(0).max(1).default(0.6),
  /** Seconds a client or CDN may reuse the answer. */
  cache_ttl: z.number().int().min(0).max(86_400).default(300),
});
export type SurfaceDefinition = z.infer<typeof SurfaceDefinition>;

export const RankingConfig = z.object({
  freshness_half_life_days: z.number().positive().max(3650).default(14),
  /** Units on hand at which the inventory signal saturates (pushes overstock, protects scarce items). */
  inventory_target: z.number().int().positive().default(50),
  /** Price bands as item features (price_band:low|mid|high) for persona affinities. */
  price_bands: z.object({ low_below: z.number().positive(), high_from: z.number().positive() }),
  /** Half-life of implicit interests in visitor profiles. */
  interest_half_life_days: z.number().positive().max(365).default(7),
  /** Events after which a visitor's own interests weigh as much as the persona prior in user_match. */
  evidence_half_point: z.number().positive().default(8),
  /** Policy flags an item may carry and the consent each one needs to be shown; others are never shown. */
  policy_flags: z.record(z.string(), z.object({ requires_consent: z.string().nullable(), blocked_devices: z.array(z.string()).default([]) })),
  /** Retail moments by calendar window (MM-DD, inclusive) that make tagged items "in season". */
  seasons: z.array(z.object({ tag: z.string(), from: z.string().regex(/^\d\d-\d\d$/), to: z.string().regex(/^\d\d-\d\d$/) })),
});
export type RankingConfig = z.infer<typeof RankingConfig>;

export const AuraConfig = z
  .object({
    persona: PersonaConfig,
    ranking: RankingConfig,
    surfaces: z.array(SurfaceDefinition).min(1).max(100),
  })
  .superRefine((cfg, ctx) => {
    const seen = new Set<string>();
    cfg.surfaces.forEach((s, i) => {
      if (seen.has(s.id)) ctx.addIssue({ code: "custom", path: ["surfaces", i, "id"], message: `duplicate surface ${s.id}` });
      seen.add(s.id);
    });
  });
export type AuraConfig = z.infer<typeof AuraConfig>;
export type AuraConfigInput = z.input<typeof AuraConfig>;
