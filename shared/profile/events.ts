// Turns accepted clickstream events into the profile's compact form, with stable ids so the same event
// sent or delivered twice is applied and stored once.
import type { ClickstreamEvent, EventsRequest } from "../api/schemas";
import { hash32 } from "../hash";
import { classifyReferrer, normaliseUtmMedium } from "../persona/signals";
import type { IncomingEvent } from "./profile";

/** 64 bits from two independent 32-bit hashes of the event's content: collisions are negligible per visitor. */
export function deriveEventId(anonId: string, e: ClickstreamEvent): string {
  const key = [anonId, e.type, e.ts, e.url ?? "", e.product_id ?? "", e.query ?? "", e.category ?? "", e.quiz?.question ?? "", e.quiz?.answer ?? ""].join("\u241f");
  return `ev_${hash32(`a:${key}`).toString(16).padStart(8, "0")}${hash32(`b:${key}`).toString(16).padStart(8, "0")}`;
}

/** An incoming event plus the raw fields the D1 log keeps. */
export interface LoggedEvent extends IncomingEvent {
  url: string | null;
  value: number | null;
}

export function toIncomingEvents(req: EventsRequest, ownHost?: string): LoggedEvent[] {
  return req.events.map((e) => {
    const hasEntry = (e.referrer !== undefined && e.referrer !== null) || (e.utm !== undefined && e.utm !== null);
    return {
      id: e.event_id ? `cl_${e.event_id}` : deriveEventId(req.anon_id, e),
      type: e.type,
      ts: Date.parse(e.ts),
      page_type: e.page_type ?? null,
      category: e.category ?? null,
      product_id: e.product_id ?? null,
      query: e.query ?? null,
      quiz: e.quiz ?? null,
      url: e.url ?? null,
      value: e.value ?? null,
      entry: hasEntry
        ? {
            referrer_class: e.referrer ? classifyReferrer(e.referrer, ownHost) : null,
            utm_source: e.utm?.source?.toLowerCase() ?? null,
            utm_medium: normaliseUtmMedium(e.utm?.medium),
            utm_campaign: e.utm?.campaign ?? null,
          }
        : null,
    };
  });
}
