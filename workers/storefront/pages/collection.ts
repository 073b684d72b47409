// GET /collections/:category: a category's products with skill and sort filters as plain links and a GET
// form, so the listing works without scripts and each filtered view is a cacheable URL.
import * as z from "zod";
import { skillLevels, type Item } from "../../../shared/catalog/item";
import { skillLabels, type CategoryInfo, type StorefrontCatalog } from "../catalog";
import { html, type Markup } from "../html";
import { itemList } from "./items";

const sortOrders = ["popular", "price_asc", "price_desc", "newest"] as const;
type SortOrder = (typeof sortOrders)[number];
const sortLabels: Readonly<Record<SortOrder, string>> = {
  popular: "Most popular",
  price_asc: "Price: low to high",
  price_desc: "Price: high to low",
  newest: "Newest",
};

/** Shopper-editable query: an unknown value falls back to the default rather than failing the page. */
export const CollectionQuery = z.object({
  skill: z.enum(skillLevels).optional().catch(undefined),
  sort: z.enum(sortOrders).default("popular").catch("popular"),
});
export type CollectionQuery = z.infer<typeof CollectionQuery>;

const comparators: Readonly<Record<SortOrder, (a: Item, b: Item) => number>> = {
  popular: (a, b) => b.popularity - a.popularity,
  price_asc: (a, b) => a.price - b.price,
  price_desc: (a, b) => b.price - a.price,
  newest: (a, b) => b.published_at.localeCompare(a.published_at),
};

export function collectionPage(catalog: StorefrontCatalog, category: CategoryInfo, query: CollectionQuery): Markup {
  const all = catalog.inCategory(category.id);
  const shown = all
    .filter((item) => !query.skill || item.skill_level === query.skill)
    .sort((a, b) => comparators[query.sort](a, b) || a.id.localeCompare(b.id));
  const base = `/collections/${category.id}`;
  const skillLink = (skill: Item["skill_level"] | undefined, label: string) => {
    const params = new URLSearchParams();
    if (skill) params.set("skill", skill);
    if (query.sort !== "popular") params.set("sort", query.sort);
    const search = params.toString();
    const href = search ? `${base}?${search}` : base;
    return html`<li><a class="chip" href="${href}"${query.skill === skill ? html` aria-current="true"` : ""}>${label}</a></li>`;
  };
  return html`<nav class="breadcrumb" aria-label="Breadcrumb">
  <ol>
    <li><a href="/">Home</a></li>
    <li><a href="${base}" aria-current="page">${category.label}</a></li>
  </ol>
</nav>
<header class="page-head">
  <h1>${category.label}</h1>
  <p>${category.blurb}</p>
</header>
<div class="collection-tools">
  <nav aria-label="Filter by skill level">
    <ul class="chips">
      ${skillLink(undefined, "All levels")}
      ${skillLevels.map((skill) => skillLink(skill, skillLabels[skill]))}
    </ul>
  </nav>
  <form class="sort-form" method="get" action="${base}">
    ${query.skill && html`<input type="hidden" name="skill" value="${query.skill}">`}
    <label class="field field--inline">Sort by
      <select name="sort">
        ${sortOrders.map((order) => html`<option value="${order}"${order === query.sort ? html` selected` : ""}>${sortLabels[order]}</option>`)}
      </select>
    </label>
    <button type="submit" class="button">Apply</button>
  </form>
</div>
<p class="result-count" role="status">${shown.length} ${shown.length === 1 ? "product" : "products"}${query.skill ? ` for ${skillLabels[query.skill].toLowerCase()} level` : ""}</p>
<div class="grid">
  ${shown.length > 0 ? itemList(shown) : html`<p>Nothing at this level yet. <a href="${base}">See all ${category.label.toLowerCase()}</a>.</p>`}
</div>`;
}
