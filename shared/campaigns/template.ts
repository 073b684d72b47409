// The deterministic, grounded template generator: used without an LLM key (and as the fallback when the LLM's
// output fails validation). Every factual sentence is copied from an approved source and cites it, so its
// variants pass the groundedness check by construction; the report labels them as template-written.
import { retrieve, type ApprovedContent, type CorpusIndex } from "./corpus";
import { figuresIn, sentencesOf } from "./grounding";
import type { CampaignSegment } from "./segment";
import { STRATEGY_QUERY, type Strategy } from "./strategies";

export interface GeneratedVariant {
  strategy: Strategy;
  subject: string;
  body: string;
}

export const TEMPLATE_GENERATOR = "template-v1";

const OPENING: Record<Strategy, string> = {
  urgency: "A quick heads-up before this one is gone.",
  social_proof: "Here is what creators like you keep coming back for.",
  education: "A little something to help you make more of your creative time.",
  value: "More for your creative budget, picked for you.",
  exclusivity: "You are one of our best customers, so you hear about this first.",
  win_back: "It has been a while, and we have saved you something.",
};

const CALL_TO_ACTION: Record<Strategy, string> = {
  urgency: "Take a look while it lasts.",
  social_proof: "See why it is a favourite.",
  education: "Start learning today.",
  value: "Explore the offer.",
  exclusivity: "Have a first look.",
  win_back: "Come back and have a look.",
};

function subjectFor(strategy: Strategy, product: ApprovedContent | undefined, offer: ApprovedContent | undefined): string {
  const name = product?.title ?? "our latest collection";
  // A figure in the subject must come from a source the body cites: take the offer's own percentage, if any.
  const pct = offer ? figuresIn(`${offer.title} ${offer.body}`).find((f) => f.kind === "percent") : undefined;
  switch (strategy) {
    case "urgency":
      return pct ? `Ending soon: ${pct.text} off for you` : `Ending soon: ${name}`;
    case "social_proof":
      return `A customer favourite: ${name}`;
    case "education":
      return `Learn something new with ${name}`;
    case "value":
      return pct ? `Save ${pct.text} on your next project` : `Great value: ${name}`;
    case "exclusivity":
      return `First look for you: ${name}`;
    case "win_back":
      return pct ? `We miss you: ${pct.text} off to welcome you back` : `We miss you: see what is new`;
  }
}

/**
 * The source's sentence that carries its figure (prices, percentages), else its first sentence, led by the
 * product's name when the sentence does not say it ("The pack costs $19" means nothing on its own).
 */
function factSentence(doc: ApprovedContent, named: boolean): string {
  const sentences = sentencesOf(doc.body);
  const sentence = sentences.find((s) => figuresIn(s).length > 0) ?? sentences[0] ?? doc.title;
  return named && !sentence.includes(doc.title) ? `${doc.title}: ${sentence}` : sentence;
}

function cite(sentence: string, id: string): string {
  // The citation goes before the closing punctuation so it stays inside the sentence it supports.
  const m = /^(.*?)([.!?]*)$/.exec(sentence)!;
  return `${m[1]} [${id}]${m[2] || "."}`;
}

/**
 * Variants for a segment, one per strategy. Sources are retrieved per strategy (BM25 over the corpus with the
 * strategy's words and the segment's label), preferring ones the segment's other variants have not used.
 */
export function templateVariants(segment: CampaignSegment, strategies: readonly Strategy[], index: CorpusIndex, opts: { signOff: string }): GeneratedVariant[] {
  const used = new Set<string>();
  return strategies.map((strategy) => {
    const query = `${STRATEGY_QUERY[strategy]} ${segment.label}`;
    const product = pick(index, query, "product", used);
    const offer = strategy === "education" || strategy === "social_proof" ? undefined : pick(index, query, "offer", used);
    const lines = [
      "Hi {{first_name}},",
      "",
      OPENING[strategy],
      ...(product ? [cite(factSentence(product, true), product.id)] : []),
      ...(offer ? [cite(factSentence(offer, false), offer.id)] : []),
      "",
      CALL_TO_ACTION[strategy],
      "",
      opts.signOff,
    ];
    return { strategy, subject: subjectFor(strategy, product, offer), body: lines.join("\n") };
  });
}

function pick(index: CorpusIndex, query: string, kind: "product" | "offer", used: Set<string>): ApprovedContent | undefined {
  const fresh = retrieve(index, query, { kinds: [kind], limit: 1, exclude: used })[0] ?? retrieve(index, query, { kinds: [kind], limit: 1 })[0];
  if (fresh) used.add(fresh.doc.id);
  return fresh?.doc;
}
