// The content-safety screen end to end: the contract, graded severities per category, every disguise,
// the Scunthorpe words and marketing idioms that must pass, PII masking, the brand policy as configuration,
// and merging a second opinion.
import { describe, it, expect } from "vitest";
import {
  BLOCK_SEVERITY,
  BrandPolicySchema,
  defaultBrandPolicy,
  mergeScreens,
  SAFETY_CATEGORIES,
  SCREENER_VERSION,
  ScreenResultSchema,
  screenText,
  type BrandPolicy,
  type SafetyCategory,
  type ScreenResult,
} from "./screen";

const severity = (result: ScreenResult, category: SafetyCategory) => result.categories.find((c) => c.category === category)?.severity;
const maxSeverity = (result: ScreenResult) => Math.max(...result.categories.map((c) => c.severity));

describe("the contract", () => {
  it("answers all seven categories in a fixed order, with the screener version", () => {
    const result = screenText("New brushes are here");
    expect(result.categories.map((c) => c.category)).toEqual([...SAFETY_CATEGORIES]);
    expect(result).toEqual({
      decision: "pass",
      categories: SAFETY_CATEGORIES.map((category) => ({ category, severity: 0 })),
      reasons: [],
      screener_version: SCREENER_VERSION,
    });
    expect(ScreenResultSchema.safeParse(result).success).toBe(true);
  });

  it("blocks at severity 4 and passes at 3", () => {
    const policy = (severity: number): BrandPolicy => ({ banned_claims: [{ id: "flag", pattern: "flagme", severity, reason: "test" }], competitor_names: [], competitor_severity: 0 });
    expect(BLOCK_SEVERITY).toBe(4);
    expect(screenText("flagme", { policy: policy(3) }).decision).toBe("pass");
    expect(screenText("flagme", { policy: policy(4) }).decision).toBe("block");
  });

  it("keeps every severity an integer in 0..7", () => {
    const result = screenText("kill yourself you fucking n1gger, card 4242 4242 4242 4242, guaranteed results");
    for (const c of result.categories) {
      expect(Number.isInteger(c.severity)).toBe(true);
      expect(c.severity).toBeGreaterThanOrEqual(0);
      expect(c.severity).toBeLessThanOrEqual(7);
    }
  });
});

describe("graded severity per category", () => {
  it("profanity: mild words low, strong words block, the strongest higher", () => {
    expect(severity(screenText("damn, that is a good deal"), "profanity")).toBeLessThanOrEqual(2);
    expect(severity(screenText("what the hell is this"), "profanity")).toBeLessThanOrEqual(2);
    expect(screenText("damn good typography").decision).toBe("pass");
    expect(severity(screenText("this is shit"), "profanity")).toBeGreaterThanOrEqual(4);
    expect(severity(screenText("fuck this sale"), "profanity")).toBe(5);
    expect(severity(screenText("motherfuckers"), "profanity")).toBe(6);
    expect(screenText("what a bitch").decision).toBe("block");
  });

  it("hate: slurs and hateful phrases at 6–7", () => {
    expect(severity(screenText("you are a faggot"), "hate")).toBe(7);
    expect(severity(screenText("stupid spic"), "hate")).toBeGreaterThanOrEqual(6);
    expect(severity(screenText("muslims are vermin"), "hate")).toBe(6);
    expect(severity(screenText("kill all the jews"), "hate")).toBe(7);
    // Group words alone are not hate: the photo sliders are called Whites and Blacks.
    expect(severity(screenText("Pull the Whites slider up and the Blacks down"), "hate")).toBe(0);
  });

  it("violence: threats block, violent words in passing stay low", () => {
    expect(severity(screenText("I will kill you"), "violence")).toBeGreaterThanOrEqual(6);
    expect(screenText("I know where you live").decision).toBe("block");
    expect(screenText("I'm gonna shoot you").decision).toBe("block");
    const mention = screenText("the murder mystery font collection");
    expect(severity(mention, "violence")).toBeLessThan(BLOCK_SEVERITY);
    expect(mention.decision).toBe("pass");
  });

  it("self-harm: encouragement and ideation high", () => {
    for (const text of ["kill yourself", "kys", "just end your life", "go hang yourself", "I want to die"]) {
      expect(severity(screenText(text), "self_harm"), text).toBeGreaterThanOrEqual(6);
    }
    // "kill yourself" is self-harm; the word "kill" inside it is not reported again as violence.
    expect(severity(screenText("kill yourself"), "violence")).toBe(0);
  });

  it("sexual: explicit terms block, suggestive ones stay low", () => {
    expect(severity(screenText("free porn here"), "sexual")).toBeGreaterThanOrEqual(5);
    expect(severity(screenText("send me a blowjob video"), "sexual")).toBe(6);
    const sexy = screenText("a sexy serif for fashion brands");
    expect(severity(sexy, "sexual")).toBeGreaterThanOrEqual(1);
    expect(severity(sexy, "sexual")).toBeLessThanOrEqual(2);
    expect(sexy.decision).toBe("pass");
  });
});

