// Auto-wiring of rendered slots (`data-aura-slot`, filled with `data-aura-request`, holding `data-aura-item`s):
// an impression once per (request, item) when half the item is in view, and the clicks and add-to-carts that
// the bandit learns from. The CDN renders slots server-side; the storefront may render more at any time.

export type ItemOutcome = "impression" | "click" | "add_to_cart";

/** `requestId` is null for a slot not yet filled: the action is still a clickstream event, but not feedback. */
export type ItemReport = (outcome: ItemOutcome, requestId: string | null, itemId: string, position?: number) => void;

export interface SlotWiring {
  wire(root: ParentNode): void;
  /** Wires the document and keeps wiring what is added or filled later. */
  watch(): void;
}

const ITEM = "data-aura-item";
const SLOT = "data-aura-slot";
const REQUEST = "data-aura-request";
/** Slightly under 0.5: browsers may report a crossing of the 0.5 threshold as 0.4999. */
const HALF_VISIBLE = 0.499;

const requestOf = (item: Element): string | null => item.closest(`[${SLOT}]`)?.getAttribute(REQUEST) || null;

/** From the item or the card around it: the CDN's add-to-cart button repeats the item id but not the position. */
function positionOf(item: Element): number | undefined {
  const position = Number.parseInt(item.closest("[data-aura-position]")?.getAttribute("data-aura-position") ?? "", 10);
  return position >= 0 ? position : undefined;
}

export function createSlotWiring(report: ItemReport): SlotWiring {
  /** The request and item an element was last wired for: a slot refilled with a new request wires again. */
  const wiredFor = new WeakMap<Element, string>();
  const impressed = new Set<string>();
  let visibility: IntersectionObserver | undefined;
  let listening = false;

  function impression(item: Element) {
    const requestId = requestOf(item);
    const itemId = item.getAttribute(ITEM);
    if (!requestId || !itemId || impressed.has(`${requestId} ${itemId}`)) return;
    impressed.add(`${requestId} ${itemId}`);
    visibility?.unobserve(item);
    report("impression", requestId, itemId, positionOf(item));
  }

  // One capturing listener on the document sees every item's clicks, wherever and whenever it was rendered,
  // before the storefront's own handlers can navigate or stop the event. composedPath reaches into open
  // shadow roots, which a delegated `closest` from the retargeted target could not.
  function onClick(event: Event) {
    let link = false;
    let addToCart = false;
    for (const node of event.composedPath()) {
      if (!("getAttribute" in node)) continue;
      const element = node as Element;
      addToCart ||= element.getAttribute("data-aura-action") === "add_to_cart";
      link ||= element.matches("a[href]");
      const itemId = element.getAttribute(ITEM);
      if (itemId === null) continue;
      if (addToCart || link) report(addToCart ? "add_to_cart" : "click", requestOf(element), itemId, positionOf(element));
      return;
    }
  }

  function wire(root: ParentNode) {
    if (!listening) {
      listening = true;
      document.addEventListener("click", onClick, true);
    }
    if (!visibility && typeof IntersectionObserver === "function") {
      visibility = new IntersectionObserver(
        (entries) => {
          for (const entry of entries) if (entry.isIntersecting && entry.intersectionRatio >= HALF_VISIBLE) impression(entry.target);
        },
        { threshold: 0.5 },
      );
    }
    root.querySelectorAll(`[${ITEM}]`).forEach((item) => {
      const requestId = requestOf(item);
      const key = `${requestId} ${item.getAttribute(ITEM)}`;
      // An item inside an item (the add-to-cart button naming its card's item) is part of the card: half of
      // the button in view is not half of the card.
      if (!requestId || wiredFor.get(item) === key || item.parentElement?.closest(`[${ITEM}]`)) return;
      wiredFor.set(item, key);
      // An item is unobserved once impressed; observing it for a new request makes the browser report its
      // current visibility again, even if it never left the view.
      if (visibility) visibility.observe(item);
      else impression(item);
    });
  }

  return {
    wire,
    watch() {
      wire(document);
      if (typeof MutationObserver !== "function") return;
      new MutationObserver((mutations) => {
        if (mutations.some((mutation) => mutation.type === "attributes" || mutation.addedNodes.length)) wire(document);
      }).observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: [SLOT, REQUEST, ITEM] });
    },
  };
}
