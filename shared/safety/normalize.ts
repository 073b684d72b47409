// Undoes the usual disguises of abusive words (look-alike letters, accents, invisible characters, leet-speak,
// letters spelt out one by one, masking with asterisks, stretched letters) before the lexicon is consulted.
// Matching then happens on whole tokens of this text, which is what keeps "Scunthorpe" and "assess" clean.

/** What the screen reads: `plain` for the regular-expression rules (PII, brand policy), `tokens` for the lexicon. */
export interface NormalizedText {
  /**
   * Compatibility-folded (NFKD, so fullwidth and mathematical letters become ASCII), combining marks and
   * invisible characters removed, look-alike letters mapped to Latin, lowercased, merge tags blanked.
   * Digits and punctuation are kept, so "100%" and phone numbers survive.
   */
  plain: string;
  tokens: SafetyToken[];
  /**
   * Some word was written in leet-speak ("gu@ranteed", "r1sk"): a digit or symbol between letters, or a symbol
   * before them. Rules that read phrases in `plain` should then also read the tokens. Codes such as "4k",
   * "mp4" and "1st" do not count (look-alikes and invisible characters are already undone in `plain`).
   */
  leetWords: boolean;
}

/** How a token's matching form was recovered; reasons name it so a reviewer sees why "f.u.c.k" matched. */
export type Disguise = "leet" | "lookalike" | "masked" | "spaced" | "split" | "stretched";

export interface SafetyToken {
  /** The matching form: lowercase letters and digits, leet mapped with 1→i (a mask keeps its "*"). */
  key: string;
  /** The same token with 1 and | read as "l" instead ("a55ho1e"), or null when that reading is the same. */
  alt: string | null;
  /** The token with its asterisks ("f*ck"), when a masked word may hide behind them; else null. */
  mask: string | null;
  /** A one-letter token ("f" of "f u c k"), a candidate for joining with its neighbours. */
  single: boolean;
  /** Characters between the previous token's end and this token's start. */
  gap: number;
  /** The gap holds whitespace (spelt-out letters may be spaced; split words "fu-ck" may not). */
  spaced: boolean;
  /** A disguise already undone inside the token itself. */
  disguise: Disguise | null;
}

