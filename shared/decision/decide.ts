// A rank decision from a validated request, the visitor's profile (if any) and the snapshot: classify the
// session, place it in a micro-segment, rank the surface and explain every item. Pure: no I/O.
import type { RankRequest, RankResponse, SegmentBody } from "../api/schemas";
import type { Item } from "../catalog/item";
import { unitDraw } from "../hash";
import { classifyPersona, classifyRecency, microSegment, type PersonaResult } from "../persona/classify";
import { extractSessionFeatures, summarizeHistory, type SessionHistory } from "../persona/features";
import { classifyReferrer, normaliseUtmMedium, resolveDevice, type DeviceClass } from "../persona/signals";
import { currentInterests, type ProfileView } from "../profile/profile";
import { foldInUser } from "../recsys/als";
import { itemFacts, itemFeatures } from "../ranking/index";
import { interestVector, withInterests, type InterestVector } from "../ranking/interests";
import { rankItems } from "../ranking/rank";
import type { DecisionSnapshot } from "./snapshot";

export class UnknownSurfaceError extends Error {
  constructor(
    readonly surfaceId: string,
    readonly known: string[],
  ) {
    super(`unknown surface ${surfaceId}; known surfaces: ${known.join(", ")}`);
  }
}

export type ProfileStatus = RankResponse["profile_status"];

export interface DecideOptions {
  now: number;
  requestId: string;
  policyVersion: string;
  userAgent: string | null;
  profileStatus: ProfileStatus;
  /** Host of the storefront, so its own pages count as internal referrers. */
  ownHost?: string | undefined;
  /**
   * The visitor as classifyVisitor found them for this request's signals, profile and snapshot. A page classifies
   * its visitor once for all its slots; without it, each decision classifies (remembered per profile object, so
   * only a visitor without a profile was classified anew for every slot).
   */
  visitor?: ClassifiedVisitor | undefined;
  /**
   * Each item's reason (default true). A slot rendered into a page shows none: the page path asks for none and
   * skips explaining its items (RankQuery's `explain`).
   */
  reasons?: boolean | undefined;
}

export interface VisitorInput {
  anonId: string;
  device: DeviceClass;
  referrer: string | null | undefined;
  utm: { source?: string | undefined; medium?: string | undefined } | null | undefined;
  pageType: string | null | undefined;
  stated: RankRequest["user_ctx"]["profile"];
}

/**
 * What a request needs of a classified visitor. Not the session features it was classified from: a view is
 * remembered per cached profile, and that map (~18 heap objects) would stay live for every cached visitor,
 * marked by every major GC, though nothing reads it after classification (issue 9).
 */
export interface VisitorView {
  persona: PersonaResult;
  segment: SegmentBody;
}

/** Classifies a visitor from the request's signals and their profile, and names their micro-segment. */
export function viewVisitor(snapshot: DecisionSnapshot, input: VisitorInput, profile: ProfileView | null, now: number, ownHost?: string): VisitorView {
  const cfg = snapshot.personaModel.config;
  const entry = profile?.entry ?? null;
  const referrerClass = input.referrer !== undefined && input.referrer !== null ? classifyReferrer(input.referrer, ownHost) : (entry?.referrer_class ?? null);
  const features = extractSessionFeatures(
    {
      device: input.device,
      referrer_class: referrerClass,
      utm_source: input.utm?.source ?? entry?.utm_source ?? null,
      utm_medium: normaliseUtmMedium(input.utm?.medium) ?? entry?.utm_medium ?? null,
      page_type: input.pageType ?? null,
      events: profile?.recent ?? [],
      quiz: profile?.quiz ?? {},
      profile: input.stated ? { skill_level: input.stated.skill_level, interests: input.stated.interests } : null,
      returning: profile !== null && profile.sessions > 1,
    },
    (id) => itemFacts(snapshot.index, id),
    cfg.search_lexicon,
    profile ? historyOf(snapshot, profile) : undefined,
  );
  const persona = classifyPersona(features, profile?.event_count ?? 0, snapshot.personaModel, unitDraw("persona-holdout", input.anonId));
  const recency = classifyRecency(profile?.first_seen ?? null, profile?.previous_visit ?? null, now, cfg.recency);
  const seg = microSegment(persona.persona, persona.intent, input.device, recency, cfg, profile?.customer_segment ?? null);
  const high = features.get("price_band:high") ?? 0;
  const low = features.get("price_band:low") ?? 0;
  const priceSensitivity = high > 0.5 ? "low" : low > 0.5 ? "high" : "medium";
  return {
    persona,
    // Frozen: a remembered view's segment is shared by the answers it goes into.
    segment: deepFreezeSegment({
      id: seg.id,
      name: seg.name,
      persona: persona.persona,
      confidence: persona.confidence,
      intent: persona.intent,
      cold_start: persona.cold_start,
      fallback: persona.fallback,
      holdout: persona.holdout,
      decided_by: persona.decided_by,
      features: {
        intent: persona.intent,
        device_class: input.device,
        recency,
        price_sensitivity: priceSensitivity,
        lifecycle: seg.lifecycle,
        customer_segment: seg.customer_segment,
      },
    }),
  };
}

