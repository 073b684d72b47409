// The HTTP contract's request and response bodies as zod schemas: validation at the trust boundary and
// the source of the OpenAPI document.
import * as z from "zod";
import { sessionEventTypes } from "../persona/features";

const idString = (max: number) => z.string().regex(new RegExp(`^[A-Za-z0-9_.:@-]{1,${max}}$`), `1-${max} chars of letters, digits, _ . : @ -`);
const shortText = (max: number) => z.string().max(max);

export const Consent = z.array(z.string().min(1).max(40)).max(20);

export const Utm = z.object({
  source: shortText(100).optional(),
  medium: shortText(100).optional(),
  campaign: shortText(100).optional(),
  content: shortText(100).optional(),
  term: shortText(100).optional(),
});

export const StatedProfile = z.object({
  /** The storefront's logged-in profile facts, which outrank what we infer. */
  user_id: idString(128).optional(),
  skill_level: z.enum(["beginner", "intermediate", "pro"]).optional(),
  interests: z.array(z.string().min(1).max(40)).max(20).optional(),
});

export const UserContext = z.object({
  anon_id: idString(128),
  session_id: idString(128).optional(),
  device: z.enum(["mobile", "tablet", "desktop"]).optional(),
  referrer: shortText(2048).nullable().optional(),
  page_type: shortText(40).nullable().optional(),
  utm: Utm.nullable().optional(),
  consent: Consent.default([]),
  geo: z
    .object({
      country: z.string().regex(/^[A-Za-z]{2}$/, "ISO 3166-1 alpha-2").transform((c) => c.toUpperCase()).optional(),
      region: shortText(40).optional(),
    })
    .nullable()
    .optional(),
  profile: StatedProfile.optional(),
});
export type UserContext = z.infer<typeof UserContext>;

export const RankRequest = z.object({
  surface_id: z.string().min(1).max(64),
  user_ctx: UserContext,
  candidates: z.array(idString(64)).max(1000).optional(),
  limit: z.number().int().min(1, "limit must be between 1 and 100").max(100, "limit must be between 1 and 100").optional(),
  context: z
    .object({
      campaign: shortText(100).optional(),
      time_of_day: z.enum(["morning", "afternoon", "evening", "night"]).optional(),
      /** The product being viewed (product.related). */
      product_id: idString(64).optional(),
      /** Products in the cart (checkout.upsell). */
      cart: z.array(idString(64)).max(100).optional(),
    })
    .optional(),
  /** Include per-item score components in the answer. */
  explain: z.boolean().optional(),
});
export type RankRequest = z.infer<typeof RankRequest>;

export const RankedItemBody = z.object({
  content_id: z.string(),
  score: z.number(),
  propensity: z.number(),
  reason: z.string(),
  metadata: z.object({
    title: z.string(),
    url: z.string(),
    image: z.string().nullable(),
    kind: z.string(),
    category: z.string(),
    topics: z.array(z.string()),
    price: z.number(),
    currency: z.string(),
  }),
  components: z.record(z.string(), z.number()).optional(),
});

export const SegmentBody = z.object({
  id: z.string(),
  name: z.string(),
  persona: z.string(),
  confidence: z.number(),
  intent: z.string(),
  cold_start: z.boolean(),
  fallback: z.boolean(),
  holdout: z.boolean(),
  decided_by: z.array(z.object({ feature: z.string(), contribution: z.number() })),
  features: z.object({
    intent: z.string(),
    device_class: z.string(),
    recency: z.string(),
    price_sensitivity: z.string(),
    /** RFM lifecycle segment of a known customer, else the recency class. */
    lifecycle: z.string(),
    /** The nightly behavioural cluster (`cust_<n>`), null when the visitor has none. */
    customer_segment: z.string().nullable(),
  }),
});
export type SegmentBody = z.infer<typeof SegmentBody>;

export const RankResponse = z.object({
  request_id: z.string(),
  surface: z.string(),
  personalized: z.boolean(),
  items: z.array(RankedItemBody),
  segment: SegmentBody.nullable(),
  experiment: z
    .object({ id: z.string(), variant: z.string(), holdout: z.boolean(), payload: z.record(z.string(), z.unknown()).optional() })
    .nullable(),
  policy_version: z.string(),
  cache_ttl: z.number(),
  /**
   * "ok", "new_visitor", "stale" (store slow or down: the copy this isolate last read, at most a few minutes old),
   * "unavailable" (store slow or down and no such copy: cold-start ranking) or "not_used" (no consent).
   */
  profile_status: z.enum(["ok", "new_visitor", "stale", "unavailable", "not_used"]),
});
export type RankResponse = z.infer<typeof RankResponse>;

export const ClickstreamEvent = z.object({
  /** Optional client id for the event; otherwise one is derived from its content so resends dedupe. */
  event_id: idString(64).optional(),
  type: z.enum(sessionEventTypes),
  ts: z.iso.datetime({ offset: true }),
  url: shortText(2048).nullable().optional(),
  page_type: shortText(40).nullable().optional(),
  category: shortText(40).nullable().optional(),
  product_id: idString(64).nullable().optional(),
  query: shortText(200).nullable().optional(),
  value: z.number().finite().min(-1_000_000).max(1_000_000).nullable().optional(),
  referrer: shortText(2048).nullable().optional(),
  utm: Utm.nullable().optional(),
  /** For quiz_answer: e.g. {"question": "skill", "answer": "beginner"}. */
  quiz: z.object({ question: z.string().regex(/^[a-z_]{1,40}$/), answer: z.string().regex(/^[a-z0-9_]{1,40}$/) }).nullable().optional(),
});
export type ClickstreamEvent = z.infer<typeof ClickstreamEvent>;

export const EventsRequest = z.object({
  anon_id: idString(128),
  session_id: idString(128).optional(),
  consent: Consent.default([]),
  device: z.enum(["mobile", "tablet", "desktop"]).optional(),
  events: z.array(ClickstreamEvent).min(1, "at least one event").max(100, "at most 100 events a call"),
});
export type EventsRequest = z.infer<typeof EventsRequest>;

export const EventsAccepted = z.object({ accepted: z.number().int() });

export const SegmentsResponse = z.object({
  user_id: z.string(),
  segments: z.array(SegmentBody.extend({ assigned_at: z.string() })),
});

export const ErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.array(z.unknown()).optional() }),
  request_id: z.string(),
});

export const HealthResponse = z.object({ status: z.literal("ok") });

/** Reward values are bounded so one message cannot swamp a model (a purchase value is an amount). */
export const FeedbackRequest = z.object({
  request_id: z.string().regex(/^req_[0-9a-f]{32}$/, "a request_id from /v1/rank"),
  item_id: idString(64),
  reward: z.object({
    type: z.enum(["impression", "click", "add_to_cart", "purchase", "dismiss"]),
    value: z.number().finite().min(0).max(100_000).default(1),
    timestamp: z.iso.datetime({ offset: true }).optional(),
  }),
  context: z
    .object({
      position: z.number().int().min(0).max(1000).optional(),
      dwell_time: z.number().min(0).max(86_400).optional(),
      scroll_depth: z.number().min(0).max(1).optional(),
    })
    .optional(),
});
export type FeedbackRequest = z.infer<typeof FeedbackRequest>;

/** A visitor or customer id in a path (/v1/segments/:user_id, /v1/users/:user_id/...). */
export const UserId = z.string().regex(/^[A-Za-z0-9_.:@-]{1,128}$/, "1-128 chars of letters, digits, _ . : @ -");