describe("obfuscation", () => {
  const disguised: [string, string][] = [
    ["dotted", "f.u.c.k this"],
    ["spaced", "f u c k this"],
    ["hyphenated", "f-u-c-k this"],
    ["underscored", "f_u_c_k this"],
    ["starred letters", "f*u*c*k this"],
    ["split word", "fu-ck this"],
    ["stretched", "fuuuuuck this"],
    ["stretched double", "asssshole"],
    ["zero-width", "f\u200bu\u200cc\u200dk this"],
    ["soft hyphen", "f\u00aduck this"],
    ["Cyrillic с", "fu\u0441k this"],
    ["Cyrillic а and і", "\u0430sshole b\u0456tch"],
    ["fullwidth", "ＦＵＣＫ this"],
    ["mathematical bold", "𝐟𝐮𝐜𝐤 this"],
    ["diacritics", "fück thïs"],
    ["leet digits", "sh1t happens"],
    ["leet 1 as l", "a55ho1e"],
    ["leet symbols", "$hit, b!tch, @ss"],
    ["mask", "f*ck off"],
    ["mask of two", "b**ch"],
    ["upper case", "FUCK"],
    ["hashtag compound", "#fuckmondays"],
    ["spelt-out slur", "n i g g e r"],
    ["spelt-out self-harm", "k y s"],
  ];
  for (const [name, text] of disguised) {
    it(`sees through ${name}: ${JSON.stringify(text)}`, () => {
      const result = screenText(text);
      expect(result.decision).toBe("block");
    });
  }

  it("says which disguise it undid", () => {
    expect(screenText("f.u.c.k").reasons[0]).toContain("spelt out");
    expect(screenText("fuuuuck").reasons[0]).toContain("stretched");
    expect(screenText("sh1t").reasons[0]).toContain("leet");
    expect(screenText("fu\u0441k").reasons[0]).toContain("look-alike");
    expect(screenText("f*ck").reasons[0]).toContain("masked");
  });

  it("reads a mask as the stem it most likely hides, inflected or not, and names that word", () => {
    // "f***ing" also fits "fapping", which the lexicon lists first; "f***ers" fits no listed word at all.
    for (const [text, term] of [["f***ing", "fuck"], ["f***ers", "fuck"], ["f***ed", "fuck"], ["b***hes", "bitch"], ["sh*tty", "shit"]] as const) {
      const result = screenText(text);
      expect(result.decision, text).toBe("block");
      expect(severity(result, "profanity"), text).toBeGreaterThanOrEqual(4);
      expect(severity(result, "sexual"), text).toBe(0);
      expect(result.reasons[0], text).toContain(`"${term}" [masked`);
    }
    // A mask that only fits another word is still read as that word.
    expect(severity(screenText("f*pping"), "sexual")).toBeGreaterThan(0);
    expect(screenText("a**hole").reasons[0]).toContain('"asshole"');
  });

  it("does not glue ordinary words together when collapsing spaced letters", () => {
    // Only runs of one-letter tokens are joined; "pen is" and "as sess" stay two words.
    expect(severity(screenText("the pen is mightier than the sword"), "sexual")).toBe(0);
    expect(severity(screenText("as sess ment"), "profanity")).toBe(0);
    expect(screenText("an A B C D E F G H I J K L M N O P Q R S T U V W X Y Z alphabet poster").decision).toBe("pass");
    expect(screenText("Sizes S, M, L and XL").decision).toBe("pass");
    expect(screenText("C M Y K and R G B profiles").decision).toBe("pass");
  });
});

describe("the Scunthorpe problem", () => {
  const innocent = [
    "Scunthorpe", "assess", "class", "cocktail", "Sussex", "shiitake", "therapist", "analysis", "grape", "Dickens",
    "butterfly", "hello", "skills", "Essex", "Middlesex", "passionate", "assassin", "cockpit", "peacock",
    "Hitchcock", "Dickinson", "Sexton", "arsenal", "bassoon", "cumulative", "document", "grapefruit", "snigger",
    "Nigeria", "Niger", "raccoon", "Maine Coon", "Mitsubishi", "shitake", "canvas", "hancock", "titanic",
    "spick and span", "faggoting stitch", "rapeseed", "drape", "scrapes", "therapists", "analyst", "buttress",
  ];
  it("passes every one with every category at 0", () => {
    for (const word of innocent) {
      const result = screenText(`${word} templates`);
      expect(maxSeverity(result), `${word}: ${result.reasons.join("; ")}`).toBe(0);
    }
  });
});

