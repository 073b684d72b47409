// Which elements the CDN rewriter reads for slots: the configured element names, or any element when the list is
// empty or holds anything that is not an element name (a typo must never leave a slot unfilled).
import { describe, expect, it } from "vitest";
import { parseSlotElements, selectorsFor, SLOT_ATTRIBUTE } from "./slots";

describe("parseSlotElements", () => {
  it("is any element when unset or empty", () => {
    for (const raw of [undefined, "", " , ,"]) expect(parseSlotElements(raw)).toEqual({ elements: null, invalid: [] });
  });

  it("takes element names, custom elements included, trimmed, lower-cased and once each", () => {
    expect(parseSlotElements(" Section, aura-slot ,section,DIV").elements).toEqual(["section", "aura-slot", "div"]);
  });

  it("falls back to any element, naming the culprits, when an entry is not an element name", () => {
    for (const bad of ["div.carousel", "section[data-x]", "#hero", "my slot", "1div", "aura-", "<section>", "*"]) {
      expect(parseSlotElements(`section,${bad}`), bad).toEqual({ elements: null, invalid: [bad.toLowerCase()] });
    }
  });
});

describe("selectorsFor", () => {
  it("is one selector per element, or the attribute alone for any element", () => {
    expect(selectorsFor(parseSlotElements("section,aura-slot"), SLOT_ATTRIBUTE)).toEqual(["section[data-aura-slot]", "aura-slot[data-aura-slot]"]);
    expect(selectorsFor(parseSlotElements(""), SLOT_ATTRIBUTE)).toEqual(["[data-aura-slot]"]);
    expect(selectorsFor(parseSlotElements("div.x"), SLOT_ATTRIBUTE)).toEqual(["[data-aura-slot]"]);
  });
});
