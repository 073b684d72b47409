// The Checkout Assistant's Claude path through the real SDK over a fake fetch: grounded in the cart's ranking
// (an item Claude invents is dropped), screened (an unsafe answer falls back), 503 without a key.
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { llmTransport, THINKING_ALLOWANCE_TOKENS } from "./llm/claude";
import { call, expectError, json, seedDemo } from "./test/helpers";

beforeAll(seedDemo);
const original = llmTransport.fetch;
afterEach(() => {
  llmTransport.fetch = original;
});

const body = { question: "What else do I need for this?", cart: ["p002"], user_ctx: { anon_id: "anon_assist_1", consent: ["analytics", "personalization"] } };
const withKey = { ANTHROPIC_API_KEY: "sk-ant-test" };

function claudeSays(answer: (listed: string[]) => { answer: string; item_ids: string[] }): { seen: string[]; requests: Record<string, unknown>[] } {
  const log = { seen: [] as string[], requests: [] as Record<string, unknown>[] };
  llmTransport.fetch = async (input, init) => {
    const req = (await new Request(input, init).json()) as { system: { text: string }[]; messages: { content: string }[] };
    log.requests.push(req);
    const user = req.messages[0]!.content;
    log.seen.push(user);
    const listed = [...user.matchAll(/^\d+\. \[([^\]]+)\]/gm)].map((m) => m[1]!);
    return Response.json({ id: "m", type: "message", role: "assistant", model: "claude-sonnet-5-5", content: [{ type: "text", text: JSON.stringify(answer(listed)) }], stop_reason: "end_turn", stop_sequence: null, usage: { input_tokens: 400, output_tokens: 80 } });
  };
  return log;
}

describe("POST /v1/assistant", () => {
  it("answers 503 without an Anthropic key, so the storefront's rules answer", async () => {
    await expectError(await call("/v1/assistant", { body }), 503, "assistant_unavailable");
  });

  it("recommends only what aura ranked for the cart, dropping an item Claude made up", async () => {
    const log = claudeSays((listed) => ({ answer: "The golden presets pair well with a beginner's guide.", item_ids: [listed[0]!, "p_invented"] }));
    const res = await call("/v1/assistant", { body, env: withKey });
    expect(res.status, await res.clone().text()).toBe(200);
    const reply = await json<{ assistant: string; text: string; request_id: string; items: { content_id: string }[] }>(res);
    expect(reply.assistant).toBe("claude:claude-sonnet-5-5");
    expect(reply.text).toContain("golden presets");
    expect(reply.items.map((i) => i.content_id)).toEqual([/^\d+\. \[([^\]]+)\]/m.exec(log.seen[0]!)![1]]);
    expect(reply.request_id).toMatch(/^req_/);
    // The prompt carried the question, the cart and the ranked items.
    expect(log.seen[0]).toContain("What else do I need");
    expect(log.seen[0]).toContain("Cart: Golden Hour Lightroom Presets");
    // A request Sonnet 5.5 accepts: no sampling parameters or prefill, and room to think before the answer.
    const sent = log.requests[0]!;
    expect(sent.model).toBe("claude-sonnet-5-5");
    expect(sent.max_tokens).toBe(400 + THINKING_ALLOWANCE_TOKENS);
    expect(sent.max_tokens).toBe(8400); // 400 for the answer, 8,000 to think: a zero allowance fails here
    expect(Object.keys(sent).filter((k) => ["temperature", "top_p", "top_k", "thinking"].includes(k))).toEqual([]);
    expect((sent.messages as { role: string }[]).map((m) => m.role)).toEqual(["user"]);
  });

  it("falls back when the answer fails the safety screen or Claude's answer is malformed", async () => {
    claudeSays(() => ({ answer: "This damn fucking bundle is guaranteed to make you rich.", item_ids: [] }));
    await expectError(await call("/v1/assistant", { body, env: withKey }), 503, "assistant_unavailable");
    llmTransport.fetch = async () => Response.json({ id: "m", type: "message", role: "assistant", model: "x", content: [{ type: "text", text: "not json" }], stop_reason: "end_turn", stop_sequence: null, usage: { input_tokens: 1, output_tokens: 1 } });
    await expectError(await call("/v1/assistant", { body, env: withKey }), 503, "assistant_unavailable");
  });

  it("rejects bad input with the contract's error shape", async () => {
    await expectError(await call("/v1/assistant", { body: { ...body, question: "" }, env: withKey }), 400, "invalid_request");
    await expectError(await call("/v1/assistant", { body: { ...body, cart: "p002" }, env: withKey }), 400, "invalid_request");
  });
});