/**
 * A profile's events and quiz answers summed up for classification, remembered per profile object and snapshot
 * (item facts and the search lexicon come from it): requests that rank with the same cached profile but other
 * signals (device, page, campaign) add only their own. Keyed weakly: it goes when the profile does.
 */
const histories = new WeakMap<ProfileView, { snapshot: DecisionSnapshot; history: SessionHistory }>();

function historyOf(snapshot: DecisionSnapshot, profile: ProfileView): SessionHistory {
  const known = histories.get(profile);
  if (known && known.snapshot === snapshot) return known.history;
  const history = summarizeHistory(profile.recent, profile.quiz, (id) => itemFacts(snapshot.index, id), snapshot.personaModel.config.search_lexicon);
  histories.set(profile, { snapshot, history });
  return history;
}

function deepFreezeSegment(segment: SegmentBody): SegmentBody {
  Object.freeze(segment.features);
  return Object.freeze(segment);
}

export function decideRank(snapshot: DecisionSnapshot, req: RankRequest, profile: ProfileView | null, opts: DecideOptions): RankResponse {
  const cfg = snapshot.index.config;
  const surface = cfg.surfaces.find((s) => s.id === req.surface_id);
  if (!surface) throw new UnknownSurfaceError(req.surface_id, cfg.surfaces.map((s) => s.id));
  const ctx = req.user_ctx;
  const consent = new Set(ctx.consent);
  const personalized = consent.has("personalization");
  const device = resolveDevice(ctx.device, opts.userAgent);
  const limit = req.limit ?? surface.default_limit;

  let segment: SegmentBody | null = null;
  let persona: string | null = null;
  let interests: InterestVector | null = null;
  let reasonPrefix = "popular";
  if (personalized) {
    const input: VisitorInput = { anonId: ctx.anon_id, device, referrer: ctx.referrer, utm: ctx.utm, pageType: ctx.page_type, stated: ctx.profile };
    const known = opts.visitor ?? classifyVisitor(snapshot, input, profile, opts.now, opts.ownHost);
    const view = known.view;
    segment = view.segment;
    persona = view.persona.persona;
    interests = known.interests;
    // A stated logged-in interest is an explicit signal: it overrides what we inferred (on a copy: the
    // remembered interests are shared).
    const stated = ctx.profile?.interests ?? [];
    if (stated.length > 0) {
      const pinned = stated.map((interest) => [`category:${interest}`, 1] as const);
      interests = interests ? withInterests(interests, pinned) : interestVector(snapshot.index, pinned);
    }
    const tag = view.persona.holdout ? "holdout" : view.persona.fallback ? "fallback" : view.persona.cold_start ? "cold_start" : null;
    reasonPrefix = `${persona}+${device}+intent:${view.persona.intent}${tag ? `+${tag}` : ""}`;
  }

  const outcome = rankItems(
    snapshot.index,
    {
      surface,
      limit,
      candidates: req.candidates,
      anchorProductId: req.context?.product_id,
      cartIds: req.context?.cart ?? (personalized ? profile?.cart : undefined),
      explain: { reasons: opts.reasons ?? true, components: req.explain === true },
    },
    {
      personalized,
      // Held-out and unsure visitors get the popularity prior, not a guessed persona's.
      persona: segment && !segment.fallback && !segment.holdout ? persona : null,
      interests: segment?.holdout ? null : interests,
      evidence: profile?.event_count ?? 0,
      device,
      country: ctx.geo?.country ?? null,
      consent,
      reasonPrefix,
      cf: segment?.holdout ? null : collaborativeAffinity(snapshot, profile, opts.now),
    },
  );

  return {
    request_id: opts.requestId,
    surface: surface.id,
    personalized,
    items: outcome.items.map((r) => {
      const served: RankResponse["items"][number] = {
        content_id: r.item.id,
        score: r.score,
        // Deterministic ranking: each served item was chosen with probability 1 (bandit arms report their own).
        propensity: 1,
        reason: r.reason,
        metadata: itemMetadata(r.item),
      };
      // Set only when asked for (no empty object spread into every other item).
      if (r.components) served.components = r.components;
      return served;
    }),
    segment,
    experiment: null,
    policy_version: opts.policyVersion,
    cache_ttl: surface.cache_ttl,
    profile_status: personalized ? opts.profileStatus : "not_used",
  };
}