describe("marketing idioms", () => {
  const idioms = [
    "Killer deals on Lightroom presets",
    "Crush your goals with the 2027 planner",
    "Shoot your best photos yet",
    "Drop-dead gorgeous serif fonts",
    "These brushes are to die for",
    "Our textures will blow you away",
    "Dressed to kill: fashion templates",
    "Killing it on Etsy",
    "Kill two birds with one stone",
    "We'll shoot you an email when it ships",
    "Print your shots and hang them on your wall",
    "We'll cut you a deal on the annual plan",
    "Shoot them in open shade",
    "Our nude palette is back",
    "Graduated magna cum laude",
    "A chink in the armor of generic stock",
    "A hell of a deal",
    "Hot glue gun crafts",
    "Bath bomb packaging mockups",
    "The secret weapon of freelancers",
    "Keep your workspace spick and span",
    "Gung-ho about gradients",
    "Ho ho ho, holiday presets are here",
  ];
  for (const text of idioms) {
    it(`passes ${JSON.stringify(text)}`, () => {
      const result = screenText(text);
      expect(result.decision, result.reasons.join("; ")).toBe("pass");
      expect(maxSeverity(result), result.reasons.join("; ")).toBeLessThanOrEqual(1);
    });
  }

  it("does not let an idiom hide a real threat next to it", () => {
    expect(screenText("These deals are to die for. I will kill you.").decision).toBe("block");
    expect(screenText("kill yourself, it's to die for").decision).toBe("block");
  });
});

describe("PII in the screen", () => {
  it("blocks an unknown address and never echoes it in full", () => {
    const result = screenText("Contact jane.doe@gmail.com for a refund");
    expect(result.decision).toBe("block");
    expect(severity(result, "pii")).toBe(4);
    expect(result.reasons.join(" ")).toContain("j***@gmail.com");
    expect(result.reasons.join(" ")).not.toContain("jane.doe");
  });

  it("allows the brand's support address through the options", () => {
    const text = "Questions? Write to support@aura-demo.shop";
    expect(screenText(text, { allowedEmailDomains: ["aura-demo.shop"] }).decision).toBe("pass");
    expect(screenText(text, { allowedEmails: ["support@aura-demo.shop"] }).decision).toBe("pass");
    // Without the allow list it is a role address of an unknown domain: shown, not blocked.
    expect(severity(screenText(text), "pii")).toBe(2);
  });

  it("masks card numbers to the last four and only flags Luhn-valid ones", () => {
    const result = screenText("Your card 4242 4242 4242 4242 was saved");
    expect(result.decision).toBe("block");
    expect(result.reasons.join(" ")).toContain("**** **** **** 4242");
    expect(result.reasons.join(" ")).not.toContain("4242 4242 4242 4242");
    expect(severity(screenText("Ref 4242 4242 4242 4241"), "pii")).toBe(0);
  });

  it("treats merge tags, prices and unsubscribe links as fine", () => {
    const text = "Hi {{first_name}}, save $45 (30% off). Unsubscribe: https://aura-demo.shop/unsubscribe?u={{subscriber_id}}&e={{email}}";
    expect(screenText(text)).toMatchObject({ decision: "pass", reasons: [] });
  });
});

