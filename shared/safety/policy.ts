// The brand's own rules for its copy: claims it must not make (guarantees, health and money promises) and
// competitors it does not name. Configuration, validated by zod, so an admin can change it without a deploy.
import * as z from "zod";
import { foldText } from "./normalize";

export interface BannedClaim {
  id: string;
  /** Regular-expression source, matched case-insensitively against the folded text. */
  pattern: string;
  severity: number;
  /** Why the claim is banned, shown in the screen's reasons. */
  reason: string;
}

export interface BrandPolicy {
  banned_claims: BannedClaim[];
  competitor_names: string[];
  competitor_severity: number;
}

/** Flags the claims are compiled with. Not "u": admins write "risk\-free", which unicode mode rejects. */
const CLAIM_FLAGS = "gi";

function compiles(source: string): boolean {
  try {
    new RegExp(source, CLAIM_FLAGS);
    return true;
  } catch {
    return false;
  }
}

const Severity = z.number().int().min(0).max(7);

export const BannedClaimSchema: z.ZodType<BannedClaim> = z.object({
  id: z.string().regex(/^[a-z0-9_.-]{1,64}$/, "lowercase letters, digits, _ . - (at most 64)"),
  pattern: z.string().min(1).max(500).refine(compiles, "not a valid regular expression"),
  severity: Severity,
  reason: z.string().min(1).max(300),
});

export const BrandPolicySchema: z.ZodType<BrandPolicy> = z
  .object({
    banned_claims: z.array(BannedClaimSchema).max(200),
    competitor_names: z.array(z.string().trim().min(2).max(100)).max(500),
    competitor_severity: Severity,
  })
  .superRefine((policy, ctx) => {
    const seen = new Set<string>();
    for (const [i, claim] of policy.banned_claims.entries()) {
      if (seen.has(claim.id)) ctx.addIssue({ code: "custom", message: `duplicate claim id "${claim.id}"`, path: ["banned_claims", i, "id"] });
      seen.add(claim.id);
    }
  });

const re = String.raw;

/**
 * The demo storefront's policy (design assets and creative tools). Guarantees of outcomes, health and money
 * promises are the claims regulators act on (FTC Act §5, EU UCPD annex I); "money-back guarantee" and
 * "satisfaction guaranteed" are ordinary, substantiable terms of sale and pass. Competitors are the other
 * marketplaces for stock assets and templates; the tools our assets work in (Photoshop, Lightroom, Procreate,
 * Figma) are not competitors and pass. A competitor's name blocks (4): comparative claims need legal review.
 */
export const defaultBrandPolicy: BrandPolicy = {
  banned_claims: [
    {
      id: "guaranteed_results",
      pattern: re`\bguaranteed?\s+(?:results?|success|sales|conversions?|growth|traffic|followers|clients|rankings?|to\s+(?:sell|work|convert|cure|heal|go\s+viral))\b|\b(?:results?|success)\s+(?:are\s+)?guaranteed\b`,
      severity: 4,
      reason: "promises an outcome the brand cannot guarantee",
    },
    {
      id: "hundred_percent_guaranteed",
      pattern: re`\b100\s*(?:%|percent)\s+guaranteed\b`,
      severity: 4,
      reason: "absolute guarantee",
    },
    { id: "risk_free", pattern: re`\brisk[\s_-]*free\b`, severity: 4, reason: "\"risk-free\" claims are unsubstantiable" },
    {
      id: "medical_cure",
      pattern: re`\b(?:cures?|cured|heals?|healed|treats|prevents?|reverses?)\s+(?:[a-z']+\s+){0,3}?(?:cancer|diabetes|anxiety|depression|acne|arthritis|insomnia|adhd|autism|covid|disease|illness|infections?|eczema|psoriasis|obesity|migraines?|(?:back|joint|chronic|nerve|muscle|neck|knee)\s+pain|pain(?!\s+points?))\b`,
      severity: 5,
      reason: "medical treatment claim",
    },
    { id: "cure_language", pattern: re`\b(?:cures?|cured|heals)\b`, severity: 2, reason: "cure/heal wording reads as a health claim" },
    {
      id: "clinically_proven",
      pattern: re`\bclinically\s+(?:proven|tested|shown)\b|\bdoctor[\s-]+recommended\b|\bfda[\s-]+approved\b`,
      severity: 4,
      reason: "clinical claim without substantiation",
    },
    { id: "get_rich", pattern: re`\bget\s+rich(?:\s+quick(?:ly)?)?\b`, severity: 5, reason: "financial promise" },
    {
      id: "guaranteed_income",
      pattern: re`\bguaranteed\s+(?:income|returns?|profits?|earnings|payouts?|money|roi)\b|\b(?:income|returns?|profits?)\s+(?:are\s+)?guaranteed\b`,
      severity: 5,
      reason: "financial promise",
    },
    { id: "double_your_money", pattern: re`\b(?:double|triple)\s+your\s+(?:money|investment|income|savings|cash)\b`, severity: 5, reason: "financial promise" },
    {
      id: "earnings_claim",
      pattern: re`\b(?:make|earn)\s+\$?\d[\d,.]*k?\s+(?:dollars\s+)?(?:a|per|every)\s+(?:day|week|month)\b`,
      severity: 4,
      reason: "earnings claim",
    },
  ],
  competitor_names: ["Adobe Stock", "Shutterstock", "Envato", "Canva", "Creative Market", "Freepik", "iStock", "Getty Images", "Depositphotos"],
  competitor_severity: 4,
};

