// GET /guides and GET /guides/:id: editorial content. A guide's "keep learning" strip is the content.guides slot.
import type { Item } from "../../../shared/catalog/item";
import { skillLabels, type StorefrontCatalog } from "../catalog";
import { html, type Markup } from "../html";
import { carousel } from "./home";
import { itemList } from "./items";

export function guidePage(catalog: StorefrontCatalog, guide: Item): Markup {
  // Bodies are plain text with blank lines between paragraphs.
  const paragraphs = guide.body.split(/\n{2,}/).map((p) => p.trim()).filter((p) => p.length > 0);
  const fallbackGuides = catalog.guidesAbout(guide, 4);
  return html`<nav class="breadcrumb" aria-label="Breadcrumb">
  <ol>
    <li><a href="/">Home</a></li>
    <li><a href="/guides">Guides</a></li>
    <li><a href="/guides/${guide.id}" aria-current="page">${guide.title}</a></li>
  </ol>
</nav>
<article class="guide" aria-labelledby="guide-title">
  <header class="guide-head">
    <p class="eyebrow">${skillLabels[guide.skill_level]} ${guide.category === "tutorial" ? "tutorial" : "guide"}</p>
    <h1 id="guide-title">${guide.title}</h1>
    <p class="guide-summary">${guide.summary}</p>
  </header>
  <div class="guide-body">
    ${paragraphs.length > 0 ? paragraphs.map((p) => html`<p>${p}</p>`) : html`<p>${guide.summary}</p>`}
  </div>
</article>

<section class="strip" aria-labelledby="shop-guide-title">
  <h2 id="shop-guide-title">Shop this guide</h2>
  ${itemList(catalog.productsAbout(guide, 4))}
</section>

${carousel("more-guides-title", "Keep learning", html`<section data-aura-slot="content.guides" class="carousel-slot" aria-labelledby="more-guides-title">
    ${itemList(fallbackGuides)}
  </section>`)}`;
}

export function guidesIndexPage(catalog: StorefrontCatalog): Markup {
  const levels = ["beginner", "intermediate", "pro"] as const;
  return html`<header class="page-head">
  <h1>Guides and tutorials</h1>
  <p>Free, practical reading from our editors: start where you are and work up.</p>
</header>
${levels.map((level) => {
  const guides = catalog.guides.filter((g) => g.skill_level === level);
  return guides.length > 0 && html`<section class="strip" aria-labelledby="guides-${level}">
  <h2 id="guides-${level}">${skillLabels[level]}</h2>
  <div class="grid">${itemList(guides)}</div>
</section>`;
})}`;
}
