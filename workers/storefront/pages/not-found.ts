// The storefront's own 404 and 500 pages: a shopper who follows a stale link still gets navigation and picks.
import type { StorefrontCatalog } from "../catalog";
import { html, type Markup } from "../html";
import { itemList } from "./items";

export function notFoundPage(catalog: StorefrontCatalog, what: string): Markup {
  return html`<header class="page-head">
  <h1>We could not find that ${what}</h1>
  <p>It may have been renamed or retired. Here is what shoppers are buying instead, or <a href="/">go to the homepage</a>.</p>
</header>
<section class="strip" aria-labelledby="popular-title">
  <h2 id="popular-title">Popular right now</h2>
  <div class="grid">${itemList(catalog.popularProducts(4))}</div>
</section>`;
}

export function errorPage(): Markup {
  return html`<header class="page-head">
  <h1>Something went wrong on our side</h1>
  <p>Please try again in a moment, or <a href="/">go to the homepage</a>.</p>
</header>`;
}
