// Text analysis for content search: turns titles, summaries, bodies and queries into the same
// stemmed terms, so "optimizing conversion rates" in a query meets "optimization" and "rate" in a guide.

/**
 * English stopwords: function words that occur in nearly every document and so carry no ranking
 * signal, only noise and index size. Contractions are listed without their apostrophe because
 * `splitWords` drops apostrophes ("don't" -> "dont").
 */
export const ENGLISH_STOPWORDS: ReadonlySet<string> = new Set([
  "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any", "are",
  "arent", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but",
  "by", "can", "cannot", "cant", "could", "couldnt", "did", "didnt", "do", "does", "doesnt", "doing",
  "dont", "down", "during", "each", "few", "for", "from", "further", "had", "hadnt", "has", "hasnt",
  "have", "havent", "having", "he", "hed", "hell", "her", "here", "heres", "hers", "herself", "hes",
  "him", "himself", "his", "how", "hows", "i", "id", "if", "ill", "im", "in", "into", "is", "isnt",
  "it", "its", "itself", "ive", "just", "lets", "me", "more", "most", "mustnt", "my", "myself", "no",
  "nor", "not", "of", "off", "on", "once", "only", "or", "other", "ought", "our", "ours", "ourselves",
  "out", "over", "own", "same", "shant", "she", "shed", "shell", "shes", "should", "shouldnt", "so",
  "some", "such", "than", "that", "thats", "the", "their", "theirs", "them", "themselves", "then",
  "there", "theres", "these", "they", "theyd", "theyll", "theyre", "theyve", "this", "those",
  "through", "to", "too", "under", "until", "up", "very", "was", "wasnt", "we", "wed", "well", "were",
  "werent", "weve", "what", "whats", "when", "whens", "where", "wheres", "which", "while", "who",
  "whom", "whos", "why", "whys", "will", "with", "wont", "would", "wouldnt", "you", "youd", "youll",
  "your", "youre", "yours", "yourself", "yourselves", "youve",
]);

