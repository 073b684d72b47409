// The layered safety screen for campaign variants and POST /v1/safety/screen: the local rules and lexicons
// first (fast, always on), then Claude as a classifier when a key is set, merged by taking the higher severity
// per category. Every campaign variant's decision is written to the audit table before it can be assigned.
import * as z from "zod";
import { mergeScreens, SAFETY_CATEGORIES, screenText, BLOCK_SEVERITY, type ScreenResult } from "../../shared/safety/screen";
import type { ClaudeClient } from "../llm/claude";

const LlmScreenSchema = z.object({
  categories: z.array(z.object({ category: z.enum(SAFETY_CATEGORIES), severity: z.number().int().min(0).max(7) })).max(SAFETY_CATEGORIES.length),
  reasons: z.array(z.string().max(300)).max(10),
});

const CLASSIFIER_PROMPT = [
  "You are a content-safety classifier for outbound marketing email. Rate the text in each category from 0 (none) to 7 (extreme):",
  `${SAFETY_CATEGORIES.join(", ")}.`,
  "brand_policy covers guarantees of results, medical or financial promises and competitor names. pii covers personal data of real people (the {{first_name}} merge tag and the brand's own support address are not pii).",
  "Marketing idioms (\"killer deal\", \"shoot your best photos\") are not violence. Answer with every category and short reasons for any rating above 0.",
].join("\n");

export const LLM_SCREENER_VERSION = "claude-classifier-v1";

/** Local screen, then (with a key) the LLM classifier; an LLM failure leaves the local verdict standing, noted. */
export async function screenLayered(text: string, channel: string, claude: ClaudeClient | null, brandDomains: readonly string[] = []): Promise<ScreenResult> {
  const local = screenText(text, { channel, allowedEmailDomains: brandDomains });
  // Already blocked locally: no need to spend a call to confirm it.
  if (!claude || local.decision === "block") return local;
  const answer = await claude.structured({ system: CLASSIFIER_PROMPT, user: `Channel: ${channel}\n\nText:\n${text}`, schema: LlmScreenSchema, maxTokens: 500 });
  if (!answer.ok) return { ...local, reasons: [...local.reasons, `LLM classifier unavailable (${answer.error}); local rules only`] };
  const severity = new Map(answer.value.categories.map((c) => [c.category, c.severity]));
  const categories = SAFETY_CATEGORIES.map((category) => ({ category, severity: severity.get(category) ?? 0 }));
  const decision = categories.some((c) => c.severity >= BLOCK_SEVERITY) ? "block" : "pass";
  return mergeScreens(local, { decision, categories, reasons: answer.value.reasons.map((r) => `llm: ${r}`), screener_version: `${LLM_SCREENER_VERSION}:${claude.settings.model}` });
}

/** The brand's own e-mail domains (BRAND_EMAIL_DOMAINS, comma-separated). */
export function brandEmailDomains(env: Env): string[] {
  return (env.BRAND_EMAIL_DOMAINS || "").split(",").map((d) => d.trim().toLowerCase()).filter(Boolean);
}

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Screens one variant and records the decision (one audit row per variant; a rerun keeps the first row). */
export async function screenVariant(env: Env, claude: ClaudeClient | null, v: { campaignId: string; segmentId: string; variantId: string; text: string; channel: string }): Promise<ScreenResult> {
  const result = await screenLayered(v.text, v.channel, claude, brandEmailDomains(env));
  const maxSeverity = Math.max(...result.categories.map((c) => c.severity));
  await env.DB.prepare(
    "INSERT INTO safety_audit (variant_id, campaign_id, segment_id, text_sha256, decision, categories, max_severity, reasons, screener_version, screened_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT (variant_id) DO NOTHING",
  )
    .bind(v.variantId, v.campaignId, v.segmentId, await sha256Hex(v.text), result.decision, JSON.stringify(result.categories), maxSeverity, JSON.stringify(result.reasons), result.screener_version, new Date().toISOString())
    .run();
  return result;
}
