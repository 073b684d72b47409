// Item cards in the markup contract shared with the CDN renderer and storefront.js, so fallback, server-rendered
// and client-rendered items look and behave alike (the SDK wires clicks from these same attributes).
import type { Item } from "../../../shared/catalog/item";
import { calloutFor, formatPrice, imagePath, itemPath } from "../catalog";
import { html, type Markup } from "../html";

export interface CardOptions {
  /** The image is below the fold on most pages; the first hero card is not. */
  eagerImage?: boolean;
}

/** One `li.aura-item`; products carry an add-to-cart button, guides do not. */
export function itemCard(item: Item, position: number, options: CardOptions = {}): Markup {
  const soldOut = item.inventory === 0;
  return html`<li class="aura-item" data-aura-item="${item.id}" data-aura-position="${position}">
  <a class="aura-link" href="${itemPath(item)}"><img class="aura-image" src="${imagePath(item.id)}" alt="" width="320" height="240" loading="${options.eagerImage ? "eager" : "lazy"}">
    <span class="aura-title">${item.title}</span><span class="aura-callout">${calloutFor(item)}</span><span class="aura-price">${item.kind === "content" ? "Free guide" : formatPrice(item.price, item.currency)}</span></a>
  ${item.kind === "product" && (soldOut ? html`<button type="button" class="aura-action" disabled>Sold out</button>` : html`<button type="button" class="aura-action" data-aura-action="add_to_cart" data-aura-item="${item.id}">Add to cart</button>`)}
</li>`;
}

/** The `ul.aura-items` a slot holds; positions are 1-based like the rank response. */
export function itemList(items: readonly Item[], options: CardOptions = {}): Markup {
  return html`<ul class="aura-items">
${items.map((item, index) => itemCard(item, index + 1, { eagerImage: options.eagerImage === true && index === 0 }))}
</ul>`;
}
