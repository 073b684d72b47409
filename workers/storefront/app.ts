// The built-in demo storefront: the origin aura personalizes when no ORIGIN_URL is configured. The CDN proxy
// calls it in-process and fills its `data-aura-slot` elements; everything here is the non-personalized page.
import { Hono, type Context, type MiddlewareHandler } from "hono";
import { demoCatalog } from "../../shared/catalog/demo";
import type { Item } from "../../shared/catalog/item";
import { STOREFRONT_CSS } from "./assets/css";
import { STOREFRONT_JS } from "./assets/js";
import { StorefrontCatalog, itemPath, storefrontCategories } from "./catalog";
import { FAVICON_SVG, itemIllustration } from "./images";
import { cartPage, checkoutPage } from "./pages/cart";
import { CollectionQuery, collectionPage } from "./pages/collection";
import { guidePage, guidesIndexPage } from "./pages/guide";
import { homePage } from "./pages/home";
import { renderPage, STORE_NAME, type PageShell } from "./pages/layout";
import { errorPage, notFoundPage } from "./pages/not-found";
import { productPage } from "./pages/product";

export type StorefrontEnv = { Bindings: Env };

/** Catalog pages are the same for everyone in a segment, so the CDN may keep them briefly. */
const PUBLIC_PAGE = "public, max-age=60";
/** Cart and checkout belong to one shopper and must never be cached or shared. */
const PRIVATE_PAGE = "private, no-store";
const ASSET_CACHE = "public, max-age=300";
/** Illustrations only change when an item's title does. */
const IMAGE_CACHE = "public, max-age=86400";

const imageFile = /^([A-Za-z0-9_.:-]{1,64})\.svg$/;

function securityHeaders(): MiddlewareHandler<StorefrontEnv> {
  return async function storefrontSecurityHeaders(c, next) {
    await next();
    c.res.headers.set("x-content-type-options", "nosniff");
    c.res.headers.set("referrer-policy", "strict-origin-when-cross-origin");
  };
}

/**
 * A storefront over any catalog; tests inject one (a hostile title, say). The catalog is built once per
 * isolate on first use, not at import, so importing the app costs nothing.
 */
