// POST /v1/assistant: the storefront's Checkout Assistant answered by Claude, grounded in aura's ranking for the
// cart (it may only recommend items that ranking served), screened like campaign copy. Without an Anthropic
// key, or when Claude fails, it answers 503 and the storefront's rule-based assistant answers instead.
import { Hono } from "hono";
import * as z from "zod";
import { RankRequest } from "../../shared/api/schemas";
import { screenText } from "../../shared/safety/screen";
import { getBanditSnapshot } from "../data/posteriors";
import { getSnapshot } from "../data/snapshot";
import { decideSurface, readProfile } from "../decision/surface";
import { ClaudeClient, llmSettings } from "../llm/claude";
import { brandEmailDomains } from "../campaigns/screening";
import { ApiError } from "../http/errors";
import { hostnameOf, readJson, type AppEnv } from "../http/middleware";
import { DEMO_BRAND_NAME } from "../../shared/campaigns/demo-corpus";

export const assistantRouter = new Hono<AppEnv>();

const AssistantRequest = z.strictObject({
  question: z.string().trim().min(1).max(300),
  cart: z.array(z.string().min(1).max(64)).max(50),
  user_ctx: RankRequest.shape.user_ctx,
});

const AssistantAnswer = z.strictObject({
  answer: z.string().trim().min(1).max(900),
  item_ids: z.array(z.string().min(1).max(64)).max(3),
});

const SYSTEM = [
  `You are the Checkout Assistant of ${DEMO_BRAND_NAME}, an online shop for creative tools. Answer the shopper's question in at most three short sentences, warmly and plainly.`,
  "Recommend only items from the numbered list you are given (aura's ranking for this cart), by their ids in item_ids, at most three; never invent products, prices or discounts.",
  "Do not promise results, do not mention other shops, and never ask for personal data. If the question is not about the cart or the shop, say kindly what you can help with.",
].join("\n");

assistantRouter.post("/", async (c) => {
  const req = await readJson(c, AssistantRequest);
  const settings = llmSettings(c.env);
  if (!settings) throw new ApiError(503, "assistant_unavailable", "the LLM assistant is not configured here; use the rule-based assistant");
  const snapshot = await getSnapshot(c.env, c.executionCtx).catch(() => {
    throw new ApiError(503, "catalog_unavailable", "the catalog could not be loaded; try again shortly");
  });
  const rankReq = RankRequest.parse({ surface_id: "checkout.upsell", limit: 8, user_ctx: req.user_ctx, ...(req.cart.length ? { context: { cart: req.cart } } : {}) });
  const read = await readProfile(c.env, req.user_ctx.anon_id, req.user_ctx.consent, c.get("requestId"), c.executionCtx);
  const experiments = await getBanditSnapshot(c.env, c.executionCtx).catch(() => null);
  const ranking = decideSurface(c.env, c.executionCtx, snapshot, experiments, rankReq, read, { requestId: c.get("requestId"), userAgent: c.req.header("user-agent") ?? null, ownHost: hostnameOf(c.req.url) });
  const titles = new Map(snapshot.index.items.map((i) => [i.id, i.title]));
  const user = [
    `Question: ${req.question}`,
    `Cart: ${req.cart.map((id) => titles.get(id) ?? id).join("; ") || "(empty)"}`,
    "Items you may recommend:",
    ...ranking.items.map((it, n) => `${n + 1}. [${it.content_id}] ${it.metadata.title}, ${it.metadata.price === 0 ? "free" : `$${it.metadata.price}`} (${it.reason})`),
  ].join("\n");
  const claude = new ClaudeClient(settings);
  const answer = await claude.structured({ system: SYSTEM, user, schema: AssistantAnswer, maxTokens: 400 });
  if (!answer.ok) {
    // The shopper is sent to the rule-based assistant; the operator needs to see why (a refused key, an outage).
    console.warn(JSON.stringify({ level: "warn", request_id: c.get("requestId"), assistant: answer.error }));
    throw new ApiError(503, "assistant_unavailable", `the LLM assistant failed (${answer.error}); use the rule-based assistant`);
  }
  const served = new Set(ranking.items.map((i) => i.content_id));
  const picked = answer.value.item_ids.filter((id) => served.has(id));
  // Shoppers see this text directly: the same local safety screen as campaign copy stands between them.
  const screen = screenText(answer.value.answer, { channel: "web", allowedEmailDomains: brandEmailDomains(c.env) });
  if (screen.decision === "block") throw new ApiError(503, "assistant_unavailable", "the LLM answer did not pass the safety screen; use the rule-based assistant");
  return c.json({
    assistant: `claude:${settings.model}`,
    text: answer.value.answer,
    request_id: ranking.request_id,
    items: ranking.items.filter((i) => picked.includes(i.content_id)).map((i) => ({ content_id: i.content_id, title: i.metadata.title, price: i.metadata.price, url: i.metadata.url, reason: i.reason })),
    usage: claude.usage,
  });
});