describe("brand policy", () => {
  it("blocks the default banned claims and competitor names", () => {
    for (const text of [
      "Guaranteed results in 7 days",
      "100% guaranteed to work",
      "Try it risk-free",
      "This serum cures acne",
      "Guaranteed to cure your back pain",
      "Clinically proven formula",
      "Get rich quick with templates",
      "Guaranteed income from your shop",
      "Double your money",
      "Better than Canva",
      "Cheaper than Adobe Stock",
      "Our Shutterstock alternative",
    ]) {
      const result = screenText(text);
      expect(result.decision, text).toBe("block");
      expect(severity(result, "brand_policy"), text).toBeGreaterThanOrEqual(4);
      expect(result.reasons[0], text).toMatch(/^brand_policy\./);
    }
  });

  it("sees through leet in claims and competitor names", () => {
    expect(screenText("gu@ranteed r3sults").decision).toBe("block");
    expect(screenText("better than C@nva").decision).toBe("block");
  });

  it("passes ordinary terms of sale and the tools our assets work in", () => {
    for (const text of [
      "30-day money-back guarantee",
      "Satisfaction guaranteed or your money back",
      "Works with Adobe Lightroom and Photoshop",
      "Stretch your canvas in Procreate",
      "Spot healing brush presets",
      "Templates that cure your design pain points",
    ]) {
      expect(screenText(text).decision, text).toBe("pass");
    }
  });

  it("is configuration: a policy parsed from JSON replaces the default", () => {
    const policy = BrandPolicySchema.parse({
      banned_claims: [{ id: "free_forever", pattern: String.raw`\bfree\s+forever\b`, severity: 5, reason: "we bill after the trial" }],
      competitor_names: ["Pixel Palace"],
      competitor_severity: 6,
    });
    const claim = screenText("Free   forever, no card needed", { policy });
    expect(claim.decision).toBe("block");
    expect(claim.reasons).toEqual(['brand_policy.free_forever (5): "free forever" (we bill after the trial)']);
    expect(severity(screenText("Unlike pixel-palace, we…", { policy }), "brand_policy")).toBe(6);
    // The default rules are not applied on top of a custom policy.
    expect(screenText("Better than Canva, risk-free", { policy }).decision).toBe("pass");
  });

  it("lets an admin lower a rule below blocking", () => {
    const policy: BrandPolicy = { ...defaultBrandPolicy, competitor_severity: 2 };
    const result = screenText("Better than Canva", { policy });
    expect(result.decision).toBe("pass");
    expect(severity(result, "brand_policy")).toBe(2);
  });

  it("rejects invalid configuration", () => {
    const base = { banned_claims: [], competitor_names: [], competitor_severity: 4 };
    expect(BrandPolicySchema.safeParse(base).success).toBe(true);
    expect(BrandPolicySchema.safeParse({ ...base, competitor_severity: 9 }).success).toBe(false);
    expect(BrandPolicySchema.safeParse({ ...base, banned_claims: [{ id: "bad", pattern: "(unclosed", severity: 4, reason: "x" }] }).success).toBe(false);
    const claim = { id: "dup", pattern: "x", severity: 4, reason: "x" };
    expect(BrandPolicySchema.safeParse({ ...base, banned_claims: [claim, claim] }).success).toBe(false);
    expect(BrandPolicySchema.safeParse(defaultBrandPolicy).success).toBe(true);
  });
});

describe("reasons", () => {
  it("name the rule, the severity and the normalised term, strongest first", () => {
    const result = screenText("damn, f.u.c.k this");
    expect(result.reasons).toEqual(['profanity.strong (5): "fuck" [spelt out letter by letter]', 'profanity.mild (1): "damn"']);
  });

  it("are bounded for pathological input", () => {
    const words = ["fuck", "shit", "bitch", "cunt", "porn", "dildo", "kys", "twat", "whore", "slut", "wank", "milf", "jizz", "boobs"];
    const text = words.flatMap((w) => [w, `${w}s`, `${w}y`, `${w}ing`, `#${w}this`]).join(" ");
    const result = screenText(text);
    expect(result.reasons.length).toBeLessThanOrEqual(25);
  });
});

describe("mergeScreens", () => {
  const local = screenText("a sexy serif");
  const llm = (categories: { category: SafetyCategory; severity: number }[], extra: Partial<ScreenResult> = {}): ScreenResult => ({
    decision: "pass",
    categories,
    reasons: ["llm: suggestive tone"],
    screener_version: "llm-claude-2026.11",
    ...extra,
  });

  it("takes the max severity per category and recomputes the decision", () => {
    const merged = mergeScreens(local, llm([{ category: "sexual", severity: 5 }, { category: "hate", severity: 0 }]));
    expect(merged.decision).toBe("block");
    expect(severity(merged, "sexual")).toBe(5);
    expect(merged.categories.map((c) => c.category)).toEqual([...SAFETY_CATEGORIES]);
  });

  it("keeps the local severity when the other opinion is lower, and passes when nothing reaches 4", () => {
    const merged = mergeScreens(local, llm([{ category: "sexual", severity: 0 }]));
    expect(severity(merged, "sexual")).toBe(severity(local, "sexual"));
    expect(merged.decision).toBe("pass");
  });

  it("concatenates reasons and joins versions with +", () => {
    const merged = mergeScreens(local, llm([]));
    expect(merged.reasons).toEqual([...local.reasons, "llm: suggestive tone"]);
    expect(merged.screener_version).toBe(`${SCREENER_VERSION}+llm-claude-2026.11`);
    // Merging the same opinion twice does not repeat it.
    expect(mergeScreens(merged, llm([])).screener_version).toBe(`${SCREENER_VERSION}+llm-claude-2026.11`);
  });

  it("decides by severities, not by the other screen's word, and sanitises its numbers", () => {
    expect(mergeScreens(local, llm([], { decision: "block" })).decision).toBe("pass");
    const wild = mergeScreens(local, llm([{ category: "violence", severity: 12 }, { category: "hate", severity: -3 }, { category: "pii", severity: Number.NaN }, { category: "profanity", severity: 2.6 }]));
    expect(severity(wild, "violence")).toBe(7);
    expect(severity(wild, "hate")).toBe(0);
    expect(severity(wild, "pii")).toBe(0);
    expect(severity(wild, "profanity")).toBe(3);
  });
});