/**
 * What a profile says about its visitor, remembered per profile object. The isolate's profile cache hands the
 * same object to every surface of a page view and to repeat requests within its TTL, and the classification and
 * decayed interests of one profile only change with the request's own signals, the snapshot and time. Time is
 * taken by the minute (interests decay over days, recency classes over hours), so a minute-old answer is the
 * same answer. Keyed weakly: it goes when the profile does.
 */
interface VisitorMemo {
  snapshot: DecisionSnapshot;
  minute: number;
  signals: string;
  view: VisitorView;
  interests: InterestVector;
}
const visitorMemo = new WeakMap<ProfileView, VisitorMemo>();

function signalsKey(input: VisitorInput, ownHost: string | undefined): string {
  const stated = input.stated ? `${input.stated.skill_level ?? ""}/${(input.stated.interests ?? []).join(",")}` : "";
  return [input.anonId, input.device, input.referrer ?? "", input.utm?.source ?? "", input.utm?.medium ?? "", input.pageType ?? "", stated, ownHost ?? ""].join("\u0001");
}

/** A classified visitor: how they are seen, and their decayed interests when they have a profile. */
export interface ClassifiedVisitor {
  view: VisitorView;
  interests: InterestVector | null;
}

/** viewVisitor with the profile's interests, remembered per profile object (a page classifies once with this). */
export function classifyVisitor(snapshot: DecisionSnapshot, input: VisitorInput, profile: ProfileView | null, now: number, ownHost?: string): ClassifiedVisitor {
  if (!profile) return { view: viewVisitor(snapshot, input, profile, now, ownHost), interests: null };
  // A copy of the memo's two fields: another request with other signals replaces the memo's view, and a page
  // holds this across its slots.
  const memo = rememberedVisitor(snapshot, input, profile, now, ownHost);
  return { view: memo.view, interests: memo.interests };
}

function rememberedVisitor(snapshot: DecisionSnapshot, input: VisitorInput, profile: ProfileView, now: number, ownHost: string | undefined): VisitorMemo {
  const minute = Math.floor(now / 60_000);
  const signals = signalsKey(input, ownHost);
  const memo = visitorMemo.get(profile);
  if (memo && memo.snapshot === snapshot && memo.minute === minute) {
    if (memo.signals !== signals) {
      memo.view = viewVisitor(snapshot, input, profile, now, ownHost);
      memo.signals = signals;
    }
    return memo;
  }
  const fresh: VisitorMemo = {
    snapshot,
    minute,
    signals,
    view: viewVisitor(snapshot, input, profile, now, ownHost),
    interests: interestVector(snapshot.index, currentInterests(profile, now, snapshot.index.config.ranking.interest_half_life_days, (id) => itemFeatures(snapshot.index, id))),
  };
  visitorMemo.set(profile, fresh);
  return fresh;
}

type ItemMetadata = RankResponse["items"][number]["metadata"];
const metadataOf = new WeakMap<Item, ItemMetadata>();

