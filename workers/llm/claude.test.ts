// The Claude client over the SDK's base client with Messages alone, run for real inside workerd with a fake
// fetch at the SDK boundary: the request it sends, the answer it parses and accounts, and how the SDK's own
// errors (thrown from its error module) are reported once its retries are spent.
import { afterEach, describe, expect, it } from "vitest";
import * as z from "zod";
import { ClaudeClient, llmTransport, THINKING_ALLOWANCE_TOKENS, type LlmSettings } from "./claude";

const SETTINGS: LlmSettings = { apiKey: "sk-test", model: "claude-sonnet-5-5", timeoutMs: 5_000, maxRetries: 1, concurrency: 2 };
const Answer = z.strictObject({ subject: z.string() });
const call = { system: "You write subject lines.", cachedContext: "Approved copy.", user: "One subject, please.", schema: Answer, maxTokens: 400 };

interface Sent {
  url: string;
  headers: Headers;
  body: { model: string; max_tokens: number; system: { text: string; cache_control?: unknown }[]; messages: unknown[]; output_config: unknown };
}

function fake(answer: (n: number) => Response): Sent[] {
  const sent: Sent[] = [];
  llmTransport.fetch = async (input, init) => {
    const request = new Request(input, init);
    sent.push({ url: request.url, headers: request.headers, body: (await request.json()) as Sent["body"] });
    return answer(sent.length);
  };
  return sent;
}

const original = llmTransport.fetch;
afterEach(() => {
  llmTransport.fetch = original;
});

describe("ClaudeClient", () => {
  it("sends one Messages request and returns the validated answer with its usage and cost", async () => {
    const usage = { input_tokens: 1000, output_tokens: 200, cache_creation_input_tokens: 0, cache_read_input_tokens: 3000 };
    const sent = fake(() =>
      Response.json({ id: "msg_1", type: "message", role: "assistant", model: SETTINGS.model, content: [{ type: "text", text: '{"subject":"Warm presets"}' }], stop_reason: "end_turn", stop_sequence: null, usage }),
    );
    const client = new ClaudeClient(SETTINGS);
    expect(await client.structured(call)).toEqual({ ok: true, value: { subject: "Warm presets" } });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe("https://api.anthropic.com/v1/messages");
    // SDK 1.12 sends the key as a bearer token (earlier versions used x-api-key): either way, once.
    expect([sent[0]!.headers.get("x-api-key"), sent[0]!.headers.get("authorization")]).toContainEqual(expect.stringMatching(/^(Bearer )?sk-test$/));
    expect(sent[0]!.headers.get("anthropic-version")).toBeTruthy();
    expect(sent[0]!.body.model).toBe(SETTINGS.model);
    expect(sent[0]!.body.max_tokens).toBe(400 + THINKING_ALLOWANCE_TOKENS);
    expect(sent[0]!.body.system[1]).toEqual({ type: "text", text: "Approved copy.", cache_control: { type: "ephemeral" } });
    // The answer's JSON schema, made from the zod schema that validates it.
    expect(sent[0]!.body.output_config).toEqual({ format: { type: "json_schema", schema: { $schema: "http://json-schema.org/draft-07/schema#", type: "object", properties: { subject: { type: "string" } }, required: ["subject"], additionalProperties: false } } });
    // Sonnet 5.5: $2 in, $10 out, $0.10 per million cache reads.
    expect(client.usage).toMatchObject({ requests: 1, failures: 0, input_tokens: 1000, output_tokens: 200, cache_read_input_tokens: 3000, cost_usd: 0.0043 });
  });

  it("reports the API's error with its status once the SDK's retries are spent", async () => {
    const sent = fake(() => Response.json({ type: "error", error: { type: "overloaded_error", message: "Overloaded" } }, { status: 529, headers: { "retry-after-ms": "1" } }));
    const client = new ClaudeClient(SETTINGS);
    const result = await client.structured(call);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(/^API error 529: /);
    // One try and the one retry the settings allow.
    expect(sent).toHaveLength(2);
    expect(client.usage).toMatchObject({ requests: 1, failures: 1 });
  });

  it("does not retry a request the API refuses, and says why", async () => {
    const sent = fake(() => Response.json({ type: "error", error: { type: "invalid_request_error", message: "max_tokens: too large" } }, { status: 400 }));
    const result = await new ClaudeClient(SETTINGS).structured(call);
    expect(result).toEqual({ ok: false, error: expect.stringMatching(/^API error 400: .*max_tokens: too large/) });
    expect(sent).toHaveLength(1);
  });
});
