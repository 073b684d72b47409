// The embedded default configuration: the demo taxonomy (novice_shopper, shopper_pro, photo_first,
// vector_first), its intents, and the four storefront surfaces. Everything here can be overridden as data.
import type { AuraConfig } from "./schema";

const standardWeights = { user_match: 0.4, trendiness: 0.2, inventory: 0.1, margin: 0.1, freshness: 0.1, seasonal: 0.1 };

/**
 * Written out whole, every field the schema would default included, and not parsed at module load: parsing it
 * was about a tenth of a cold isolate's start-up (bench/startup.ts), on every isolate, for a constant.
 * `default.test.ts` parses it and requires the result to equal it, so a broken or incomplete default still
 * fails every test run, and the type makes every field explicit.
 */
export const defaultConfig: AuraConfig = {
  persona: {
    personas: [
      {
        id: "novice_shopper",
        label: "Novice shopper",
        bias: 0.2,
        weights: {
          "utm_medium:social": 1.2, "referrer:social": 0.8, "page_type:guide": 2, "page_type:tutorial": 2,
          "category:tutorial": 1.2, "category:guide": 1.2, "category:bundle": 1.2, "item_skill:beginner": 2,
          "item_tag:starter": 1.5, "search:beginner": 2, "search:howto": 1, "price_band:low": 0.8,
          "quiz:skill:beginner": 4, "profile:skill:beginner": 3,
          "item_skill:pro": -1.5, "price_band:high": -1, "item_tag:high_end": -1,
        },
        // Noisy-OR: a starter bundle (bundle + starter + beginner) nears 1; any single trait stays well below.
        affinity: {
          "tag:starter": 0.8, "skill:beginner": 0.6, "category:bundle": 0.5, "category:tutorial": 0.4,
          "category:guide": 0.4, "price_band:low": 0.3, "price_band:mid": 0.2,
        },
      },
      {
        id: "shopper_pro",
        label: "Professional shopper",
        bias: 0,
        weights: {
          "utm_medium:email": 1.2, "referrer:email": 1, "page_type:collection": 0.6, "item_skill:pro": 2.5,
          "item_tag:high_end": 2.5, "price_band:high": 2.5, "category:pro_gear": 2, "search:pro": 2,
          "cart:add": 0.5, "cart:purchase": 0.5, "returning": 0.5, "quiz:skill:pro": 4, "profile:skill:pro": 3,
          "item_skill:beginner": -1, "page_type:guide": -0.5, "item_tag:starter": -1,
        },
        affinity: { "tag:high_end": 0.8, "category:pro_gear": 0.6, "price_band:high": 0.5, "skill:pro": 0.4, "tag:4k": 0.3 },
      },
      {
        id: "photo_first",
        label: "Photo-first creator",
        bias: 0,
        weights: {
          "category:photo": 3, "search:photo": 2, "quiz:interest:photo": 4, "profile:interest:photo": 3,
          "utm_source:instagram": 0.3, "category:vector": -1,
        },
        affinity: { "category:photo": 0.8, "topic:photography": 0.5, "topic:editing": 0.3, "skill:intermediate": 0.2 },
      },
      {
        id: "vector_first",
        label: "Vector-first designer",
        bias: 0,
        weights: {
          "category:vector": 3, "search:vector": 2, "quiz:interest:vector": 4, "profile:interest:vector": 3,
          "category:photo": -1,
        },
        affinity: { "category:vector": 0.8, "topic:illustration": 0.5, "topic:icons": 0.4, "topic:typography": 0.3 },
      },
    ],
    temperature: 1,
    min_confidence: 0.4,
    fallback_persona: "general",
    holdout_share: 0,
    refit: { enabled: true, prior_strength: 1, min_labels: 200 },
    cold_start: {
      min_events: 3,
      // First matching rule wins: explicit answers first (they hold at any event count: what a visitor
      // tells us outranks what we infer), then the entry channel, then what was looked at.
      rules: [
        { when: ["quiz:skill:pro"], persona: "shopper_pro", confidence: 0.8, always: true },
        { when: ["quiz:skill:beginner"], persona: "novice_shopper", confidence: 0.8, always: true },
        { when: ["profile:skill:pro"], persona: "shopper_pro", confidence: 0.75, always: true },
        { when: ["profile:skill:beginner"], persona: "novice_shopper", confidence: 0.75, always: true },
        { when: ["quiz:interest:photo"], persona: "photo_first", confidence: 0.7, always: false },
        { when: ["quiz:interest:vector"], persona: "vector_first", confidence: 0.7, always: false },
        { when: ["utm_medium:social"], persona: "novice_shopper", confidence: 0.6, always: false },
        { when: ["referrer:social"], persona: "novice_shopper", confidence: 0.55, always: false },
        { when: ["utm_medium:email"], persona: "shopper_pro", confidence: 0.55, always: false },
        { when: ["referrer:email"], persona: "shopper_pro", confidence: 0.5, always: false },
        { when: ["page_type:guide"], persona: "novice_shopper", confidence: 0.5, always: false },
        { when: ["category:photo"], persona: "photo_first", confidence: 0.5, always: false },
        { when: ["category:vector"], persona: "vector_first", confidence: 0.5, always: false },
      ],
    },
    intents: [
      {
        id: "learn",
        label: "Learning-focused",
        bias: 0,
        weights: {
          "page_type:guide": 2, "page_type:tutorial": 2, "category:tutorial": 1, "category:guide": 1,
          "search:beginner": 1.5, "search:howto": 2, "quiz:skill:beginner": 0.5,
        },
      },
      {
        id: "buy",
        label: "Ready-to-buy",
        bias: 0,
        weights: { "cart:add": 3, "cart:purchase": 2, "page_type:cart": 2, "page_type:checkout": 3 },
      },
      {
        id: "compare",
        label: "Comparing",
        bias: 0,
        weights: { "compare:multi_view": 2.5, "page_type:product": 1, "search:compare": 2 },
      },
      { id: "browse", label: "Browsing", bias: 0.5, weights: { "page_type:collection": 0.5, "page_type:index": 0.5 } },
    ],
    default_intent: "browse",
    search_lexicon: {
      beginner: ["beginner", "starter", "basics", "learn", "easy", "first", "intro", "getting started"],
      pro: ["pro ", "professional", "calibrat", "4k", "studio", "colour accurate", "color accurate", "wacom", "high end", "premium"],
      photo: ["photo", "preset", "lut", "lightroom", "camera", "portrait"],
      vector: ["vector", "svg", "icon", "illustrat", "logo", "font"],
      howto: ["how to", "tutorial", "guide", "tips"],
      compare: [" vs ", "versus", "compare", "best "],
    },
    recency: { new_hours: 24, lapsed_days: 30 },
    // The lifecycle token is the recency class for visitors the nightly segmentation has not scored, and
    // their RFM segment once they have bought: the same bandit segments for newcomers, finer ones for customers.
    segment_template: "seg_{intent}_{device}_{lifecycle}",
    labels: {
      device: { mobile: "Mobile", tablet: "Tablet", desktop: "Desktop" },
      recency: { new: "New", returning: "Returning", lapsed: "Lapsed" },
      lifecycle: {
        champions: "Champions",
        loyal: "Loyal",
        potential_loyalist: "Potential Loyalists",
        new: "New Customers",
        promising: "Promising",
        need_attention: "Need Attention",
        about_to_sleep: "About to Sleep",
        at_risk: "At Risk",
        cant_lose: "Can't Lose",
        hibernating: "Hibernating",
        lost: "Lost",
      },
    },
  },
  ranking: {
    freshness_half_life_days: 14,
    inventory_target: 50,
    price_bands: { low_below: 30, high_from: 300 },
    interest_half_life_days: 7,
    evidence_half_point: 8,
    policy_flags: {
      // Shown only where the storefront vouches for an age check (consent entry "age_verified").
      age_restricted: { requires_consent: "age_verified", blocked_devices: [] },
      requires_marketing_consent: { requires_consent: "marketing", blocked_devices: [] },
      no_mobile: { requires_consent: null, blocked_devices: ["mobile"] },
    },
    seasons: [
      { tag: "winter", from: "12-01", to: "02-28" },
      { tag: "spring", from: "03-01", to: "05-31" },
      { tag: "summer", from: "06-01", to: "08-31" },
      { tag: "autumn", from: "09-01", to: "11-30" },
      { tag: "back_to_school", from: "08-01", to: "09-15" },
      { tag: "black_friday", from: "11-20", to: "12-02" },
      { tag: "holiday", from: "12-01", to: "12-31" },
    ],
  },
  surfaces: [
    {
      id: "homepage.hero",
      description: "The hero banner: one to three headline products or guides.",
      kinds: ["product", "content"],
      default_limit: 3,
      categories: [],
      weights: { ...standardWeights },
      diversity: { max_per_cluster: 1, top_k: 3 },
      anchor: "none",
      anchor_weight: 0.6,
      cache_ttl: 300,
    },
    {
      id: "homepage.carousel",
      description: "The recommendation carousel under the hero.",
      kinds: ["product"],
      default_limit: 8,
      categories: [],
      weights: { ...standardWeights },
      diversity: { max_per_cluster: 4, top_k: 8 },
      anchor: "none",
      anchor_weight: 0.6,
      cache_ttl: 300,
    },
    {
      id: "product.related",
      description: "Related products on a product page (context.product_id).",
      kinds: ["product"],
      default_limit: 6,
      categories: [],
      // "Related" must look related: similarity to the viewed product carries most of the score.
      weights: { user_match: 0.6, trendiness: 0.15, inventory: 0.05, margin: 0.1, freshness: 0.05, seasonal: 0.05 },
      diversity: { max_per_cluster: 3, top_k: 6 },
      anchor: "product",
      anchor_weight: 0.8,
      cache_ttl: 300,
    },
    {
      id: "checkout.upsell",
      description: "Add-ons at checkout that complement the cart (context.cart).",
      kinds: ["product"],
      default_limit: 4,
      categories: [],
      // Upsells lean on margin and stock more than discovery surfaces do.
      weights: { user_match: 0.35, trendiness: 0.15, inventory: 0.15, margin: 0.2, freshness: 0.05, seasonal: 0.1 },
      diversity: { max_per_cluster: 1, top_k: 4 },
      anchor: "cart",
      anchor_weight: 0.5,
      cache_ttl: 60,
    },
    {
      id: "content.guides",
      description: "Tutorials and guides for the visitor's level and interests.",
      kinds: ["content"],
      default_limit: 5,
      categories: [],
      weights: { user_match: 0.5, trendiness: 0.15, inventory: 0, margin: 0, freshness: 0.25, seasonal: 0.1 },
      diversity: { max_per_cluster: 2, top_k: 5 },
      anchor: "none",
      anchor_weight: 0.6,
      cache_ttl: 600,
    },
  ],
};