// Letters from other scripts (and Latin letters that NFKD does not decompose) drawn like Latin ones. Applied
// after lowercasing, so uppercase look-alikes (Cyrillic "В", "Н") arrive here as their lowercase forms.
const LOOKALIKES: Readonly<Record<string, string>> = {
  // Cyrillic
  а: "a", в: "b", е: "e", ё: "e", з: "3", к: "k", м: "m", н: "h", о: "o", п: "n", р: "p", с: "c",
  т: "t", у: "y", х: "x", ь: "b", ѕ: "s", і: "i", ї: "i", ј: "j", ԁ: "d", ԛ: "q", ԝ: "w", ү: "y", һ: "h", ӏ: "l",
  // Greek
  α: "a", β: "b", γ: "y", ε: "e", η: "n", ι: "i", κ: "k", μ: "u", ν: "v", ο: "o", ρ: "p", σ: "o", ς: "s", τ: "t",
  υ: "u", χ: "x", ω: "w",
  // Latin letters without a decomposition, IPA, and symbols used as letters
  // (Currency and legal signs such as £, €, © are left alone: in shop copy they are prices and footers.)
  ı: "i", ɩ: "i", ł: "l", ø: "o", đ: "d", ħ: "h", ß: "ss", æ: "ae", œ: "oe", ɑ: "a", ɡ: "g", ʀ: "r", ᴄ: "c", "¡": "i",
};
const LOOKALIKE_CHARS = new RegExp(`[${Object.keys(LOOKALIKES).join("")}]`, "gu");
// Typographic apostrophes, so "don’t" joins like "don't".
const APOSTROPHES = /[\u2018\u2019\u201b\u2032]/g;
// Zero-width and other invisible characters that split a word without showing: soft hyphen, joiners,
// direction marks, word joiner, variation selectors, the byte-order mark, Hangul fillers, tag characters.
const INVISIBLES = /[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]|[\u{e0000}-\u{e007f}]/gu;
const MARKS = /\p{M}+/gu;
const NON_ASCII = /[^\x00-\x7f]/;
// Personalisation placeholders of the common ESPs ({{first_name}}, {% if %}, Mailchimp *|FNAME|*, %%Name%%):
// blanked before matching, because their contents are template variables, not words the reader sees.
const MERGE_TAG_HINT = /\{\{|\{%|\*\||%%/;
const MERGE_TAGS = /\{\{[^{}]{0,120}\}\}|\{%[^{}]{0,120}%\}|\*\|[a-z0-9_:-]{1,60}\|\*|%%[a-z0-9_.-]{1,60}%%/gi;

// Leet-speak: digits and symbols read as the letters they are drawn like. "1" and "|" are ambiguous
// (i or l): the primary reading takes i, `alt` takes l.
const LEET: Readonly<Record<string, string>> = {
  "0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g",
  "@": "a", $: "s", "!": "i", "|": "i",
};
const LEET_CHAR = /[0-9@$!|]/;
const LETTER = /[a-z]/;
const SYMBOL = /[@$!|]/;
const DIGIT = /[0-9]/;
const LEET_WORD = /[a-z][0-9@$!|]+[a-z]|^[@$][a-z]/;
const ONLY_LETTERS = /^[a-z]+$/;
// "f*u*c*k": three or more single characters between asterisks are a spelt-out word; "f**k" is a mask.
const STAR_SPELT = /^(?:[a-z0-9@$!|]\*+){2,}[a-z0-9@$!|]$/;

/**
 * Folds `text` to the comparison form described on `NormalizedText.plain`; `lookalikes` says whether any
 * look-alike letter or invisible character had to be undone (ASCII text never has any, and skips the work).
 */
export function foldText(text: string): { plain: string; lookalikes: boolean } {
  let lookalikes = false;
  let folded: string;
  if (NON_ASCII.test(text)) {
    const visible = text.replace(INVISIBLES, "");
    lookalikes = visible.length !== text.length;
    folded = visible.normalize("NFKD").toLowerCase().replace(MARKS, "").replace(APOSTROPHES, "'");
    folded = folded.replace(LOOKALIKE_CHARS, (ch) => {
      lookalikes = true;
      return LOOKALIKES[ch] ?? ch;
    });
  } else {
    folded = text.toLowerCase();
  }
  if (MERGE_TAG_HINT.test(folded)) folded = folded.replace(MERGE_TAGS, " ");
  return { plain: folded, lookalikes };
}

const isWordCode = (c: number) =>
  (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 64 /* @ */ || c === 36 /* $ */ || c === 33 /* ! */ || c === 124 /* | */ || c === 42 /* * */ || c === 39; /* ' */

/** Normalises `text` for screening: the folded text and its tokens. */
export function normalizeText(text: string): NormalizedText {
  const { plain, lookalikes } = foldText(text);
  const tokens: SafetyToken[] = [];
  let leetWords = false;
  const n = plain.length;
  let i = 0;
  let lastEnd = 0;
  let spaced = false;
  while (i < n) {
    const c = plain.charCodeAt(i);
    if (!isWordCode(c)) {
      // Whitespace in the gap: spelt-out letters may be spaced, a split word ("fu-ck") may not.
      if (c === 32 || c === 10 || c === 9 || c === 13 || c === 0xa0) spaced = true;
      i++;
      continue;
    }
    const start = i;
    // Most tokens are plain lowercase words: they need none of readToken's work.
    let letters = true;
    for (; i < n; i++) {
      const d = plain.charCodeAt(i);
      if (d >= 97 && d <= 122) continue;
      if (!isWordCode(d)) break;
      letters = false;
    }
    const raw = plain.slice(start, i);
    const token: SafetyToken | null = letters ? { key: raw, alt: null, mask: null, single: raw.length === 1, gap: 0, spaced: false, disguise: null } : readToken(raw);
    if (token === null) continue;
    token.gap = start - lastEnd;
    token.spaced = spaced;
    if (!letters && !leetWords && (token.disguise === "masked" || (token.disguise === "leet" && LEET_WORD.test(raw)))) leetWords = true;
    tokens.push(token);
    lastEnd = i;
    spaced = false;
  }
  if (lookalikes) markLookalikes(text, tokens);
  return { plain, tokens, leetWords };
}

/**
 * Names the disguise of tokens that only exist once look-alike letters were mapped or invisible characters
 * dropped: their matching form is absent from a fold of the text that does neither. Runs only when the text
 * had such characters at all.
 */
function markLookalikes(text: string, tokens: SafetyToken[]): void {
  const naive = text.normalize("NFKD").toLowerCase().replace(MARKS, "");
  for (const token of tokens) if (token.disguise === null && !naive.includes(token.key)) token.disguise = "lookalike";
}

/** One raw run of word characters to its matching forms, or null when nothing word-like is left. */
function readToken(raw: string): SafetyToken | null {
  let s = raw;
  // Apostrophes join contractions ("don't" -> "dont") and otherwise only quote.
  if (s.includes("'")) s = s.replace(/'/g, "");
  // "!" and "|" at the edges are punctuation ("hell!", "|"), not letters; leading "*" is emphasis ("**new**"),
  // and then so is the trailing one. A trailing "*" alone may be a mask ("sh**").
  const emphasised = s.startsWith("*");
  const bang = s.endsWith("!");
  s = s.replace(/^[!|*]+/, "").replace(/[!|]+$/, "");
  if (emphasised) s = s.replace(/\*+$/, "");
  if (s.length === 0) return null;
  const token: SafetyToken = { key: s, alt: null, mask: null, single: false, gap: 0, spaced: false, disguise: null };
  if (ONLY_LETTERS.test(s)) {
    token.single = s.length === 1;
    return token;
  }
  let body = s;
  if (body.includes("*")) {
    if (STAR_SPELT.test(body)) {
      body = body.replace(/\*+/g, "");
      token.disguise = "spaced";
    } else {
      // A mask matches no lexicon word as it stands; the screen decides which word, if any, it hides.
      token.mask = readLeet(body, "i");
      token.key = token.mask;
      token.disguise = "masked";
      return token;
    }
  }
  // Numbers stay numbers: prices ("$45" is not "sas"), years and percentages are not leet. Only symbols with no
  // digit and no letter ("@$$") are read as letters.
  if (!LETTER.test(body) && (DIGIT.test(body) || !SYMBOL.test(body))) {
    token.key = body.replace(/[^0-9]/g, "");
    return token.key.length === 0 ? null : token;
  }
  if (LEET_CHAR.test(body)) {
    token.key = readLeet(body, "i");
    const l = readLeet(body, "l");
    token.alt = l === token.key ? null : l;
    // In a word already in leet, a final "!" is more likely an "i" ("hent@!") than an exclamation mark.
    if (bang) token.alt = `${token.alt ?? token.key}i`;
    token.disguise ??= "leet";
  } else {
    token.key = body;
  }
  token.single = token.key.length === 1 && token.mask === null;
  return token;
}

function readLeet(s: string, oneAs: "i" | "l"): string {
  let out = "";
  for (const ch of s) {
    if (ch === "1" || ch === "|") out += oneAs;
    else out += LEET[ch] ?? ch;
  }
  return out;
}

/** Squeezes every run of a repeated letter to one ("fuuuuck" -> "fuck", "asss" -> "as"). */
export function squeeze(word: string): string {
  let out = "";
  let prev = "";
  for (const ch of word) {
    if (ch !== prev) out += ch;
    prev = ch;
  }
  return out;
}

/** A letter repeated three or more times in a row ("fuuuck"): emphasis, never English spelling. */
export function isStretched(word: string): boolean {
  for (let i = 2; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (c === word.charCodeAt(i - 1) && c === word.charCodeAt(i - 2)) return true;
  }
  return false;
}
