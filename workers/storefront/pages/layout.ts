// The page shell every storefront page shares: head with the aura meta tags and scripts, header with category
// navigation, footer, and the consent banner, Creative Concierge dialog and Checkout Assistant that storefront.js
// brings to life. Everything here is server-rendered so the page reads fine with scripts blocked.
import type { Item } from "../../../shared/catalog/item";
import { storefrontCategories, type StorefrontCatalog } from "../catalog";
import { html, type Markup } from "../html";
import { itemList } from "./items";

export const STORE_NAME = "Aura Creative Supply";

/** Values of `<meta name="aura:page-type">`, which the SDK reports with each page view. */
export type PageType = "index" | "product" | "guide" | "collection" | "cart" | "checkout";

export interface PageShell {
  title: string;
  description: string;
  pageType: PageType;
  main: Markup;
  /** Canonical path: products reached by slug point search engines at the id URL. */
  canonicalPath?: string;
  /** Highlights the matching link in the category navigation. */
  currentNav?: string;
  /** What the page is about, for the SDK's page_view event (`aura:product-id`, `aura:category`). */
  productId?: string;
  category?: string;
  /** Cart and checkout pages get the Checkout Assistant. */
  assistant?: boolean;
}

export function renderPage(catalog: StorefrontCatalog, page: PageShell): string {
  const documentTitle = page.title === STORE_NAME ? STORE_NAME : `${page.title} · ${STORE_NAME}`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${documentTitle}</title>
<meta name="description" content="${page.description}">
<meta name="aura:page-type" content="${page.pageType}">
${page.productId && html`<meta name="aura:product-id" content="${page.productId}">`}
${page.category && html`<meta name="aura:category" content="${page.category}">`}
${page.canonicalPath && html`<link rel="canonical" href="${page.canonicalPath}">`}
<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/storefront.css">
<script src="/sdk.js" defer></script>
<script src="/assets/storefront.js" defer></script>
</head>
<body data-page-type="${page.pageType}">
<a class="skip-link" href="#main">Skip to content</a>
${siteHeader(page.currentNav)}
<main id="main" tabindex="-1">
${page.main}
</main>
${siteFooter()}
${consentBanner()}
${conciergeDialog(catalog)}
${page.assistant && checkoutAssistant()}
<div id="storefront-status" class="visually-hidden" role="status" aria-live="polite"></div>
</body>
</html>
`.value;
}

function siteHeader(current: string | undefined): Markup {
  const link = (href: string, label: string, key: string) =>
    html`<li><a href="${href}"${current === key ? html` aria-current="page"` : ""}>${label}</a></li>`;
  return html`<header class="site-header">
  <div class="site-header-bar">
    <a class="brand" href="/"><span class="brand-mark" aria-hidden="true">A</span><span>Aura<span class="brand-tail"> Creative Supply</span></span></a>
    <div class="header-actions">
      <button type="button" class="button button--quiet" id="concierge-open" aria-haspopup="dialog" aria-controls="concierge">Concierge</button>
      <a class="cart-link" href="/cart"${current === "cart" ? html` aria-current="page"` : ""}>Cart <span class="cart-count" data-cart-count>0</span><span class="visually-hidden"> items</span></a>
    </div>
  </div>
  <nav class="category-nav" aria-label="Shop by category">
    <ul>
      ${storefrontCategories.map((category) => link(`/collections/${category.id}`, category.label, category.id))}
      ${link("/guides", "Guides", "guides")}
    </ul>
  </nav>
</header>`;
}

function siteFooter(): Markup {
  return html`<footer class="site-footer">
  <p>${STORE_NAME} is a demo storefront: recommendations on it are personalized at the edge by aura. Nothing is for sale and no payment is taken.</p>
  <p><button type="button" class="link-button" id="consent-manage" aria-controls="consent-banner">Privacy choices</button></p>
</footer>`;
}

/** Non-modal: shoppers can keep browsing while it waits; storefront.js shows it until a choice is made. */
function consentBanner(): Markup {
  const purpose = (value: string, label: string, detail: string) =>
    html`<label class="consent-purpose"><input type="checkbox" name="purpose" value="${value}"> <span><strong>${label}</strong> ${detail}</span></label>`;
  return html`<section id="consent-banner" class="consent" aria-labelledby="consent-title" hidden>
  <h2 id="consent-title">Your privacy choices</h2>
  <p>Essential storage (your cart) is always on. With your permission we also measure how the shop is used, personalize recommendations for you, and show offers.</p>
  <div class="consent-actions">
    <button type="button" class="button button--primary" data-consent-choice="all">Accept all</button>
    <button type="button" class="button" data-consent-choice="essential">Essential only</button>
    <button type="button" class="button button--quiet" data-consent-customize aria-expanded="false" aria-controls="consent-options">Customize</button>
  </div>
  <form id="consent-options" class="consent-options" hidden>
    <fieldset>
      <legend>Choose what we may use</legend>
      ${purpose("analytics", "Analytics:", "count page views and clicks to improve the shop.")}
      ${purpose("personalization", "Personalization:", "recommend products and guides for how you create.")}
      ${purpose("marketing", "Marketing:", "show offers and newsletter freebies.")}
    </fieldset>
    <button type="submit" class="button button--primary">Save choices</button>
  </form>
</section>`;
}

/**
 * The Creative Concierge. The cards start as non-personalized picks; storefront.js replaces them with
 * aura.rank results inside `data-aura-slot` containers. The containers here carry no `data-aura-slot`, so the
 * CDN renderer (which fills every such element) leaves the dialog alone.
 */
function conciergeDialog(catalog: StorefrontCatalog): Markup {
  const [primary, alternative] = catalog.popularProducts(2);
  const [guide] = catalog.popularGuides(1, "beginner");
  const card = (key: string, heading: string, item: Item | undefined) =>
    html`<section class="concierge-card" aria-labelledby="concierge-${key}-title">
      <h3 id="concierge-${key}-title" class="concierge-card-title">${heading}</h3>
      <div class="concierge-slot" data-concierge-slot="${key}">${item ? itemList([item]) : ""}</div>
    </section>`;
  return html`<div class="concierge-backdrop" data-concierge-backdrop hidden></div>
<div id="concierge" class="concierge" role="dialog" aria-modal="true" aria-labelledby="concierge-title" aria-describedby="concierge-intro" tabindex="-1" hidden>
  <div class="concierge-head">
    <h2 id="concierge-title">Your Creative Concierge</h2>
    <button type="button" class="icon-button" data-concierge-close aria-label="Close the Creative Concierge"><span aria-hidden="true">×</span></button>
  </div>
  <p id="concierge-intro" class="concierge-intro">Three picks to get you going: our top recommendation, an alternative, and a guide if you would rather learn first.</p>
  <div class="concierge-cards" data-concierge-cards>
    ${card("primary", "Our top pick", primary)}
    ${card("alternative", "Or try this", alternative)}
    ${card("learn", "Learn more", guide)}
  </div>
  <form class="concierge-advanced" data-concierge-advanced aria-labelledby="concierge-advanced-title" hidden>
    <h3 id="concierge-advanced-title">Advanced options</h3>
    <div class="concierge-advanced-fields">
      <label class="field">Budget
        <select name="max_price">
          <option value="">Any price</option>
          <option value="25">Under $25</option>
          <option value="100">Under $100</option>
          <option value="500">Under $500</option>
        </select>
      </label>
      <label class="field">Skill level
        <select name="skill">
          <option value="">Any level</option>
          <option value="beginner">Beginner</option>
          <option value="intermediate">Intermediate</option>
          <option value="pro">Pro</option>
        </select>
      </label>
      <button type="submit" class="button">Update picks</button>
    </div>
  </form>
  <p class="concierge-note" data-concierge-note></p>
  <div class="concierge-foot">
    <button type="button" class="button" data-concierge-refresh>Show me different picks</button>
    <button type="button" class="button button--quiet" data-concierge-close>Keep browsing</button>
  </div>
</div>`;
}

function checkoutAssistant(): Markup {
  const ask = (question: string) => html`<button type="button" class="chip" data-assistant-ask="${question}">${question}</button>`;
  return html`<button type="button" id="assistant-toggle" class="assistant-toggle" aria-expanded="false" aria-controls="assistant">Need help?</button>
<aside id="assistant" class="assistant" aria-labelledby="assistant-title" hidden>
  <div class="assistant-head">
    <h2 id="assistant-title">Checkout Assistant</h2>
    <button type="button" class="icon-button" data-assistant-close aria-label="Close the Checkout Assistant"><span aria-hidden="true">×</span></button>
  </div>
  <p class="assistant-disclosure">I answer from aura's recommendations for your cart: with Claude (an AI model) when the shop has enabled it, otherwise with simple rules that match your question to a few topics. I am not a person.</p>
  <div id="assistant-log" class="assistant-log" role="log" aria-live="polite" aria-label="Conversation with the Checkout Assistant">
    <div class="assistant-message assistant-message--bot"><p>Hi! Ask me what else you need, whether your cart suits a beginner, for a cheaper alternative, or for a bundle.</p></div>
  </div>
  <div class="assistant-suggestions" role="group" aria-label="Suggested questions">
    ${ask("What else do I need?")}
    ${ask("Is this good for beginners?")}
    ${ask("Is there a cheaper alternative?")}
    ${ask("Is there a bundle?")}
  </div>
  <form class="assistant-form" data-assistant-form>
    <label for="assistant-input">Your question</label>
    <div class="assistant-form-row">
      <input id="assistant-input" name="question" type="text" autocomplete="off" maxlength="200" required>
      <button type="submit" class="button button--primary">Send</button>
    </div>
  </form>
</aside>`;
}