export interface PolicyFinding {
  rule: string;
  severity: number;
  term: string;
  reason: string;
}

interface CompiledPolicy {
  claims: { claim: BannedClaim; regex: RegExp }[];
  /** All claims in one alternation: most copy matches none, and one scan is cheaper than one per claim. */
  anyClaim: RegExp | null;
  competitors: RegExp | null;
  competitorSeverity: number;
}

const compiled = new WeakMap<BrandPolicy, CompiledPolicy>();

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Compiles a policy once per policy object; the screen runs on every variant and must not recompile. */
function compilePolicy(policy: BrandPolicy): CompiledPolicy {
  const hit = compiled.get(policy);
  if (hit) return hit;
  const claims = policy.banned_claims.map((claim) => {
    try {
      return { claim, regex: new RegExp(claim.pattern, CLAIM_FLAGS) };
    } catch (err) {
      throw new Error(`brand policy claim "${claim.id}": ${(err as Error).message}`);
    }
  });
  // Numbered backreferences would point at the wrong group once the claims are joined: no shortcut then.
  let anyClaim: RegExp | null = null;
  if (claims.length > 0 && !claims.some(({ claim }) => /\\[1-9]/.test(claim.pattern))) {
    try {
      anyClaim = new RegExp(claims.map(({ claim }) => `(?:${claim.pattern})`).join("|"), "i");
    } catch {
      anyClaim = null; // e.g. two claims declaring the same named group
    }
  }
  // Names are folded like the text and matched as whole words: "Canva" must not match "canvas". "\b" is
  // cheaper than lookarounds and means the same when a name starts and ends with a letter or digit.
  const names = policy.competitor_names
    .map((name) => foldText(name).plain.trim())
    .filter((name) => name.length > 0)
    .map((name) => ({ alnumEnds: /^[a-z0-9].*[a-z0-9]$|^[a-z0-9]$/.test(name), source: name.split(/[\s-]+/).map(escapeRegex).join(String.raw`[\s_.-]*`) }));
  const competitors =
    names.length === 0
      ? null
      : names.every((n) => n.alnumEnds)
        ? new RegExp(`\\b(?:${names.map((n) => n.source).join("|")})\\b`, "g")
        : new RegExp(`(?<![a-z0-9])(?:${names.map((n) => n.source).join("|")})(?![a-z0-9])`, "g");
  const result = { claims, anyClaim, competitors, competitorSeverity: policy.competitor_severity };
  compiled.set(policy, result);
  return result;
}

/** Banned claims and competitor names in `texts` (the folded text, and its de-obfuscated reading if different). */
export function findPolicyViolations(policy: BrandPolicy, texts: readonly string[]): PolicyFinding[] {
  const { claims, anyClaim, competitors, competitorSeverity } = compilePolicy(policy);
  const findings: PolicyFinding[] = [];
  const seen = new Set<string>();
  const add = (f: PolicyFinding) => {
    const key = `${f.rule}\u0000${f.term}`;
    if (seen.has(key)) return;
    seen.add(key);
    findings.push(f);
  };
  for (const text of texts) {
    for (const { claim, regex } of anyClaim === null || anyClaim.test(text) ? claims : []) {
      regex.lastIndex = 0;
      const m = regex.exec(text);
      if (m) add({ rule: `brand_policy.${claim.id}`, severity: claim.severity, term: m[0].replace(/\s+/g, " ").trim(), reason: claim.reason });
    }
    if (competitors) {
      competitors.lastIndex = 0;
      for (const m of text.matchAll(competitors)) {
        add({ rule: "brand_policy.competitor", severity: competitorSeverity, term: m[0].replace(/\s+/g, " "), reason: "names a competitor" });
      }
    }
  }
  return findings;
}
