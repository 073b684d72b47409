// The lexicon is data: these checks keep it well-formed (severities, alphabet, templates) as it grows.
import { describe, it, expect } from "vitest";
import { compileLexicon, expandTemplate, LEXICON, SAFE_IDIOMS } from "./lexicon";
import { squeeze } from "./normalize";
import { BLOCK_SEVERITY, SAFETY_CATEGORIES } from "./screen";

describe("expandTemplate", () => {
  it("expands alternatives, optional tokens and slots", () => {
    expect(expandTemplate("kill you|u")).toEqual([["kill", "you"], ["kill", "u"]]);
    expect(expandTemplate("go back to your|ur? country")).toEqual([
      ["go", "back", "to", "your", "country"],
      ["go", "back", "to", "ur", "country"],
      ["go", "back", "to", "country"],
    ]);
    expect(expandTemplate("death to <groups>")).toContainEqual(["death", "to", "black", "people"]);
    expect(() => expandTemplate("<nope>")).toThrow(/unknown slot/);
  });
});

describe("the lexicon data", () => {
  it("uses known categories and integer severities 1..7", () => {
    for (const list of LEXICON) {
      expect(SAFETY_CATEGORIES).toContain(list.category);
      expect(Number.isInteger(list.severity) && list.severity >= 1 && list.severity <= 7, list.rule).toBe(true);
      expect(list.rule.startsWith(`${list.category}.`), list.rule).toBe(true);
    }
  });

  it("compiles: every token is in the normalised alphabet", () => {
    const compiled = compileLexicon(LEXICON, SAFE_IDIOMS, BLOCK_SEVERITY, squeeze);
    expect(compiled.vocabulary.size).toBeGreaterThan(500);
    expect(compiled.strongWords.has("cunt")).toBe(true);
    expect(compiled.strongWords.has("damn")).toBe(false);
    expect(() => compileLexicon([{ category: "profanity", rule: "profanity.x", severity: 4, terms: ["f-word"] }], [], 4, squeeze)).toThrow(/alphabet/);
  });

  it("resolves stretched tokens to the word with the doubled letter", () => {
    const compiled = compileLexicon(LEXICON, SAFE_IDIOMS, BLOCK_SEVERITY, squeeze);
    expect(compiled.squeezed.get("as")).toBe("ass");
    expect(compiled.squeezed.get("fuck")).toBe("fuck");
  });

  it("has no one-word idioms, which would silently whitelist that word", () => {
    for (const idiom of SAFE_IDIOMS) for (const tokens of expandTemplate(idiom)) expect(tokens.length, idiom).toBeGreaterThan(1);
  });
});