export function createStorefrontApp(loadItems: () => readonly Item[] = demoCatalog): Hono<StorefrontEnv> {
  let catalog: StorefrontCatalog | undefined;
  const storefront = (): StorefrontCatalog => (catalog ??= new StorefrontCatalog(loadItems()));

  const page = (c: Context<StorefrontEnv>, shell: PageShell, cacheControl: string, status: 200 | 404 | 500 = 200): Response => {
    c.header("cache-control", cacheControl);
    return c.html(renderPage(storefront(), shell), status);
  };
  const notFound = (c: Context<StorefrontEnv>, what: string): Response =>
    page(c, { title: "Not found", description: `That ${what} is not in the shop.`, pageType: "index", main: notFoundPage(storefront(), what) }, PUBLIC_PAGE, 404);

  const app = new Hono<StorefrontEnv>();
  app.use("*", securityHeaders());

  app.get("/", (c) =>
    page(c, { title: STORE_NAME, description: "Presets, vector packs, starter bundles, courses and pro gear for photographers and illustrators.", pageType: "index", main: homePage(storefront()) }, PUBLIC_PAGE),
  );

  app.get("/products/:id", (c) => {
    const requested = c.req.param("id");
    const item = storefront().find("product", requested);
    if (!item) return notFound(c, "product");
    // Catalog URLs use slugs; one canonical URL per product keeps the CDN cache and analytics unsplit.
    if (item.id !== requested) {
      c.header("cache-control", PUBLIC_PAGE);
      return c.redirect(itemPath(item), 301);
    }
    return page(c, { title: item.title, description: item.summary, pageType: "product", main: productPage(storefront(), item), canonicalPath: itemPath(item), currentNav: item.category, productId: item.id, category: item.category }, PUBLIC_PAGE);
  });

  app.get("/guides", (c) =>
    page(c, { title: "Guides and tutorials", description: "Free guides and tutorials for photographers, illustrators and creative shops.", pageType: "collection", main: guidesIndexPage(storefront()), currentNav: "guides", category: "guide" }, PUBLIC_PAGE),
  );

  app.get("/guides/:id", (c) => {
    const requested = c.req.param("id");
    const guide = storefront().find("content", requested);
    if (!guide) return notFound(c, "guide");
    if (guide.id !== requested) {
      c.header("cache-control", PUBLIC_PAGE);
      return c.redirect(itemPath(guide), 301);
    }
    return page(c, { title: guide.title, description: guide.summary, pageType: "guide", main: guidePage(storefront(), guide), canonicalPath: itemPath(guide), currentNav: "guides", category: guide.category }, PUBLIC_PAGE);
  });

  app.get("/collections/:category", (c) => {
    const category = storefrontCategories.find((info) => info.id === c.req.param("category"));
    if (!category) return notFound(c, "collection");
    const query = CollectionQuery.parse(c.req.query());
    return page(c, { title: category.label, description: category.blurb, pageType: "collection", main: collectionPage(storefront(), category, query), currentNav: category.id, category: category.id }, PUBLIC_PAGE);
  });

  app.get("/cart", (c) => page(c, { title: "Your cart", description: "The products in your cart.", pageType: "cart", main: cartPage(storefront()), currentNav: "cart", assistant: true }, PRIVATE_PAGE));

  app.get("/checkout", (c) => page(c, { title: "Checkout", description: "Check out with recommended add-ons.", pageType: "checkout", main: checkoutPage(storefront()), assistant: true }, PRIVATE_PAGE));

  app.get("/assets/storefront.css", (c) => asset(c, STOREFRONT_CSS, "text/css; charset=utf-8", ASSET_CACHE));
  app.get("/assets/storefront.js", (c) => asset(c, STOREFRONT_JS, "text/javascript; charset=utf-8", ASSET_CACHE));
  app.get("/assets/favicon.svg", (c) => asset(c, FAVICON_SVG, "image/svg+xml", IMAGE_CACHE));

  // The facts storefront.js needs for a cart kept in localStorage (titles, prices, skill levels), in one cacheable file.
  app.get("/assets/catalog.json", (c) => {
    c.header("cache-control", ASSET_CACHE);
    return c.json({ items: [...storefront().products, ...storefront().guides].map(catalogFacts) });
  });

  app.get("/assets/img/:file", (c) => {
    const match = imageFile.exec(c.req.param("file"));
    if (!match) return notFound(c, "image");
    const id = match[1]!;
    const response = asset(c, itemIllustration(id, storefront().findById(id)), "image/svg+xml", IMAGE_CACHE);
    // An SVG opened on its own is a document: forbid scripts in it, whatever a title might hold.
    response.headers.set("content-security-policy", "default-src 'none'; style-src 'unsafe-inline'");
    return response;
  });

  // The catalog's own image URLs (/img/<slug>.jpg, what /v1/rank and the CDN's cards carry) resolve to the same
  // illustrations: this demo has no photos.
  app.get("/img/:file", (c) => {
    const slug = /^([a-z0-9-]{1,120})\.jpg$/.exec(c.req.param("file"))?.[1];
    const item = slug ? (storefront().find("product", slug) ?? storefront().find("content", slug)) : undefined;
    if (!item) return notFound(c, "image");
    const response = asset(c, itemIllustration(item.id, item), "image/svg+xml", IMAGE_CACHE);
    response.headers.set("content-security-policy", "default-src 'none'; style-src 'unsafe-inline'");
    return response;
  });

  app.notFound((c) => notFound(c, "page"));
  app.onError((err, c) => {
    console.error("storefront error", err instanceof Error ? err.message : String(err));
    return page(c, { title: "Something went wrong", description: "An error on our side.", pageType: "index", main: errorPage() }, "no-store", 500);
  });

  return app;
}

function asset(c: Context<StorefrontEnv>, body: string, contentType: string, cacheControl: string): Response {
  return c.body(body, 200, { "content-type": contentType, "cache-control": cacheControl });
}

/** What the browser may know about an item: no margins, inventory counts or popularity. */
export interface CatalogFacts {
  id: string;
  kind: Item["kind"];
  title: string;
  price: number;
  currency: string;
  category: string;
  skill_level: Item["skill_level"];
  tags: string[];
  sold_out: boolean;
}

function catalogFacts(item: Item): CatalogFacts {
  return { id: item.id, kind: item.kind, title: item.title, price: item.price, currency: item.currency, category: item.category, skill_level: item.skill_level, tags: item.tags, sold_out: item.inventory === 0 };
}

export const storefrontApp = createStorefrontApp();
