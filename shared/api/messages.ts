// Messages on the "aura-feedback" queue. The consumer validates every body with these schemas: anything
// that does not parse is stored as rejected with the reason, never silently dropped.
import * as z from "zod";
import { referrerClasses } from "../persona/signals";
import { sessionEventTypes } from "../persona/features";

export const IncomingEventBody = z.object({
  id: z.string().min(1).max(80),
  type: z.enum(sessionEventTypes),
  ts: z.number().int(),
  page_type: z.string().max(40).nullable(),
  category: z.string().max(40).nullable(),
  product_id: z.string().max(64).nullable(),
  query: z.string().max(200).nullable(),
  quiz: z.object({ question: z.string().max(40), answer: z.string().max(40) }).nullable(),
  entry: z
    .object({
      referrer_class: z.enum(referrerClasses).nullable(),
      utm_source: z.string().max(100).nullable(),
      utm_medium: z.string().max(100).nullable(),
      utm_campaign: z.string().max(100).nullable(),
    })
    .nullable(),
  /** Raw fields kept for the D1 log only. */
  url: z.string().max(2048).nullable().default(null),
  value: z.number().nullable().default(null),
});

export const EventsMessage = z.object({
  kind: z.literal("events"),
  anon_id: z.string().min(1).max(128),
  session_id: z.string().max(128).nullable(),
  /** With personalization consent the events also feed the visitor's profile. */
  personalization: z.boolean(),
  device: z.enum(["mobile", "tablet", "desktop"]),
  received_at: z.string(),
  events: z.array(IncomingEventBody).min(1).max(100),
});
export type EventsMessage = z.infer<typeof EventsMessage>;

/**
 * ~0.5 KB each for a page's few items, ~2 KB for a rank of a hundred: a window of them past the queue's 128 KB
 * message limit is sent as several messages (message-size.ts).
 */
export const MAX_DECISIONS_PER_MESSAGE = 100;

/** One rank decision, logged for joins (feedback), learning (bandit pulls) and off-policy evaluation. */
export const DecisionMessage = z.object({
  kind: z.literal("decision"),
  request_id: z.string().regex(/^req_[0-9a-f]{32}$/),
  /** Null without personalization consent: the decision is logged without any visitor id. */
  anon_id: z.string().min(1).max(128).nullable(),
  surface_id: z.string().min(1).max(64),
  segment_id: z.string().max(80).nullable(),
  experiment_id: z.string().max(64).nullable(),
  /** The posterior the arm was chosen from ("all" for unsegmented experiments). */
  bandit_segment: z.string().max(80).nullable(),
  arm: z.string().max(64).nullable(),
  propensity: z.number().min(0).max(1),
  holdout: z.boolean(),
  items: z.array(z.string().max(64)).max(100),
  policy_version: z.string().max(40),
  decided_at: z.string(),
  /** The first item's score (drift checks); absent in messages from before it was logged. */
  top_score: z.number().finite().nullable().optional(),
});
export type DecisionMessage = z.infer<typeof DecisionMessage>;

/**
 * Decisions of one isolate over a short window, in one queue message: a busy isolate sends one message per
 * window instead of one per rank call. Entries are validated one by one in the consumer, so one bad entry
 * does not take its neighbours down with it.
 */
export const DecisionsMessage = z.object({
  kind: z.literal("decisions"),
  decisions: z.array(z.unknown()).min(1).max(MAX_DECISIONS_PER_MESSAGE),
});
export type DecisionsMessage = z.infer<typeof DecisionsMessage>;

export const FeedbackMessage = z.object({
  kind: z.literal("feedback"),
  feedback_id: z.string().max(64),
  request_id: z.string().max(64),
  item_id: z.string().max(64),
  reward_type: z.enum(["impression", "click", "add_to_cart", "purchase", "dismiss"]),
  value: z.number().finite(),
  occurred_at: z.string(),
  received_at: z.string(),
  context: z.record(z.string(), z.unknown()).nullable(),
});
export type FeedbackMessage = z.infer<typeof FeedbackMessage>;

/** ~0.4 KB each. */
export const MAX_FEEDBACK_PER_MESSAGE = 100;

/**
 * Feedback of one isolate over a short window, in one queue message (validated entry by entry). `deferrals`
 * counts how often its entries were sent back because their decision was not logged yet.
 */
export const FeedbackBatchMessage = z.object({
  kind: z.literal("feedback_batch"),
  deferrals: z.number().int().min(0).max(20).default(0),
  feedback: z.array(z.unknown()).min(1).max(MAX_FEEDBACK_PER_MESSAGE),
});
export type FeedbackBatchMessage = z.infer<typeof FeedbackBatchMessage>;

export const QueueMessage = z.discriminatedUnion("kind", [EventsMessage, DecisionMessage, DecisionsMessage, FeedbackMessage, FeedbackBatchMessage]);
export type QueueMessage = z.infer<typeof QueueMessage>;