/**
 * What an answer says about an item. Catalog items do not change within a snapshot, so one frozen object per
 * item serves every answer instead of eight fields copied per item and request.
 */
function itemMetadata(item: Item): ItemMetadata {
  let m = metadataOf.get(item);
  if (!m) {
    m = Object.freeze({
      title: item.title,
      url: item.url,
      image: item.image,
      kind: item.kind,
      category: item.category,
      topics: item.topics,
      price: item.price,
      currency: item.currency,
    });
    metadataOf.set(item, m);
  }
  return m;
}

interface CfAffinity {
  affinity: Float32Array;
  interactions: number;
}

/**
 * One page view ranks several surfaces with the same profile object (the isolate's profile cache hands it to
 * each): the fold-in and the catalog-wide scoring are done once per profile, model and minute (interests
 * decay over days, so a minute-old answer is the same answer). Keyed weakly: it goes when the profile does;
 * the model object is per snapshot, whose item order the affinities follow.
 */
const affinityCache = new WeakMap<ProfileView, { cf: object; minute: number; value: CfAffinity | null }>();

/**
 * The visitor's collaborative-filtering preferences: fold their decayed item interests into the active model's
 * factor space, then score every item the model knows. Null without a model or without known items.
 */
function collaborativeAffinity(snapshot: DecisionSnapshot, profile: ProfileView | null, now: number): CfAffinity | null {
  const cf = snapshot.cf;
  if (!cf || !profile) return null;
  const minute = Math.floor(now / 60_000);
  const cached = affinityCache.get(profile);
  if (cached && cached.cf === cf && cached.minute === minute) return cached.value;
  const value = computeAffinity(cf, profile, now, snapshot.index.config.ranking.interest_half_life_days);
  affinityCache.set(profile, { cf, minute, value });
  return value;
}

function computeAffinity(cf: NonNullable<DecisionSnapshot["cf"]>, profile: ProfileView, now: number, halfLife: number): CfAffinity | null {
  const strengths = new Map<string, number>();
  for (const [key, { w, at }] of Object.entries(profile.interests)) {
    if (!key.startsWith("item:")) continue;
    const decayed = w * Math.pow(0.5, Math.max(0, now - at) / (halfLife * 86_400_000));
    if (decayed > 0 && cf.vectors.items.index.has(key.slice(5))) strengths.set(key.slice(5), decayed);
  }
  if (strengths.size === 0) return null;
  const user = foldInUser(strengths, cf.vectors.items, cf.vectors.foldIn);
  if (!user) return null;
  // Predicted preference per rank-index item, in one monomorphic pass over the typed arrays (the hot path),
  // four factors per step (factor counts are multiples of four in practice; the tail loop covers the rest).
  const { vectors, factors } = cf.vectors.items;
  const affinity = new Float32Array(cf.rowOf.length);
  const f4 = factors - (factors % 4);
  let max = 0;
  for (let i = 0; i < affinity.length; i++) {
    const r = cf.rowOf[i]!;
    if (r < 0) {
      affinity[i] = -1;
      continue;
    }
    const o = r * factors;
    let d0 = 0, d1 = 0, d2 = 0, d3 = 0;
    let k = 0;
    for (; k < f4; k += 4) {
      d0 += user[k]! * vectors[o + k]!;
      d1 += user[k + 1]! * vectors[o + k + 1]!;
      d2 += user[k + 2]! * vectors[o + k + 2]!;
      d3 += user[k + 3]! * vectors[o + k + 3]!;
    }
    for (; k < factors; k++) d0 += user[k]! * vectors[o + k]!;
    const dot = d0 + d1 + d2 + d3;
    const v = dot > 0 ? (dot < 1 ? dot : 1) : 0;
    affinity[i] = v;
    if (v > max) max = v;
  }
  // Predicted preferences of unseen items are small in absolute terms (a few hundredths); what carries signal
  // is their order for this visitor. Normalised by the visitor's strongest, like interests, they sit on the
  // same 0..1 scale as the content match they are blended with.
  if (max > 0) for (let i = 0; i < affinity.length; i++) if (affinity[i]! > 0) affinity[i] = affinity[i]! / max;
  return { affinity, interactions: strengths.size };
}
