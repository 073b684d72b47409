// GET /products/:id: the product with its add-to-cart button and the product.related slot, whose
// `data-aura-context-product` tells the CDN renderer which product to rank around.
import type { Item } from "../../../shared/catalog/item";
import { formatPrice, imagePath, itemPath, skillLabels, storefrontCategories, type StorefrontCatalog } from "../catalog";
import { html, type Markup } from "../html";
import { carousel } from "./home";
import { itemList } from "./items";

const tagLabels: Readonly<Record<string, string>> = {
  starter: "Starter",
  high_end: "Pro grade",
  sustainable: "Sustainable",
  best_seller: "Best seller",
  new: "New",
  eco_packaging: "Eco packaging",
  "4k": "4K",
  print: "Print ready",
};

export function tagLabel(tag: string): string {
  return tagLabels[tag] ?? tag.replace(/_/g, " ");
}

export function categoryLabel(category: string): string {
  return storefrontCategories.find((c) => c.id === category)?.label ?? category.replace(/_/g, " ");
}

function availability(item: Item): string {
  if (item.inventory === null) return item.price === 0 ? "Free instant download" : "Instant digital download";
  if (item.inventory === 0) return "Sold out";
  if (item.inventory < 10) return `Only ${item.inventory} left in stock`;
  return "In stock, ships in 2 working days";
}

/** Restrictions a shopper should know before adding to cart. */
function restrictions(item: Item): string[] {
  const notes: string[] = [];
  if (item.policy_flags.includes("age_restricted")) notes.push("Adults only (18+).");
  if (item.policy_flags.includes("requires_marketing_consent")) notes.push("Delivered by email when you join the newsletter.");
  if (item.jurisdictions.length > 0) notes.push(`Available in ${item.jurisdictions.join(", ")} only.`);
  if (item.devices.length > 0) notes.push(`For ${item.devices.join(" and ")} only.`);
  return notes;
}

export function productPage(catalog: StorefrontCatalog, item: Item): Markup {
  const soldOut = item.inventory === 0;
  const notes = restrictions(item);
  return html`<nav class="breadcrumb" aria-label="Breadcrumb">
  <ol>
    <li><a href="/">Home</a></li>
    <li><a href="/collections/${item.category}">${categoryLabel(item.category)}</a></li>
    <li><a href="${itemPath(item)}" aria-current="page">${item.title}</a></li>
  </ol>
</nav>
<article class="product" aria-labelledby="product-title">
  <div class="product-media"><img src="${imagePath(item.id)}" alt="" width="320" height="240"></div>
  <div class="product-info">
    <h1 id="product-title">${item.title}</h1>
    <p class="product-price">${formatPrice(item.price, item.currency)}</p>
    <ul class="badges" aria-label="Highlights">
      <li class="badge badge--skill">${skillLabels[item.skill_level]}</li>
      ${item.tags.map((tag) => html`<li class="badge">${tagLabel(tag)}</li>`)}
    </ul>
    <p class="product-summary">${item.summary}</p>
    <p class="product-stock${soldOut ? " product-stock--out" : ""}">${availability(item)}</p>
    ${notes.length > 0 && html`<ul class="product-notes">${notes.map((note) => html`<li>${note}</li>`)}</ul>`}
    ${soldOut
      ? html`<button type="button" class="button button--large" disabled>Sold out</button>`
      : html`<button type="button" class="button button--primary button--large" data-aura-action="add_to_cart" data-aura-item="${item.id}">Add to cart</button>`}
    <dl class="product-facts">
      <dt>Skill level</dt><dd>${skillLabels[item.skill_level]}</dd>
      <dt>Category</dt><dd><a href="/collections/${item.category}">${categoryLabel(item.category)}</a></dd>
      ${item.topics.length > 0 && html`<dt>Topics</dt><dd>${item.topics.map((topic) => topic.replace(/-/g, " ")).join(", ")}</dd>`}
    </dl>
  </div>
</article>

${carousel("related-title", "Goes well with this", html`<section id="related-slot" data-aura-slot="product.related" data-aura-context-product="${item.id}" class="carousel-slot" aria-labelledby="related-title">
    ${itemList(catalog.relatedTo(item, 6))}
  </section>`)}

<section class="strip" aria-labelledby="learn-title">
  <h2 id="learn-title">Learn with it</h2>
  ${itemList(catalog.guidesAbout(item, 3))}
</section>`;
}
