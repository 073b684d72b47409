// What Claude is asked to write and how its answer is checked: the brand rules as the system prompt, the whole
// approved corpus as one shared (prompt-cached) context block, one short request per segment, and a zod schema
// for the structured output. Pure: the worker sends these through @anthropic-ai/sdk.
import * as z from "zod";
import type { ApprovedContent } from "./corpus";
import type { CampaignSegment } from "./segment";
import { STRATEGIES, type Strategy } from "./strategies";

export const GeneratedVariantsSchema = z.object({
  variants: z
    .array(
      z.strictObject({
        strategy: z.enum(STRATEGIES),
        subject: z.string().trim().min(3).max(150),
        body: z.string().trim().min(20).max(3000),
      }),
    )
    .min(1)
    .max(5),
});
export type GeneratedVariants = z.infer<typeof GeneratedVariantsSchema>;

export function generationSystemPrompt(brand: readonly ApprovedContent[], brandName: string): string {
  const rules = brand.map((d) => `- ${d.title}: ${d.body}`).join("\n");
  return [
    `You write marketing emails for ${brandName}. Follow the brand guidelines below exactly.`,
    "",
    "Brand guidelines:",
    rules || "- Warm, clear, helpful; no hype.",
    "",
    "Rules for every email:",
    "- State only facts found in the approved sources you are given, and put the source id in square brackets right after each factual sentence, e.g. \"The pack has twelve presets for $19 [c104].\"",
    "- Copy prices and percentages exactly as the source states them. Never invent a price, discount, date or statistic.",
    "- No guarantees, no medical or financial promises, no competitor names, no personal data other than the {{first_name}} merge tag.",
    "- Start the body with \"Hi {{first_name}},\" and end with a short sign-off from the team. Subject lines carry no citations.",
    "- Each variant uses the strategy it is asked for, so the campaign can learn which strategy works for which customers.",
  ].join("\n");
}

/** The approved corpus as one block, identical for every segment of a campaign: the part worth caching. */
export function corpusContext(docs: readonly ApprovedContent[]): string {
  return ["Approved sources (cite by id):", ...docs.map((d) => `[${d.id}] (${d.kind}) ${d.title}: ${d.body}`)].join("\n");
}

export function segmentRequest(segment: CampaignSegment, strategies: readonly Strategy[], suggested: readonly string[], feedback?: string): string {
  const profile = Object.entries(segment.profile)
    .map(([k, v]) => `${k.replaceAll("_", " ")} ${v}`)
    .join(", ");
  return [
    `Segment "${segment.id}": ${segment.size} customers, described as "${segment.label}", lifecycle ${segment.lifecycle.replace("_", " ")}${profile ? ` (averages: ${profile})` : ""}.`,
    `Write ${strategies.length} email variants, one per strategy, in this order: ${strategies.join(", ")}.`,
    suggested.length ? `The most relevant sources for this segment are ${suggested.map((id) => `[${id}]`).join(", ")}; cite others from the list if they fit better.` : "",
    feedback ? `Your previous answer was rejected: ${feedback}. Fix exactly that.` : "",
  ]
    .filter(Boolean)
    .join("\n");
}
