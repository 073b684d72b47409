// Server-rendered slot markup for page personalization at the CDN: the ranked items of a surface as the
// storefront's cards (and, on a hero with a running experiment, the variant's creative). Every value that
// comes from the catalog or an experiment payload is HTML-escaped: a product title cannot inject markup.
import type { RankResponse } from "../api/schemas";
import { escapeHtml } from "../html";
import { REQUEST_ATTRIBUTE } from "./slots";

export { escapeHtml };

/** Only same-site paths and http(s) URLs become links or images; anything else (javascript:, data:) is dropped. */
export function safeUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  const trimmed = url.trim();
  if (trimmed.startsWith("/") && !trimmed.startsWith("//")) return trimmed;
  return /^https?:\/\//i.test(trimmed) ? trimmed : null;
}

/** The short line on each card, in the visitor's terms. */
export const PERSONA_CALLOUTS: Record<string, string> = {
  novice_shopper: "Easy to start with",
  shopper_pro: "Pro-grade pick",
  photo_first: "Made for your photos",
  vector_first: "Made for vector work",
};
const DEFAULT_CALLOUT = "Popular right now";

const HERO_STYLES = new Set(["urgency", "inspiration", "beginner", "calm"]);

function price(amount: number, currency: string): string {
  if (amount === 0) return "Free";
  const symbol = currency === "USD" ? "$" : currency === "EUR" ? "€" : currency === "GBP" ? "£" : `${currency} `;
  return `${symbol}${Number.isInteger(amount) ? amount : amount.toFixed(2)}`;
}

function payloadText(payload: Record<string, unknown> | undefined, key: string): string | null {
  const value = payload?.[key];
  return typeof value === "string" && value.length > 0 && value.length <= 300 ? value : null;
}

export interface RenderedSlot {
  /** Attributes to set on the slot element. */
  attributes: Record<string, string>;
  /** The slot's new inner HTML. */
  html: string;
}

type RankedItem = RankResponse["items"][number];

/** A card's markup before and after its position, which is all that differs between two answers showing it. */
interface CardParts {
  contentId: string;
  head: string;
  tail: string;
}

/**
 * Cards by item metadata (one frozen object per catalog item and snapshot: decide.ts) and callout. A page renders
 * three slots of cards from a catalog that changes only with its snapshot: escaping and assembling the same
 * markup on every page was a fifth of what the page path allocated (bench/heap.ts --page --all-allocations).
 * Keyed weakly: the cards go with the snapshot's items.
 */
const cardCache = new WeakMap<RankedItem["metadata"], Map<string, CardParts>>();

function cardOf(item: RankedItem, callout: string): CardParts {
  const m = item.metadata;
  let byCallout = cardCache.get(m);
  if (!byCallout) {
    byCallout = new Map();
    cardCache.set(m, byCallout);
  }
  const known = byCallout.get(callout);
  if (known && known.contentId === item.content_id) return known;
  const href = safeUrl(m.url);
  const image = safeUrl(m.image);
  const inner = [
    image ? `<img class="aura-image" src="${escapeHtml(image)}" alt="" width="320" height="240" loading="lazy">` : "",
    `<span class="aura-title">${escapeHtml(m.title)}</span>`,
    `<span class="aura-callout">${escapeHtml(callout)}</span>`,
    m.kind === "product" ? `<span class="aura-price">${escapeHtml(price(m.price, m.currency))}</span>` : "",
  ].join("");
  const link = href ? `<a class="aura-link" href="${escapeHtml(href)}">${inner}</a>` : `<span class="aura-link">${inner}</span>`;
  const action = m.kind === "product" ? `<button type="button" class="aura-action" data-aura-action="add_to_cart" data-aura-item="${escapeHtml(item.content_id)}">Add to cart</button>` : "";
  const card: CardParts = {
    contentId: item.content_id,
    head: `<li class="aura-item" data-aura-item="${escapeHtml(item.content_id)}" data-aura-position="`,
    tail: `">${link}${action}</li>`,
  };
  byCallout.set(callout, card);
  return card;
}

/** The cards (and hero creative) for a ranked surface, in the markup the storefront styles and the SDK wires. */
export function renderSlot(body: RankResponse): RenderedSlot {
  const persona = body.segment && !body.segment.fallback && !body.segment.holdout ? body.segment.persona : null;
  const callout = (persona && PERSONA_CALLOUTS[persona]) ?? DEFAULT_CALLOUT;
  const attributes: Record<string, string> = { [REQUEST_ATTRIBUTE]: body.request_id, "data-aura-rendered": "server" };
  if (body.segment) {
    attributes["data-aura-segment"] = body.segment.id;
    attributes["data-aura-persona"] = body.segment.persona;
  }
  if (body.experiment) {
    attributes["data-aura-experiment"] = body.experiment.id;
    attributes["data-aura-variant"] = body.experiment.variant;
  }
  let cards = "";
  for (let i = 0; i < body.items.length; i++) {
    const card = cardOf(body.items[i]!, callout);
    cards += card.head + String(i + 1) + card.tail;
  }
  let hero = "";
  const payload = body.experiment?.payload;
  const headline = payloadText(payload, "headline");
  if (headline) {
    const style = payloadText(payload, "style");
    const top = body.items[0];
    const ctaHref = safeUrl(payloadText(payload, "cta_url") ?? top?.metadata.url ?? null) ?? "/";
    const sub = payloadText(payload, "sub");
    const cta = payloadText(payload, "cta") ?? "Shop now";
    hero = [
      `<div class="aura-hero aura-hero--${style && HERO_STYLES.has(style) ? style : "inspiration"}"${top ? ` data-aura-item="${escapeHtml(top.content_id)}" data-aura-position="1"` : ""}>`,
      `<h2 class="aura-hero-headline">${escapeHtml(headline)}</h2>`,
      sub ? `<p class="aura-hero-sub">${escapeHtml(sub)}</p>` : "",
      `<a class="aura-hero-cta aura-link" href="${escapeHtml(ctaHref)}">${escapeHtml(cta)}</a>`,
      `</div>`,
    ].join("");
  }
  return { attributes, html: `${hero}<ul class="aura-items">${cards}</ul>` };
}
