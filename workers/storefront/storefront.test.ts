// The demo storefront as the CDN proxy and a shopper's browser see it: every page, its slots and meta tags,
// its caching, its assets, and that nothing from the catalog can turn into markup.
import { describe, expect, it } from "vitest";
import { demoCatalog } from "../../shared/catalog/demo";
import type { Item } from "../../shared/catalog/item";
import { createStorefrontApp, storefrontApp } from "./app";
import { palette } from "./assets/css";
import { STOREFRONT_JS } from "./assets/js";

async function page(path: string, app = storefrontApp): Promise<{ res: Response; body: string }> {
  const res = await app.request(path);
  return { res, body: await res.text() };
}

const slotOpening = (body: string, surface: string): string | undefined =>
  new RegExp(`<[a-z]+[^>]*data-aura-slot="${surface.replace(".", "\\.")}"[^>]*>`).exec(body)?.[0];

describe("every page", () => {
  const pages = [
    ["/", "index"],
    ["/products/p122", "product"],
    ["/guides/c101", "guide"],
    ["/guides", "collection"],
    ["/collections/photo", "collection"],
    ["/cart", "cart"],
    ["/checkout", "checkout"],
  ] as const;

  it.each(pages)("%s is 200 HTML with its page type, the SDK and then storefront.js", async (path, pageType) => {
    const { res, body } = await page(path);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(body.startsWith("<!doctype html>")).toBe(true);
    expect(body).toContain(`<meta name="aura:page-type" content="${pageType}">`);
    const sdk = body.indexOf('<script src="/sdk.js" defer></script>');
    const storefront = body.indexOf('<script src="/assets/storefront.js" defer></script>');
    expect(sdk).toBeGreaterThan(0);
    expect(storefront).toBeGreaterThan(sdk);
    expect(body).toContain('<main id="main"');
    expect(body).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it.each(pages)("%s carries the Creative Concierge dialog and the consent banner", async (path) => {
    const { body } = await page(path);
    expect(body).toMatch(/<div id="concierge" class="concierge" role="dialog" aria-modal="true" aria-labelledby="concierge-title"[^>]*hidden>/);
    expect(body).toContain('id="concierge-title"');
    expect(body).toContain('id="consent-banner"');
    for (const label of ["Accept all", "Essential only", "Customize"]) expect(body).toContain(`>${label}</button>`);
    for (const purpose of ["analytics", "personalization", "marketing"]) expect(body).toContain(`value="${purpose}"`);
  });

  it("catalog pages may be cached by the CDN for a minute; the cart and checkout never", async () => {
    for (const path of ["/", "/products/p122", "/guides/c101", "/collections/vector"]) {
      expect((await page(path)).res.headers.get("cache-control")).toBe("public, max-age=60");
    }
    for (const path of ["/cart", "/checkout"]) {
      expect((await page(path)).res.headers.get("cache-control")).toBe("private, no-store");
    }
  });
});

describe("the homepage", () => {
  it("has a hero slot with fallback hero content and items", async () => {
    const { body } = await page("/");
    expect(slotOpening(body, "homepage.hero")).toContain('class="hero"');
    const hero = body.slice(body.indexOf('data-aura-slot="homepage.hero"'), body.indexOf("</section>", body.indexOf('data-aura-slot="homepage.hero"')));
    expect(hero).toContain('class="aura-hero aura-hero--inspiration"');
    expect(hero).toContain('<h2 class="aura-hero-headline">');
    expect(hero).toContain('class="aura-hero-cta aura-link"');
    expect(hero.match(/class="aura-item"/g)).toHaveLength(3);
  });

  it("has a carousel slot with fallback cards and labelled prev/next buttons outside it", async () => {
    const { body } = await page("/");
    const opening = slotOpening(body, "homepage.carousel");
    expect(opening).toBeDefined();
    const slotStart = body.indexOf(opening!);
    const carouselStart = body.lastIndexOf("data-carousel>", slotStart);
    const controls = body.slice(carouselStart, slotStart);
    expect(controls).toMatch(/<button type="button" class="carousel-button" data-carousel-prev aria-label="Previous: [^"]+">/);
    expect(controls).toMatch(/<button type="button" class="carousel-button" data-carousel-next aria-label="Next: [^"]+">/);
    const slot = body.slice(slotStart, body.indexOf("</section>", slotStart));
    expect(slot.match(/class="aura-item"/g)).toHaveLength(8);
  });

  it("has a guides strip and category navigation", async () => {
    const { body } = await page("/");
    expect(slotOpening(body, "content.guides")).toBeDefined();
    expect(body).toContain('<nav class="category-nav" aria-label="Shop by category">');
    for (const category of ["photo", "vector", "bundle", "pro_gear", "tutorial"]) expect(body).toContain(`href="/collections/${category}"`);
  });

  it("renders fallback items in the markup contract shared with the CDN renderer", async () => {
    const { body } = await page("/");
    const item = /<li class="aura-item" data-aura-item="(p\d{3})" data-aura-position="1">\s*<a class="aura-link" href="\/products\/\1"><img class="aura-image" src="\/assets\/img\/\1\.svg" alt="" width="320" height="240" loading="(eager|lazy)">\s*<span class="aura-title">[^<]+<\/span><span class="aura-callout">[^<]+<\/span><span class="aura-price">\$\d+<\/span><\/a>\s*<button type="button" class="aura-action" data-aura-action="add_to_cart" data-aura-item="\1">Add to cart<\/button>\s*<\/li>/;
    expect(body).toMatch(item);
  });

  it("shows no consent-gated, age-gated, out-of-stock or region-locked item in cached fallbacks", async () => {
    const { body } = await page("/");
    const shown = [...body.matchAll(/data-aura-item="([^"]+)" data-aura-position/g)].map((m) => m[1]);
    const byId = new Map(demoCatalog().map((item) => [item.id, item]));
    for (const id of shown) {
      const item = byId.get(id!)!;
      expect(item.policy_flags).toEqual([]);
      expect(item.inventory).not.toBe(0);
      expect(item.jurisdictions).toEqual([]);
    }
  });
});

describe("product pages", () => {
  it("show the product, an add-to-cart button and the related slot anchored on it", async () => {
    const { body } = await page("/products/p122");
    expect(body).toContain('<h1 id="product-title">Vector Starter Bundle</h1>');
    expect(body).toContain('class="button button--primary button--large" data-aura-action="add_to_cart" data-aura-item="p122"');
    expect(slotOpening(body, "product.related")).toContain('data-aura-context-product="p122"');
    expect(body).toContain('<meta name="aura:product-id" content="p122">');
  });

  it("redirect a catalog slug to the id URL", async () => {
    const res = await storefrontApp.request("/products/vector-starter-bundle");
    expect(res.status).toBe(301);
    expect(res.headers.get("location")).toBe("/products/p122");
  });

  it("answer an unknown product with a 404 page that still helps", async () => {
    const { res, body } = await page("/products/p999");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(body).toContain("We could not find that product");
    expect(body).toContain('class="aura-item"');
  });

  it("disable add to cart on a sold-out product", async () => {
    const soldOut = demoCatalog().find((item) => item.inventory === 0)!;
    const { body } = await page(`/products/${soldOut.id}`);
    expect(body).toContain(">Sold out</button>");
    expect(body).not.toContain(`data-aura-action="add_to_cart" data-aura-item="${soldOut.id}"`);
  });

  it("do not serve a guide under /products", async () => {
    expect((await storefrontApp.request("/products/c101")).status).toBe(404);
  });
});

describe("guides and collections", () => {
  it("a guide shows its paragraphs and a content.guides slot", async () => {
    const guide = demoCatalog().find((item) => item.id === "c101")!;
    const { body } = await page("/guides/c101");
    expect(body).toContain(`<h1 id="guide-title">${guide.title}</h1>`);
    expect(body.match(/<div class="guide-body">[\s\S]*?<\/div>/)![0].match(/<p>/g)!.length).toBe(guide.body.split(/\n{2,}/).length);
    expect(slotOpening(body, "content.guides")).toBeDefined();
  });

  it("an unknown guide or category is a 404", async () => {
    expect((await storefrontApp.request("/guides/c999")).status).toBe(404);
    expect((await storefrontApp.request("/collections/socks")).status).toBe(404);
    expect((await storefrontApp.request("/no/such/page")).status).toBe(404);
  });

  it("a collection lists its category, filtered by skill and sorted by price", async () => {
    const { body } = await page("/collections/photo?skill=beginner&sort=price_asc");
    const catalog = new Map(demoCatalog().map((item) => [item.id, item]));
    // The listing only: the concierge dialog on every page has its own cards.
    const listing = body.slice(body.indexOf('<div class="grid">'), body.indexOf('<footer class="site-footer">'));
    const ids = [...listing.matchAll(/data-aura-item="([^"]+)" data-aura-position/g)].map((m) => m[1]!);
    expect(ids.length).toBeGreaterThan(5);
    const items = ids.map((id) => catalog.get(id)!);
    expect(items.every((item) => item.category === "photo" && item.skill_level === "beginner")).toBe(true);
    const prices = items.map((item) => item.price);
    expect(prices).toEqual([...prices].sort((a, b) => a - b));
  });

  it("a collection ignores filter values it does not know", async () => {
    const { res, body } = await page("/collections/vector?skill=wizard&sort=%3Cscript%3E");
    expect(res.status).toBe(200);
    expect(body).not.toContain("<script>");
    expect(body).toContain('<option value="popular" selected>');
  });
});

describe("cart and checkout", () => {
  it("the cart page is a shell storefront.js fills, with an upsell slot and the assistant", async () => {
    const { body } = await page("/cart");
    expect(body).toContain("data-cart-lines");
    expect(slotOpening(body, "checkout.upsell")).toBeDefined();
    expect(body).toContain('<button type="button" id="assistant-toggle"');
  });

  it("checkout offers recommended add-ons in the checkout.upsell slot and a labelled assistant", async () => {
    const { body } = await page("/checkout");
    expect(slotOpening(body, "checkout.upsell")).toContain('class="upsell"');
    expect(body).toContain('<button type="button" id="assistant-toggle" class="assistant-toggle" aria-expanded="false" aria-controls="assistant">Need help?</button>');
    expect(body).toContain('role="log" aria-live="polite"');
    expect(body).toContain('<label for="assistant-input">');
    expect(body).toContain("with Claude (an AI model) when the shop has enabled it, otherwise with simple rules");
    expect(body).toContain("data-checkout-form");
  });

  it("catalog pages have no assistant", async () => {
    expect((await page("/")).body).not.toContain('id="assistant-toggle"');
  });
});

describe("assets", () => {
  it("serves the stylesheet and the script with their types and a five-minute cache", async () => {
    const css = await storefrontApp.request("/assets/storefront.css");
    expect(css.headers.get("content-type")).toBe("text/css; charset=utf-8");
    expect(css.headers.get("cache-control")).toBe("public, max-age=300");
    const sheet = await css.text();
    for (const selector of [".aura-items", ".aura-item", ".aura-hero--urgency", ".aura-hero--inspiration", ".aura-hero--beginner", "scroll-snap-type", "prefers-reduced-motion", ":focus-visible"]) {
      expect(sheet).toContain(selector);
    }
    const js = await storefrontApp.request("/assets/storefront.js");
    expect(js.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(js.headers.get("cache-control")).toBe("public, max-age=300");
    expect(await js.text()).toBe(STOREFRONT_JS);
  });

  it("the script starts the SDK, guards it, and keeps the answer(question, cart) seam", () => {
    expect(STOREFRONT_JS).toContain("aura.init()");
    expect(STOREFRONT_JS).toContain('"aura_demo_cart"');
    expect(STOREFRONT_JS).toContain('track("add_to_cart", { product_id: id })');
    expect(STOREFRONT_JS).toContain("function answer(question, cart)");
    expect(STOREFRONT_JS).toContain('rank("homepage.hero", { limit: filtered ? 20 : offset + 2 })');
    // Template literal leftovers would mean the String.raw source was mangled.
    expect(STOREFRONT_JS).not.toContain("${");
    expect(STOREFRONT_JS).not.toContain("innerHTML");
  });

  it("serves catalog facts for the browser without business data", async () => {
    const res = await storefrontApp.request("/assets/catalog.json");
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const body = (await res.json()) as { items: Record<string, unknown>[] };
    expect(body.items).toHaveLength(demoCatalog().length);
    expect(body.items[0]).toHaveProperty("skill_level");
    for (const secret of ["margin", "inventory", "popularity", "trend"]) expect(body.items[0]).not.toHaveProperty(secret);
  });
});

/** Enough of an XML check for our generated SVG: one root, every tag closed in order, attributes quoted. */
function expectWellFormed(svg: string): void {
  const stack: string[] = [];
  for (const match of svg.matchAll(/<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g)) {
    const [, closing, name, , selfClosing] = match;
    if (closing) expect(stack.pop()).toBe(name);
    else if (!selfClosing) stack.push(name!);
  }
  expect(stack).toEqual([]);
  // Every "<" must have been part of a tag the pattern accepted.
  const tags = svg.match(/<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g)!.join("");
  expect(tags.split("<").length).toBe(svg.split("<").length);
}

describe("item illustrations", () => {
  it("are valid SVG with the title's initials, the same on every request", async () => {
    const first = await storefrontApp.request("/assets/img/p122.svg");
    expect(first.status).toBe(200);
    expect(first.headers.get("content-type")).toBe("image/svg+xml");
    const svg = await first.text();
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain(">VS</text>");
    expectWellFormed(svg);
    expect(await (await storefrontApp.request("/assets/img/p122.svg")).text()).toBe(svg);
  });

  it("differ in colour between items", async () => {
    const colour = async (id: string) => /stop-color="(#[0-9a-f]{6})"/.exec(await (await storefrontApp.request(`/assets/img/${id}.svg`)).text())![1];
    const colours = new Set(await Promise.all(["p001", "p002", "p003", "p004", "c101"].map(colour)));
    expect(colours.size).toBeGreaterThan(3);
  });

  it("draw a neutral placeholder for an id the catalog does not know, and refuse malformed names", async () => {
    const unknown = await storefrontApp.request("/assets/img/p_new_upload.svg");
    expect(unknown.status).toBe(200);
    expectWellFormed(await unknown.text());
    expect((await storefrontApp.request("/assets/img/p122.png")).status).toBe(404);
    expect((await storefrontApp.request("/assets/img/%3Cscript%3E.svg")).status).toBe(404);
  });
});

describe("escaping", () => {
  const hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>';
  const catalog = (): Item[] =>
    demoCatalog().map((item) =>
      item.id === "p122" || item.id === "c101"
        ? { ...item, title: `${hostile} & "quotes"`, summary: hostile, body: item.kind === "content" ? `${hostile}\n\nSecond paragraph` : item.body }
        : item,
    );
  const app = createStorefrontApp(catalog);

  it("renders a hostile product title and summary inert on every page that shows it", async () => {
    for (const path of ["/products/p122", "/", "/collections/bundle", "/guides/c101", "/products/p121"]) {
      const { body } = await page(path, app);
      expect(body).not.toContain("<script>alert");
      expect(body).not.toContain("<img src=x");
    }
    const { body } = await page("/products/p122", app);
    expect(body).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot;");
    expect(body).toContain('<meta name="description" content="&lt;script&gt;');
  });

  it("renders a hostile title inert in its illustration", async () => {
    const res = await app.request("/assets/img/p122.svg");
    const svg = await res.text();
    expect(svg).not.toContain("<script");
    expectWellFormed(svg);
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
  });

  it("keeps the hostile title out of the concierge fallback cards too", async () => {
    const { body } = await page("/cart", app);
    expect(body).not.toContain("<script>alert");
  });
});

/** WCAG relative luminance and contrast ratio. */
function contrast(foreground: string, background: string): number {
  const luminance = (hex: string) => {
    const [r, g, b] = [1, 3, 5].map((i) => {
      const c = parseInt(hex.slice(i, i + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  };
  const [a, b] = [luminance(foreground), luminance(background)].sort((x, y) => y - x);
  return (a! + 0.05) / (b! + 0.05);
}

describe("colour contrast", () => {
  const white = "#ffffff";
  it.each([
    ["body text", palette.ink, palette.canvas],
    ["muted text", palette.muted, palette.surface],
    ["muted text on the page", palette.muted, palette.canvas],
    ["links and callouts", palette.brand, palette.surface],
    ["buttons", white, palette.brand],
    ["hover buttons", white, palette.brandDark],
    ["urgency hero", white, palette.urgent],
    ["urgency badge", palette.urgentDark, palette.urgentCta],
    ["beginner hero", palette.beginnerInk, palette.beginner],
    ["badges", palette.brandDark, palette.brandSoft],
    ["in stock", palette.success, palette.surface],
    ["sold out", palette.urgent, palette.surface],
  ])("%s is at least 4.5:1", (_, foreground, background) => {
    expect(contrast(foreground, background)).toBeGreaterThanOrEqual(4.5);
  });
});