// Scripts written without spaces between words. Without a dictionary we cannot segment them, so
// each character becomes its own term: a query in those scripts then still matches by character.
const UNSPACED_SCRIPT_CHAR = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/gu;
// A word is a run of letters, combining marks and digits; an inner apostrophe keeps "don't" whole.
const WORD = /[\p{L}\p{M}\p{N}]+(?:['\u2019][\p{L}\p{M}\p{N}]+)*/gu;
// Accents on Latin letters only: "café" should meet "cafe", but in scripts such as Devanagari the
// combining marks are vowels, and dropping them would merge unrelated words.
const LATIN_DIACRITICS = /(?<=\p{Script=Latin})\p{Mn}+/gu;
const POSSESSIVE = /['\u2019]s$/u;
const APOSTROPHES = /['\u2019]/gu;
const ASCII_WORD = /^[a-z]+$/;
const NON_ASCII = /[^\x00-\x7f]/;

/**
 * Lowercased words of `text`, in order, accents folded off Latin letters, possessive "'s" and other
 * apostrophes removed. No stopword removal or stemming: see `tokenize` for the full analysis.
 */
export function splitWords(text: string): string[] {
  // Most catalog text is plain ASCII, which has nothing to normalize or fold: skip those passes.
  const folded = NON_ASCII.test(text)
    ? text
        .normalize("NFKD")
        .replace(LATIN_DIACRITICS, "")
        .normalize("NFC")
        .toLowerCase()
        .replace(UNSPACED_SCRIPT_CHAR, " $& ")
    : text.toLowerCase();
  const words: string[] = [];
  for (const match of folded.matchAll(WORD)) {
    const word = match[0].replace(POSSESSIVE, "").replace(APOSTROPHES, "");
    if (word.length > 0) words.push(word);
  }
  return words;
}

/** Whether `word` (lowercase, apostrophes removed, as `splitWords` yields it) is an English stopword. */
export function isStopword(word: string): boolean {
  return ENGLISH_STOPWORDS.has(word);
}

/**
 * The search terms of `text`: its words without stopwords, each reduced by the Porter stemmer.
 * Documents and queries must both go through this one function, or their terms will not meet.
 *
 * `stemCache`, owned by the caller (e.g. one per index build), memoizes word -> stem: a catalog
 * repeats a small vocabulary, and stemming is most of the cost of analysing it.
 */
export function tokenize(text: string, stemCache?: Map<string, string>): string[] {
  const terms: string[] = [];
  for (const word of splitWords(text)) {
    if (isStopword(word)) continue;
    let term = stemCache?.get(word);
    if (term === undefined) {
      term = stem(word);
      stemCache?.set(word, term);
    }
    terms.push(term);
  }
  return terms;
}

// ---------------------------------------------------------------------------------------------
// Porter stemmer (M.F. Porter, "An algorithm for suffix stripping", 1980), as in Porter's own
// reference implementation, including its two departures from the paper: step 2 maps "-bli" to
// "-ble" (not "-abli" to "-able") and "-logi" to "-log". Notation below follows the paper:
// m is the number of vowel-consonant sequences in a stem, *v* "the stem contains a vowel",
// *d "ends in a double consonant", *o "ends consonant-vowel-consonant, the last not w, x or y".

/** The Porter stem of a lowercase English word; words that are not plain a-z, or shorter than 3, are returned as is. */
export function stem(word: string): string {
  // Porter's rules are for English spelling: digits, other scripts and very short words pass through.
  if (word.length < 3 || !ASCII_WORD.test(word)) return word;
  let w = step1a(word);
  w = step1b(w);
  w = step1c(w);
  w = step2(w);
  w = step3(w);
  w = step4(w);
  w = step5a(w);
  return step5b(w);
}

function isConsonantAt(w: string, i: number): boolean {
  switch (w[i]) {
    case "a":
    case "e":
    case "i":
    case "o":
    case "u":
      return false;
    case "y":
      // "y" is a consonant at the start of a word or after a vowel ("toy"), a vowel after a consonant ("syzygy").
      return i === 0 ? true : !isConsonantAt(w, i - 1);
    default:
      return true;
  }
}

/** m: the number of VC sequences in the form [C](VC)^m[V]. */
function measure(s: string): number {
  let m = 0;
  let i = 0;
  const n = s.length;
  while (i < n && isConsonantAt(s, i)) i++;
  while (i < n) {
    while (i < n && !isConsonantAt(s, i)) i++;
    if (i >= n) break;
    while (i < n && isConsonantAt(s, i)) i++;
    m++;
  }
  return m;
}

function containsVowel(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (!isConsonantAt(s, i)) return true;
  return false;
}

function endsWithDoubleConsonant(s: string): boolean {
  const n = s.length;
  return n >= 2 && s[n - 1] === s[n - 2] && isConsonantAt(s, n - 1);
}

function endsCvc(s: string): boolean {
  const n = s.length;
  if (n < 3) return false;
  if (!isConsonantAt(s, n - 3) || isConsonantAt(s, n - 2) || !isConsonantAt(s, n - 1)) return false;
  const last = s[n - 1];
  return last !== "w" && last !== "x" && last !== "y";
}

function step1a(w: string): string {
  if (w.endsWith("sses")) return w.slice(0, -2);
  if (w.endsWith("ies")) return w.slice(0, -2);
  if (w.endsWith("ss")) return w;
  if (w.endsWith("s")) return w.slice(0, -1);
  return w;
}

function step1b(w: string): string {
  if (w.endsWith("eed")) {
    return measure(w.slice(0, -3)) > 0 ? w.slice(0, -1) : w;
  }
  let stemmed: string | undefined;
  if (w.endsWith("ed") && containsVowel(w.slice(0, -2))) stemmed = w.slice(0, -2);
  else if (w.endsWith("ing") && containsVowel(w.slice(0, -3))) stemmed = w.slice(0, -3);
  if (stemmed === undefined) return w;
  // Repairs after removing -ed/-ing so that "conflated" -> "conflate", "hopping" -> "hop", "filing" -> "file".
  if (stemmed.endsWith("at") || stemmed.endsWith("bl") || stemmed.endsWith("iz")) return stemmed + "e";
  if (endsWithDoubleConsonant(stemmed)) {
    const last = stemmed[stemmed.length - 1];
    return last === "l" || last === "s" || last === "z" ? stemmed : stemmed.slice(0, -1);
  }
  if (measure(stemmed) === 1 && endsCvc(stemmed)) return stemmed + "e";
  return stemmed;
}

function step1c(w: string): string {
  return w.endsWith("y") && containsVowel(w.slice(0, -1)) ? w.slice(0, -1) + "i" : w;
}

type SuffixRule = readonly [suffix: string, replacement: string];

// Longest suffix first: the paper applies only the longest matching suffix, and if its condition
// fails no shorter one is tried ("rational" keeps "-ational" rather than falling back to "-tional").
const byLongestSuffix = (rules: readonly SuffixRule[]): readonly SuffixRule[] =>
  [...rules].sort((x, y) => y[0].length - x[0].length);

const STEP2_RULES = byLongestSuffix([
  ["ational", "ate"], ["tional", "tion"], ["enci", "ence"], ["anci", "ance"], ["izer", "ize"],
  ["bli", "ble"], ["alli", "al"], ["entli", "ent"], ["eli", "e"], ["ousli", "ous"],
  ["ization", "ize"], ["ation", "ate"], ["ator", "ate"], ["alism", "al"], ["iveness", "ive"],
  ["fulness", "ful"], ["ousness", "ous"], ["aliti", "al"], ["iviti", "ive"], ["biliti", "ble"],
  ["logi", "log"],
]);

const STEP3_RULES = byLongestSuffix([
  ["icate", "ic"], ["ative", ""], ["alize", "al"], ["iciti", "ic"], ["ical", "ic"], ["ful", ""],
  ["ness", ""],
]);

const STEP4_SUFFIXES = byLongestSuffix(
  [
    "al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ion", "ou",
    "ism", "ate", "iti", "ous", "ive", "ize",
  ].map((suffix): SuffixRule => [suffix, ""]),
);

/** Applies the longest rule whose suffix `w` ends with, if the remaining stem has measure > `minMeasure`. */
function replaceLongestSuffix(w: string, rules: readonly SuffixRule[], minMeasure: number): string {
  for (const [suffix, replacement] of rules) {
    if (!w.endsWith(suffix)) continue;
    const base = w.slice(0, w.length - suffix.length);
    return measure(base) > minMeasure ? base + replacement : w;
  }
  return w;
}

function step2(w: string): string {
  return replaceLongestSuffix(w, STEP2_RULES, 0);
}

function step3(w: string): string {
  return replaceLongestSuffix(w, STEP3_RULES, 0);
}

function step4(w: string): string {
  for (const [suffix] of STEP4_SUFFIXES) {
    if (!w.endsWith(suffix)) continue;
    const base = w.slice(0, w.length - suffix.length);
    if (measure(base) <= 1) return w;
    // "-ion" goes only after s or t: "adoption" -> "adopt", but "champion" keeps its "-ion".
    if (suffix === "ion" && !(base.endsWith("s") || base.endsWith("t"))) return w;
    return base;
  }
  return w;
}

function step5a(w: string): string {
  if (!w.endsWith("e")) return w;
  const base = w.slice(0, -1);
  const m = measure(base);
  return m > 1 || (m === 1 && !endsCvc(base)) ? base : w;
}

function step5b(w: string): string {
  return w.endsWith("ll") && measure(w) > 1 ? w.slice(0, -1) : w;
}
