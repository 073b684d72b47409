// The slot renderer: cards and hero creative from a rank answer, everything escaped, only safe URLs linked.
import { describe, expect, it } from "vitest";
import type { RankResponse } from "../api/schemas";
import { renderSlot, safeUrl } from "./render";

function answer(overrides: Partial<RankResponse> = {}): RankResponse {
  return {
    request_id: "req_1",
    surface: "homepage.hero",
    personalized: true,
    items: [
      { content_id: "p1", score: 0.9, propensity: 1, reason: "r", metadata: { title: "Golden <b>Hour</b>", url: "/products/golden-hour", image: "/img/golden.jpg", kind: "product", category: "photo", topics: [], price: 19, currency: "USD" } },
      { content_id: "c1", score: 0.5, propensity: 1, reason: "r", metadata: { title: "A guide", url: "//evil.example/x", image: "javascript:alert(1)", kind: "content", category: "guide", topics: [], price: 0, currency: "USD" } },
    ],
    segment: { id: "seg_buy_desktop_new", name: "n", persona: "shopper_pro", confidence: 0.8, intent: "buy", cold_start: false, fallback: false, holdout: false, decided_by: [], features: { intent: "buy", device_class: "desktop", recency: "new", price_sensitivity: "low", lifecycle: "new", customer_segment: null } },
    experiment: null,
    policy_version: "v",
    cache_ttl: 60,
    profile_status: "ok",
    ...overrides,
  };
}

describe("renderSlot", () => {
  it("renders escaped cards with the persona's callout, prices for products, and links only to safe URLs", () => {
    const { attributes, html } = renderSlot(answer());
    expect(attributes).toEqual({ "data-aura-request": "req_1", "data-aura-rendered": "server", "data-aura-segment": "seg_buy_desktop_new", "data-aura-persona": "shopper_pro" });
    expect(html).toContain('<li class="aura-item" data-aura-item="p1" data-aura-position="1"><a class="aura-link" href="/products/golden-hour">');
    expect(html).toContain("Golden &lt;b&gt;Hour&lt;/b&gt;");
    expect(html).toContain('<span class="aura-callout">Pro-grade pick</span>');
    expect(html).toContain('<span class="aura-price">$19</span>');
    expect(html).toContain('data-aura-action="add_to_cart" data-aura-item="p1"');
    // A protocol-relative link and a javascript: image are dropped; content has no price or cart button.
    expect(html).not.toContain("evil.example");
    expect(html).not.toContain("javascript:");
    expect(html).toContain('<span class="aura-link">');
    expect(html.match(/add_to_cart/g)!.length).toBe(1);
  });

  it("puts the experiment's creative on the hero, with an allowed style and escaped text", () => {
    const body = answer({ experiment: { id: "hero_creative", variant: "urgency", holdout: false, payload: { headline: "Ends <tonight>", sub: "30% off", cta: 'Shop "now"', style: "urgency" } } });
    const { attributes, html } = renderSlot(body);
    expect(attributes["data-aura-experiment"]).toBe("hero_creative");
    expect(attributes["data-aura-variant"]).toBe("urgency");
    expect(html.startsWith('<div class="aura-hero aura-hero--urgency" data-aura-item="p1" data-aura-position="1"><h2 class="aura-hero-headline">Ends &lt;tonight&gt;</h2>')).toBe(true);
    expect(html).toContain('<a class="aura-hero-cta aura-link" href="/products/golden-hour">Shop &quot;now&quot;</a>');
    const odd = renderSlot(answer({ experiment: { id: "e", variant: "v", holdout: false, payload: { headline: "Hi", style: 'x" onclick="alert(1)' } } }));
    expect(odd.html).toContain('class="aura-hero aura-hero--inspiration"');
  });

  it("renders a card the same way every time: its position and callout are the answer's, not an earlier one's", () => {
    const first = answer();
    const pro = renderSlot(first).html;
    // The same metadata objects (as decide.ts hands out per catalog item), in another order, for another persona.
    const swapped = answer({ items: [first.items[1]!, first.items[0]!], segment: { ...first.segment!, persona: "photo_first" } });
    const { html } = renderSlot(swapped);
    expect(html).toContain('<li class="aura-item" data-aura-item="c1" data-aura-position="1">');
    expect(html).toContain('<li class="aura-item" data-aura-item="p1" data-aura-position="2">');
    expect(html).toContain('<span class="aura-callout">Made for your photos</span>');
    expect(html).not.toContain("Pro-grade pick");
    // And the first answer again renders exactly as it did.
    expect(renderSlot(answer({ items: first.items })).html).toBe(pro);
    // Another item under the same metadata object gets its own id.
    const other = renderSlot(answer({ items: [{ ...first.items[0]!, content_id: "p2" }] })).html;
    expect(other).toContain('data-aura-item="p2"');
    expect(other).not.toContain('data-aura-item="p1"');
  });

  it("says nothing about the visitor when the answer is not personalized", () => {
    const { attributes, html } = renderSlot(answer({ personalized: false, segment: null }));
    expect(attributes["data-aura-persona"]).toBeUndefined();
    expect(html).toContain("Popular right now");
  });

  it("accepts same-site paths and http(s) URLs only", () => {
    expect(safeUrl("/a")).toBe("/a");
    expect(safeUrl("https://cdn.example/x.jpg")).toBe("https://cdn.example/x.jpg");
    for (const bad of ["//evil", "javascript:alert(1)", "data:text/html,x", " vbscript:x", ""]) expect(safeUrl(bad)).toBeNull();
  });
});
