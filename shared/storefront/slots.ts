// Which elements of a storefront page the CDN rewriter looks at for slots. By default any element carrying
// data-aura-slot: lol-html then lexes the attributes of every tag of the page to find them, which on the
// benchmark's 100 KB page costs about as much as the rest of the rewriting. A deployment that names the
// elements its storefront puts slots on (PAGE_SLOT_ELEMENTS="section", as the built-in storefront does) has
// only those tags' attributes read (bench/README.md, "Page personalization").

export const SLOT_ATTRIBUTE = "data-aura-slot";
/** Set on a rendered slot (the same element): a cached page's slots are found by it to get fresh request ids. */
export const REQUEST_ATTRIBUTE = "data-aura-request";

/** Lower-case element names, custom elements included; nothing that would read as more selector (".", "#", "["). */
const ELEMENT_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

export interface SlotElements {
  /** The element names slots may be on; null: any element. */
  elements: readonly string[] | null;
  /** Entries that are not element names. Any of them makes the list void (any element), never a missed slot. */
  invalid: readonly string[];
}

/** PAGE_SLOT_ELEMENTS, comma-separated element names (case-insensitive); empty means any element. */
export function parseSlotElements(raw: string | undefined): SlotElements {
  const entries = (raw ?? "")
    .split(",")
    .map((e) => e.trim().toLowerCase())
    .filter((e) => e.length > 0);
  const invalid = entries.filter((e) => !ELEMENT_NAME.test(e));
  // A typo must not leave a slot unfilled: an invalid list falls back to looking everywhere (slower, still right).
  if (entries.length === 0 || invalid.length > 0) return { elements: null, invalid };
  return { elements: [...new Set(entries)], invalid };
}

/** One selector per allowed element for `attribute` (an element matches at most one of them), or one for any. */
export function selectorsFor(slots: SlotElements, attribute: string): string[] {
  return slots.elements ? slots.elements.map((e) => `${e}[${attribute}]`) : [`[${attribute}]`];
}
