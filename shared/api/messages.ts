// Messages on the "aura-feedback" queue. The consumer validates every body with these schemas: anything
// that does not parse is stored as rejected with the reason, never silently dropped.
import { z } from "zod";
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

export const QueueMessage = z.discriminatedUnion("kind", [EventsMessage]);
export type QueueMessage = z.infer<typeof QueueMessage>;
