// GET /: the hero, the recommendation carousel and the guides strip are aura slots holding non-personalized
// fallbacks, which the CDN renderer replaces per visitor segment.
import { storefrontCategories, type StorefrontCatalog } from "../catalog";
import { html, type Markup } from "../html";
import { itemList } from "./items";
import { STORE_NAME } from "./layout";

export function homePage(catalog: StorefrontCatalog): Markup {
  const heroItems = catalog.popularProducts(3);
  const carouselItems = catalog.popularProducts(8, new Set(heroItems.map((item) => item.id)));
  return html`<h1 class="visually-hidden">${STORE_NAME}: presets, vector packs, bundles, courses and pro gear</h1>
<section data-aura-slot="homepage.hero" class="hero" aria-label="Featured">
  <div class="aura-hero aura-hero--inspiration">
    <h2 class="aura-hero-headline">Make something you are proud of this season</h2>
    <p class="aura-hero-sub">Presets, vector packs and starter bundles, chosen by working creatives and ready in one download.</p>
    <a class="aura-hero-cta aura-link" href="/collections/bundle">Shop starter bundles</a>
  </div>
  ${itemList(heroItems, { eagerImage: true })}
</section>

${carousel("carousel-title", "Picked for you", html`<section id="carousel-slot" data-aura-slot="homepage.carousel" class="carousel-slot" aria-labelledby="carousel-title">
    ${itemList(carouselItems)}
  </section>`)}

<section class="category-tiles" aria-labelledby="categories-title">
  <h2 id="categories-title">Shop by category</h2>
  <ul>
    ${storefrontCategories.map(
      (category) => html`<li><a class="category-tile category-tile--${category.id}" href="/collections/${category.id}"><span class="category-tile-name">${category.label}</span><span class="category-tile-blurb">${category.blurb}</span></a></li>`,
    )}
  </ul>
</section>

<div class="strip">
  <div class="section-head"><h2 id="guides-title">Learn as you go</h2><a class="section-link" href="/guides">All guides</a></div>
  <section data-aura-slot="content.guides" class="guides-strip" aria-labelledby="guides-title">
    ${itemList(catalog.popularGuides(4))}
  </section>
</div>`;
}

/**
 * A horizontally scrolling row: swipe on touch, prev/next buttons and arrow keys elsewhere. The buttons sit
 * outside the slot so they survive the CDN renderer replacing the slot's content.
 */
export function carousel(titleId: string, title: string, slot: Markup): Markup {
  return html`<div class="carousel" data-carousel>
  <div class="section-head">
    <h2 id="${titleId}">${title}</h2>
    <div class="carousel-controls">
      <button type="button" class="carousel-button" data-carousel-prev aria-label="Previous: ${title}"><span aria-hidden="true">‹</span></button>
      <button type="button" class="carousel-button" data-carousel-next aria-label="Next: ${title}"><span aria-hidden="true">›</span></button>
    </div>
  </div>
  ${slot}
</div>`;
}
