// The normaliser undoes disguises before matching: each disguise is shown to fold to the plain word, and
// ordinary text (prices, codes, merge tags) is shown to come through unharmed.
import { describe, it, expect } from "vitest";
import { foldText, isStretched, normalizeText, squeeze } from "./normalize";

const keys = (text: string) => normalizeText(text).tokens.map((t) => t.key);

describe("foldText", () => {
  it("lowercases and applies compatibility folding (fullwidth, mathematical, ligatures)", () => {
    expect(foldText("ＦＵＬＬ").plain).toBe("full");
    expect(foldText("𝐛𝐨𝐥𝐝 𝓈𝒸𝓇𝒾𝓅𝓉").plain).toBe("bold script");
    expect(foldText("ﬁne").plain).toBe("fine");
  });

  it("strips diacritics and stacked combining marks", () => {
    expect(foldText("Café Crème").plain).toBe("cafe creme");
    expect(foldText("z\u0301\u0302\u0303a\u0308l\u0327g\u030co").plain).toBe("zalgo");
  });

  it("maps Cyrillic and Greek look-alikes to Latin and reports that it did", () => {
    const folded = foldText("Нello wоrld, сорy ΑΒΟ");
    expect(folded.plain).toBe("hello world, copy abo");
    expect(folded.lookalikes).toBe(true);
    expect(foldText("plain ascii").lookalikes).toBe(false);
  });

  it("removes zero-width and other invisible characters", () => {
    expect(foldText("sh\u200bo\u200cp\u200d\u2060\ufeff\u00adping").plain).toBe("shopping");
  });

  it("blanks ESP merge tags so their variable names are not read as copy", () => {
    expect(foldText("Hi {{first_name}}, *|FNAME|* and %%Name%% {% if vip %}").plain.trim()).toBe("hi  ,   and");
  });
});

describe("normalizeText tokens", () => {
  it("reads leet-speak, with 1 and | also read as l", () => {
    const [token] = normalizeText("a55h01e").tokens;
    expect(token?.key).toBe("asshoie");
    expect(token?.alt).toBe("asshole");
    expect(token?.disguise).toBe("leet");
    expect(keys("$hit h3ll @ss b!tch")).toEqual(["shit", "hell", "ass", "bitch"]);
  });

  it("keeps numbers, prices and percentages as numbers", () => {
    expect(keys("$45 off 2027 plans, 30% today")).toEqual(["45", "off", "2027", "plans", "30", "today"]);
  });

  it("treats edge punctuation as punctuation, not letters", () => {
    expect(keys("hell! sale!!! |wow|")).toEqual(["hell", "sale", "wow"]);
    expect(keys("don't")).toEqual(["dont"]);
  });

  it("keeps masks for the screen and spells out starred letters", () => {
    const [mask] = normalizeText("f*ck").tokens;
    expect(mask?.mask).toBe("f*ck");
    expect(mask?.disguise).toBe("masked");
    const [spelt] = normalizeText("f*u*c*k").tokens;
    expect(spelt?.key).toBe("fuck");
    expect(spelt?.disguise).toBe("spaced");
    // Markdown emphasis is not a mask.
    expect(normalizeText("**new**").tokens[0]?.mask).toBeNull();
  });

  it("marks one-letter tokens and whether a gap holds whitespace", () => {
    const tokens = normalizeText("f u-c.k").tokens;
    expect(tokens.map((t) => t.single)).toEqual([true, true, true, true]);
    expect(tokens.map((t) => t.spaced)).toEqual([false, true, false, false]);
    expect(tokens.map((t) => t.gap)).toEqual([0, 1, 1, 1]);
  });

  it("names look-alike letters as the disguise of the token that had them", () => {
    const tokens = normalizeText("nice fuсk").tokens; // Cyrillic с
    expect(tokens.map((t) => t.disguise)).toEqual([null, "lookalike"]);
  });

  it("flags words in leet for the phrase rules, but not codes like 4k, mp4 or 1st", () => {
    expect(normalizeText("gu@ranteed r3sults").leetWords).toBe(true);
    expect(normalizeText("4k video, mp4 export, 1st place, 3d icons").leetWords).toBe(false);
  });
});

describe("squeeze and isStretched", () => {
  it("squeezes runs and spots letters repeated three times", () => {
    expect(squeeze("fuuuucckk")).toBe("fuck");
    expect(isStretched("fuuuck")).toBe(true);
    expect(isStretched("assess")).toBe(false);
    expect(isStretched("bookkeeper")).toBe(false);
  });
});
