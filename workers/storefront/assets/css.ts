// The storefront's stylesheet, served at /assets/storefront.css. Mobile-first (375 px up), system fonts only,
// and it styles the aura markup contract (.aura-items, .aura-item, .aura-hero--<style>) wherever it appears:
// fallback, CDN-rendered or client-rendered.
// Colour pairs used for text keep a contrast of at least 4.5:1 (workers/storefront/storefront.test.ts checks them).

/** Text and background colours, exported so the contrast test reads the same values the sheet uses. */
export const palette = {
  ink: "#1d1b2e",
  muted: "#54506b",
  canvas: "#f6f4fb",
  surface: "#ffffff",
  line: "#d9d4ea",
  brand: "#4527a0",
  brandDark: "#2e1a6e",
  brandSoft: "#ece7fb",
  urgent: "#b3261e",
  urgentDark: "#7a1410",
  urgentCta: "#ffd54a",
  beginner: "#e6f4ea",
  beginnerInk: "#1b4332",
  success: "#1e6b3a",
} as const;

const p = palette;

export const STOREFRONT_CSS = String.raw`
:root {
  color-scheme: light;
  --ink: ${p.ink};
  --muted: ${p.muted};
  --canvas: ${p.canvas};
  --surface: ${p.surface};
  --line: ${p.line};
  --brand: ${p.brand};
  --brand-dark: ${p.brandDark};
  --brand-soft: ${p.brandSoft};
  --urgent: ${p.urgent};
  --urgent-dark: ${p.urgentDark};
  --urgent-cta: ${p.urgentCta};
  --beginner: ${p.beginner};
  --beginner-ink: ${p.beginnerInk};
  --success: ${p.success};
  --radius: 12px;
  --shadow: 0 1px 2px rgba(29, 27, 46, 0.08), 0 4px 16px rgba(29, 27, 46, 0.06);
  --gap: 1rem;
  --page: min(1200px, 100% - 2rem);
  --consent-height: 0px;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  line-height: 1.5;
  color: var(--ink);
  background: var(--canvas);
}
*, *::before, *::after { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0; min-height: 100vh; display: flex; flex-direction: column; }
main { flex: 1; width: var(--page); margin: 0 auto; padding: 1rem 0 3rem; }
main:focus { outline: none; }
img { max-width: 100%; height: auto; display: block; }
a { color: var(--brand); text-underline-offset: 0.15em; }
a:hover { color: var(--brand-dark); }
h1, h2, h3 { line-height: 1.2; margin: 0 0 0.5rem; }
h1 { font-size: clamp(1.6rem, 1.2rem + 2vw, 2.4rem); }
h2 { font-size: clamp(1.25rem, 1.1rem + 0.8vw, 1.6rem); }
h3 { font-size: 1.05rem; }
p { margin: 0 0 0.75rem; }

/* Focus: always visible for keyboard users, never removed. */
:focus-visible { outline: 3px solid var(--brand); outline-offset: 2px; border-radius: 4px; }
.aura-hero :focus-visible, .site-footer :focus-visible { outline-color: currentColor; }

.visually-hidden {
  position: absolute !important; width: 1px; height: 1px; padding: 0; margin: -1px;
  overflow: hidden; clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap; border: 0;
}
.skip-link {
  position: absolute; left: 1rem; top: -4rem; z-index: 100; padding: 0.75rem 1rem;
  background: var(--brand); color: #fff; border-radius: 8px; font-weight: 600;
}
.skip-link:focus { top: 1rem; color: #fff; }

/* Header and category navigation: the category row scrolls sideways on narrow screens. */
.site-header { background: var(--surface); border-bottom: 1px solid var(--line); position: sticky; top: 0; z-index: 20; }
.site-header-bar { width: var(--page); margin: 0 auto; display: flex; align-items: center; justify-content: space-between; gap: 0.5rem; padding: 0.5rem 0; }
.brand { display: inline-flex; align-items: center; gap: 0.5rem; font-weight: 700; color: var(--ink); text-decoration: none; min-height: 44px; white-space: nowrap; }
.brand-mark { display: inline-grid; place-items: center; width: 2rem; height: 2rem; border-radius: 8px; background: var(--brand); color: #fff; }
@media (max-width: 419px) {
  .brand-tail { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
  #concierge-open { padding: 0.5rem 0.6rem; }
}
.header-actions { display: flex; align-items: center; gap: 0.25rem; }
.cart-link { display: inline-flex; align-items: center; gap: 0.35rem; min-height: 44px; padding: 0 0.75rem; font-weight: 600; color: var(--ink); text-decoration: none; border-radius: 999px; }
.cart-link:hover { background: var(--brand-soft); color: var(--ink); }
.cart-count { display: inline-grid; place-items: center; min-width: 1.6rem; height: 1.6rem; padding: 0 0.35rem; border-radius: 999px; background: var(--brand); color: #fff; font-size: 0.85rem; }
.category-nav { width: var(--page); margin: 0 auto; }
.category-nav ul { display: flex; gap: 0.25rem; list-style: none; margin: 0; padding: 0 0 0.5rem; overflow-x: auto; scrollbar-width: thin; }
.category-nav a { display: inline-flex; align-items: center; min-height: 40px; padding: 0 0.85rem; border-radius: 999px; color: var(--ink); text-decoration: none; white-space: nowrap; font-weight: 500; }
.category-nav a:hover { background: var(--brand-soft); }
.category-nav a[aria-current="page"] { background: var(--brand); color: #fff; }

.site-footer { background: var(--ink); color: #f1eff8; padding: 2rem 1rem calc(2rem + var(--consent-height)); text-align: center; font-size: 0.95rem; }
.site-footer p { max-width: 60ch; margin: 0 auto 0.5rem; }

/* Buttons and form controls: 44 px targets. */
.button, .aura-action, .aura-hero-cta, .chip, .icon-button, .carousel-button {
  font: inherit; cursor: pointer; touch-action: manipulation;
}
.button {
  display: inline-flex; align-items: center; justify-content: center; gap: 0.4rem; min-height: 44px;
  padding: 0.5rem 1rem; border-radius: 999px; border: 1px solid var(--brand); background: var(--surface);
  color: var(--brand); font-weight: 600; text-decoration: none; transition: background-color 0.15s, color 0.15s;
}
.button:hover { background: var(--brand-soft); color: var(--brand-dark); }
.button--primary { background: var(--brand); color: #fff; }
.button--primary:hover { background: var(--brand-dark); color: #fff; }
.button--quiet { border-color: transparent; background: transparent; }
.button--large { min-height: 52px; padding: 0.75rem 1.5rem; font-size: 1.05rem; }
.button:disabled, .aura-action:disabled { cursor: not-allowed; border-color: var(--line); background: var(--canvas); color: var(--muted); }
.link-button { font: inherit; background: none; border: 0; color: inherit; text-decoration: underline; cursor: pointer; min-height: 44px; padding: 0 0.5rem; }
.icon-button { display: inline-grid; place-items: center; width: 44px; height: 44px; border-radius: 50%; border: 0; background: transparent; color: var(--ink); font-size: 1.6rem; line-height: 1; }
.icon-button:hover { background: var(--brand-soft); }
.chip { display: inline-flex; align-items: center; min-height: 40px; padding: 0.35rem 0.9rem; border-radius: 999px; border: 1px solid var(--line); background: var(--surface); color: var(--ink); text-decoration: none; font-size: 0.95rem; }
.chip:hover { border-color: var(--brand); color: var(--brand-dark); }
.chip[aria-current="true"] { background: var(--brand); border-color: var(--brand); color: #fff; }
.chips { display: flex; flex-wrap: wrap; gap: 0.5rem; list-style: none; margin: 0; padding: 0; }
.field { display: flex; flex-direction: column; gap: 0.3rem; font-weight: 600; font-size: 0.95rem; }
.field--inline { flex-direction: row; align-items: center; gap: 0.5rem; }
select, .input, .assistant-form input {
  font: inherit; min-height: 44px; padding: 0.45rem 0.75rem; border: 1px solid var(--muted); border-radius: 8px; background: var(--surface); color: var(--ink);
}
.input { width: 100%; margin-bottom: 0.75rem; }

/* Sections. */
.section-head { display: flex; align-items: center; justify-content: space-between; gap: 1rem; margin: 2rem 0 0.75rem; }
.section-head h2 { margin: 0; }
.section-link { font-weight: 600; white-space: nowrap; }
.strip { margin-top: 2rem; }
.page-head { margin: 1rem 0 1.5rem; }
.page-head p { color: var(--muted); max-width: 65ch; }
.eyebrow { text-transform: uppercase; letter-spacing: 0.08em; font-size: 0.8rem; font-weight: 700; color: var(--brand); margin-bottom: 0.25rem; }
.notice { padding: 1rem; border-radius: var(--radius); background: var(--brand-soft); }
.hint { color: var(--muted); font-size: 0.95rem; }
.breadcrumb ol { display: flex; flex-wrap: wrap; gap: 0.25rem; list-style: none; padding: 0; margin: 0 0 1rem; font-size: 0.9rem; }
.breadcrumb li + li::before { content: "/"; margin-right: 0.25rem; color: var(--muted); }
.breadcrumb a[aria-current="page"] { color: var(--ink); text-decoration: none; }

/* The aura item card: the markup contract shared with the CDN renderer and storefront.js. */
.aura-items { list-style: none; margin: 0; padding: 0; display: grid; gap: var(--gap); grid-template-columns: repeat(2, minmax(0, 1fr)); }
.aura-item {
  display: flex; flex-direction: column; background: var(--surface); border-radius: var(--radius);
  box-shadow: var(--shadow); overflow: hidden; min-width: 0;
}
.aura-link { display: flex; flex-direction: column; gap: 0.2rem; flex: 1; padding: 0 0 0.75rem; color: var(--ink); text-decoration: none; }
.aura-link:hover .aura-title { text-decoration: underline; }
.aura-item .aura-link:focus-visible { outline-offset: -3px; }
.aura-image { width: 100%; aspect-ratio: 4 / 3; object-fit: cover; background: var(--brand-soft); margin-bottom: 0.5rem; }
.aura-title, .aura-callout, .aura-price { padding: 0 0.75rem; }
.aura-title { font-weight: 600; line-height: 1.3; }
.aura-callout { color: var(--brand); font-size: 0.85rem; font-weight: 600; }
.aura-price { font-weight: 700; margin-top: auto; }
.aura-action {
  margin: 0 0.75rem 0.75rem; min-height: 44px; border-radius: 999px; border: 1px solid var(--brand);
  background: var(--brand); color: #fff; font-weight: 600;
}
.aura-action:hover { background: var(--brand-dark); }
.aura-action[data-added] { background: var(--success); border-color: var(--success); }
.grid .aura-items { grid-template-columns: repeat(auto-fill, minmax(min(100%, 160px), 1fr)); }

/* Hero: fallback and CDN-rendered alike. The styled block is .aura-hero; its variants come from experiments. */
.hero { display: grid; gap: var(--gap); margin: 0.5rem 0 1rem; }
.aura-hero {
  position: relative; border-radius: calc(var(--radius) + 4px); padding: 1.5rem 1.25rem; overflow: hidden;
  background: linear-gradient(135deg, var(--brand) 0%, var(--brand-dark) 100%); color: #fff;
}
.aura-hero-headline { font-size: clamp(1.6rem, 1.1rem + 2.6vw, 2.8rem); margin: 0 0 0.5rem; max-width: 22ch; color: inherit; }
.aura-hero-sub { font-size: 1.05rem; max-width: 48ch; margin-bottom: 1.25rem; color: inherit; }
.aura-hero-cta {
  display: inline-flex; align-items: center; min-height: 48px; padding: 0.6rem 1.4rem; border-radius: 999px;
  background: #fff; color: var(--brand-dark); font-weight: 700; text-decoration: none;
}
.aura-hero-cta:hover { background: var(--brand-soft); color: var(--brand-dark); }
.aura-hero--inspiration { background: linear-gradient(135deg, #4527a0 0%, #2e1a6e 55%, #123c4a 100%); }
.aura-hero--inspiration .aura-hero-headline { font-family: Georgia, "Times New Roman", serif; font-weight: 700; letter-spacing: -0.01em; }
/* Urgency: a strong red, a countdown-style badge and a bright call to action. */
.aura-hero--urgency { background: linear-gradient(135deg, var(--urgent) 0%, var(--urgent-dark) 100%); border: 3px solid var(--urgent-cta); }
.aura-hero--urgency::before {
  content: "Ends soon \2022  limited time"; display: inline-flex; align-items: center; gap: 0.4rem; margin-bottom: 0.75rem;
  padding: 0.3rem 0.8rem; border-radius: 999px; background: var(--urgent-cta); color: var(--urgent-dark);
  font-weight: 800; text-transform: uppercase; letter-spacing: 0.06em; font-size: 0.8rem; font-variant-numeric: tabular-nums;
  animation: aura-pulse 1.6s ease-in-out infinite;
}
.aura-hero--urgency .aura-hero-headline { text-transform: uppercase; letter-spacing: 0.02em; }
.aura-hero--urgency .aura-hero-cta { background: var(--urgent-cta); color: var(--urgent-dark); }
.aura-hero--urgency .aura-hero-cta:hover { background: #fff; color: var(--urgent-dark); }
/* Beginner: calm and friendly, light background with dark text. */
.aura-hero--beginner { background: var(--beginner); color: var(--beginner-ink); border: 1px solid #b7dfc3; }
.aura-hero--beginner::before {
  content: "New here? Start here"; display: inline-block; margin-bottom: 0.75rem; padding: 0.25rem 0.75rem;
  border-radius: 999px; background: var(--beginner-ink); color: #fff; font-weight: 700; font-size: 0.8rem;
}
.aura-hero--beginner .aura-hero-cta { background: var(--beginner-ink); color: #fff; }
.aura-hero--beginner .aura-hero-cta:hover { background: #0f2a1f; color: #fff; }
@keyframes aura-pulse { 0%, 100% { transform: scale(1); } 50% { transform: scale(1.05); } }
.hero .aura-items { grid-template-columns: repeat(3, minmax(220px, 1fr)); overflow-x: auto; scroll-snap-type: x mandatory; padding-bottom: 0.25rem; }
.hero .aura-item { scroll-snap-align: start; }

/* Carousels: native horizontal scrolling with snap points, so touch swipes feel right; buttons for the rest. */
.carousel { margin-top: 2rem; }
.carousel .section-head { margin-top: 0; }
.carousel-controls { display: flex; gap: 0.5rem; }
.carousel-button {
  display: inline-grid; place-items: center; width: 44px; height: 44px; border-radius: 50%;
  border: 1px solid var(--brand); background: var(--surface); color: var(--brand); font-size: 1.6rem; line-height: 1;
}
.carousel-button:hover { background: var(--brand-soft); }
.carousel-button[aria-disabled="true"] { border-color: var(--line); color: var(--muted); cursor: default; background: var(--canvas); }
.carousel .aura-items {
  display: flex; gap: var(--gap); overflow-x: auto; overscroll-behavior-x: contain; scroll-snap-type: x mandatory;
  scroll-padding-inline: 0.25rem; padding: 0.25rem 0.25rem 0.75rem; scroll-behavior: smooth; scrollbar-width: thin;
  -webkit-overflow-scrolling: touch;
}
.carousel .aura-item { flex: 0 0 clamp(200px, 70%, 260px); scroll-snap-align: start; }

.category-tiles { margin-top: 2.5rem; }
.category-tiles ul { list-style: none; padding: 0; margin: 0; display: grid; gap: var(--gap); grid-template-columns: 1fr; }
.category-tile { display: flex; flex-direction: column; gap: 0.25rem; padding: 1.1rem 1.25rem; min-height: 100%; border-radius: var(--radius); background: var(--surface); box-shadow: var(--shadow); color: var(--ink); text-decoration: none; border-left: 6px solid var(--brand); }
.category-tile:hover .category-tile-name { text-decoration: underline; }
.category-tile-name { font-weight: 700; font-size: 1.15rem; color: var(--brand-dark); }
.category-tile-blurb { color: var(--muted); font-size: 0.95rem; }
.guides-strip .aura-items { grid-template-columns: 1fr; }
.guides-strip .aura-item { flex-direction: row; }
.guides-strip .aura-link { flex-direction: row; flex-wrap: wrap; align-content: flex-start; padding: 0.75rem; gap: 0.25rem 0.75rem; }
.guides-strip .aura-image { width: 96px; margin: 0; border-radius: 8px; flex: 0 0 96px; }
.guides-strip .aura-title, .guides-strip .aura-callout, .guides-strip .aura-price { padding: 0; flex: 1 1 calc(100% - 112px); }

/* Product and guide pages. */
.product { display: grid; gap: 1.5rem; background: var(--surface); border-radius: var(--radius); box-shadow: var(--shadow); padding: 1rem; }
.product-media img { width: 100%; border-radius: var(--radius); }
.product-price { font-size: 1.6rem; font-weight: 800; margin: 0.25rem 0 0.75rem; }
.product-summary { font-size: 1.05rem; max-width: 60ch; }
.product-stock { color: var(--success); font-weight: 600; }
.product-stock--out { color: var(--urgent); }
.product-notes { color: var(--muted); padding-left: 1.2rem; }
.product-facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.35rem 1rem; margin: 1.5rem 0 0; }
.product-facts dt { font-weight: 600; color: var(--muted); }
.product-facts dd { margin: 0; text-transform: none; }
.badges { display: flex; flex-wrap: wrap; gap: 0.4rem; list-style: none; padding: 0; margin: 0 0 1rem; }
.badge { padding: 0.2rem 0.65rem; border-radius: 999px; background: var(--brand-soft); color: var(--brand-dark); font-size: 0.85rem; font-weight: 600; }
.badge--skill { background: var(--ink); color: #fff; }
.guide { background: var(--surface); border-radius: var(--radius); box-shadow: var(--shadow); padding: 1.25rem; }
.guide-head, .guide-body { max-width: 70ch; margin: 0 auto; }
.guide-summary { font-size: 1.15rem; color: var(--muted); }
.guide-body p { line-height: 1.75; font-size: 1.05rem; }

/* Collections. */
.collection-tools { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; justify-content: space-between; margin-bottom: 1rem; }
.sort-form { display: flex; align-items: center; gap: 0.5rem; flex-wrap: wrap; }
.result-count { color: var(--muted); }

/* Cart and checkout. */
.cart-lines { list-style: none; padding: 0; margin: 0 0 1rem; display: grid; gap: 0.75rem; }
.cart-line { display: grid; grid-template-columns: 56px 1fr auto; gap: 0.6rem; align-items: center; background: var(--surface); border-radius: var(--radius); box-shadow: var(--shadow); padding: 0.75rem; }
.cart-line img { width: 56px; border-radius: 8px; }
.cart-line .button { padding: 0.5rem 0.6rem; }
.cart-line-title { font-weight: 600; }
.cart-line-meta { color: var(--muted); font-size: 0.9rem; }
.cart-line-price { font-weight: 700; }
.cart-summary { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; justify-content: space-between; padding: 1rem; background: var(--surface); border-radius: var(--radius); box-shadow: var(--shadow); }
.cart-subtotal { margin: 0; font-size: 1.15rem; }
.upsell-strip .aura-items { grid-template-columns: repeat(auto-fill, minmax(min(100%, 160px), 1fr)); }
.checkout-layout { display: grid; gap: 1.5rem; }
.checkout-order h2 + .hint { margin-top: -0.25rem; }
.upsell .aura-items { grid-template-columns: 1fr; gap: 0.75rem; margin-bottom: 1rem; }
.upsell .aura-item { display: grid; grid-template-columns: 1fr; align-items: center; padding: 0.5rem 0.75rem; gap: 0.25rem; }
.upsell .aura-link { display: grid; grid-template-columns: 64px 1fr; column-gap: 0.75rem; padding: 0; align-items: center; }
.upsell .aura-image { grid-row: 1 / span 3; width: 64px; margin: 0; border-radius: 8px; }
.upsell .aura-title, .upsell .aura-callout, .upsell .aura-price { padding: 0; }
.upsell .aura-action { margin: 0; padding: 0 0.9rem; }
.aura-addon { display: inline-flex; align-items: center; gap: 0.5rem; min-height: 44px; padding: 0 0.5rem; font-weight: 600; cursor: pointer; border-radius: 8px; }
.aura-addon input { width: 1.35rem; height: 1.35rem; accent-color: var(--brand); }
.aura-item[data-addon-removed] { opacity: 0.7; }
.totals { display: grid; grid-template-columns: 1fr auto; gap: 0.35rem 1rem; padding: 1rem; background: var(--surface); border-radius: var(--radius); box-shadow: var(--shadow); margin: 0; }
.totals dd { margin: 0; text-align: right; font-variant-numeric: tabular-nums; }
.totals .totals-grand { font-weight: 800; font-size: 1.15rem; border-top: 1px solid var(--line); padding-top: 0.5rem; }
.checkout-form { background: var(--surface); border-radius: var(--radius); box-shadow: var(--shadow); padding: 1.25rem; align-self: start; }
.checkout-form .button { width: 100%; margin-top: 0.5rem; }
.checkout-done { padding: 1.5rem; border-radius: var(--radius); background: var(--beginner); color: var(--beginner-ink); }
.checkout-done h2:focus { outline: none; }

/* Consent banner: non-modal, pinned to the bottom until the shopper chooses. */
.consent {
  position: fixed; left: 0.5rem; right: 0.5rem; bottom: 0.5rem; z-index: 40; max-width: 960px; margin: 0 auto;
  padding: 1rem 1.25rem; background: var(--surface); border: 1px solid var(--line); border-radius: var(--radius);
  box-shadow: 0 8px 32px rgba(29, 27, 46, 0.25); max-height: 80vh; overflow: auto;
}
.consent h2 { font-size: 1.15rem; }
.consent p { color: var(--muted); font-size: 0.95rem; }
.consent-actions { display: flex; flex-wrap: wrap; gap: 0.5rem; }
.consent-options fieldset { border: 1px solid var(--line); border-radius: 8px; margin: 1rem 0 0.75rem; padding: 0.5rem 1rem; }
.consent-options legend { font-weight: 700; padding: 0 0.25rem; }
.consent-purpose { display: flex; gap: 0.6rem; align-items: flex-start; padding: 0.5rem 0; cursor: pointer; }
.consent-purpose input { width: 1.25rem; height: 1.25rem; margin-top: 0.15rem; accent-color: var(--brand); flex: none; }

/* Creative Concierge: a bottom sheet on phones, a centred dialog on larger screens. */
.has-modal { overflow: hidden; }
.concierge-backdrop { position: fixed; inset: 0; z-index: 50; background: rgba(20, 16, 40, 0.6); }
.concierge {
  position: fixed; z-index: 51; left: 0; right: 0; bottom: 0; max-height: 92vh; overflow: auto;
  background: var(--surface); border-radius: 18px 18px 0 0; padding: 1rem 1rem 1.25rem; box-shadow: 0 -8px 40px rgba(20, 16, 40, 0.3);
  animation: concierge-in 0.22s ease-out;
}
.concierge:focus { outline: none; }
.concierge-head { display: flex; align-items: center; justify-content: space-between; gap: 1rem; }
.concierge-head h2 { margin: 0; }
.concierge-intro { color: var(--muted); }
.concierge-cards { display: grid; gap: var(--gap); grid-template-columns: 1fr; }
.concierge-cards[aria-busy="true"] { opacity: 0.6; }
.concierge-card { display: flex; flex-direction: column; gap: 0.5rem; }
.concierge-card-title { margin: 0; font-size: 0.8rem; text-transform: uppercase; letter-spacing: 0.08em; color: var(--brand); }
.concierge-slot .aura-items { grid-template-columns: 1fr; }
.concierge-slot .aura-item { flex-direction: row; }
.concierge-slot .aura-link { flex-direction: row; flex-wrap: wrap; align-content: flex-start; padding: 0.5rem; gap: 0.2rem 0.75rem; }
.concierge-slot .aura-image { width: 88px; flex: 0 0 88px; margin: 0; border-radius: 8px; }
.concierge-slot .aura-title, .concierge-slot .aura-callout, .concierge-slot .aura-price { padding: 0; flex: 1 1 calc(100% - 100px); }
.concierge-slot .aura-action { align-self: center; margin: 0 0.5rem 0 0; padding: 0 0.9rem; }
.concierge-advanced { margin-top: 1rem; padding: 1rem; border-radius: var(--radius); background: var(--brand-soft); }
.concierge-advanced h3 { margin-bottom: 0.75rem; }
.concierge-advanced-fields { display: flex; flex-wrap: wrap; align-items: flex-end; gap: 0.75rem 1rem; }
.concierge-note { color: var(--muted); font-size: 0.95rem; margin: 0.75rem 0 0; min-height: 1.5em; }
.concierge-foot { display: flex; flex-wrap: wrap; gap: 0.5rem; justify-content: flex-end; margin-top: 0.5rem; }
@keyframes concierge-in { from { transform: translateY(24px); opacity: 0; } to { transform: none; opacity: 1; } }

/* Checkout Assistant: a sidebar on wide screens, a full-height sheet on phones. */
.assistant-toggle {
  position: fixed; right: 1rem; bottom: calc(1rem + var(--consent-height)); z-index: 30; min-height: 48px; padding: 0.6rem 1.2rem;
  border-radius: 999px; border: 0; background: var(--ink); color: #fff; font: inherit; font-weight: 700; cursor: pointer;
  box-shadow: 0 6px 20px rgba(29, 27, 46, 0.3);
}
/* Room below the last control, so the floating button never covers it. */
body:has(#assistant-toggle) main { padding-bottom: 6rem; }
.assistant-toggle:hover { background: var(--brand-dark); }
.assistant-toggle[aria-expanded="true"] { display: none; }
.assistant {
  position: fixed; z-index: 45; top: 0; right: 0; bottom: 0; width: min(400px, 100%); display: flex; flex-direction: column;
  background: var(--surface); border-left: 1px solid var(--line); box-shadow: -8px 0 32px rgba(29, 27, 46, 0.2); padding: 1rem;
}
.assistant-head { display: flex; align-items: center; justify-content: space-between; }
.assistant-head h2 { margin: 0; font-size: 1.2rem; }
.assistant-disclosure { font-size: 0.85rem; color: var(--muted); border-left: 3px solid var(--brand); padding-left: 0.6rem; }
.assistant-log { flex: 1; overflow-y: auto; display: flex; flex-direction: column; gap: 0.6rem; padding: 0.25rem; }
.assistant-message { max-width: 92%; padding: 0.6rem 0.8rem; border-radius: 14px; font-size: 0.95rem; }
.assistant-message p:last-child { margin-bottom: 0; }
.assistant-message--bot { background: var(--canvas); align-self: flex-start; border-bottom-left-radius: 4px; }
.assistant-message--user { background: var(--brand); color: #fff; align-self: flex-end; border-bottom-right-radius: 4px; }
.assistant-message ul.assistant-reasons { padding-left: 1.1rem; margin: 0.4rem 0; }
.assistant-message .aura-items { grid-template-columns: 1fr; gap: 0.5rem; margin-top: 0.5rem; }
.assistant-message .aura-item { flex-direction: row; align-items: center; box-shadow: none; border: 1px solid var(--line); }
.assistant-message .aura-link { flex-direction: row; flex-wrap: wrap; padding: 0.4rem; gap: 0 0.5rem; }
.assistant-message .aura-image { width: 56px; flex: 0 0 56px; margin: 0; border-radius: 6px; }
.assistant-message .aura-title, .assistant-message .aura-callout, .assistant-message .aura-price { padding: 0; flex: 1 1 calc(100% - 64px); }
.assistant-message .aura-action { margin: 0 0.4rem 0 0; padding: 0 0.75rem; font-size: 0.9rem; }
.assistant-suggestions { display: flex; gap: 0.4rem; padding: 0.5rem 0; overflow-x: auto; scrollbar-width: thin; }
.assistant-suggestions .chip { flex: none; }
.assistant-suggestions .chip { font-size: 0.85rem; min-height: 36px; }
.assistant-form label { font-weight: 600; font-size: 0.9rem; }
.assistant-form-row { display: flex; gap: 0.5rem; margin-top: 0.25rem; }
.assistant-form input { flex: 1; min-width: 0; }

@media (min-width: 640px) {
  .aura-items { grid-template-columns: repeat(3, minmax(0, 1fr)); }
  .category-tiles ul { grid-template-columns: repeat(2, 1fr); }
  .guides-strip .aura-items { grid-template-columns: repeat(2, 1fr); }
  .concierge {
    left: 50%; top: 50%; bottom: auto; right: auto; transform: translate(-50%, -50%); width: min(960px, 94vw);
    border-radius: 18px; padding: 1.5rem; animation-name: concierge-fade;
  }
  .concierge-cards { grid-template-columns: repeat(3, minmax(0, 1fr)); }
  .concierge-slot .aura-item { flex-direction: column; }
  .concierge-slot .aura-link { flex-direction: column; padding: 0 0 0.75rem; }
  .concierge-slot .aura-image { width: 100%; flex: none; margin-bottom: 0.5rem; border-radius: 0; }
  .concierge-slot .aura-title, .concierge-slot .aura-callout, .concierge-slot .aura-price { padding: 0 0.75rem; flex: none; }
  .concierge-slot .aura-action { align-self: stretch; margin: 0 0.75rem 0.75rem; }
  .aura-hero { padding: 2.5rem 2.25rem; }
  .upsell .aura-item { grid-template-columns: 1fr auto; gap: 0.5rem; }
  .cart-line { grid-template-columns: 72px 1fr auto; gap: 0.75rem; }
  .cart-line img { width: 72px; }
  .assistant-suggestions { flex-wrap: wrap; overflow: visible; }
}
@keyframes concierge-fade { from { opacity: 0; } to { opacity: 1; } }
@media (min-width: 900px) {
  .aura-items { grid-template-columns: repeat(4, minmax(0, 1fr)); }
  .hero { grid-template-columns: minmax(0, 5fr) minmax(0, 7fr); align-items: stretch; }
  .hero > .aura-hero { display: flex; flex-direction: column; justify-content: center; align-items: flex-start; }
  .hero > .aura-items:only-child { grid-column: 1 / -1; }
  .hero .aura-items { grid-template-columns: repeat(3, minmax(0, 1fr)); overflow: visible; align-items: start; }
  .category-tiles ul { grid-template-columns: repeat(5, 1fr); }
  .guides-strip .aura-items { grid-template-columns: repeat(4, 1fr); }
  .guides-strip .aura-item, .guides-strip .aura-link { flex-direction: column; }
  .guides-strip .aura-link { flex-wrap: nowrap; padding: 0 0 0.75rem; gap: 0.2rem; }
  .guides-strip .aura-image { width: 100%; flex: none; border-radius: 0; margin-bottom: 0.5rem; }
  .guides-strip .aura-title, .guides-strip .aura-callout, .guides-strip .aura-price { flex: none; padding: 0 0.75rem; }
  .product { grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); padding: 1.5rem; }
  .guide { padding: 2.5rem; }
  .checkout-layout { grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); }
  .carousel .aura-item { flex-basis: calc((100% - 3 * var(--gap)) / 4.3); }
}

/* Respect the shopper's motion preference: no pulsing badge, no sliding dialog, no smooth scrolling. */
@media (prefers-reduced-motion: reduce) {
  *, *::before, *::after { animation-duration: 0.01ms !important; animation-iteration-count: 1 !important; transition-duration: 0.01ms !important; scroll-behavior: auto !important; }
}
@media (forced-colors: active) {
  .aura-item, .concierge, .assistant, .consent { border: 1px solid CanvasText; }
}
`;
