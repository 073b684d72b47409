// Claude through @anthropic-ai/sdk, for campaign generation and the safety classifier: structured output
// validated by zod, the shared context prompt-cached, a per-call timeout, retries with backoff on 429/5xx (the
// SDK's, which honour retry-after), a concurrency limit, and token and cost accounting per campaign.
import { BaseAnthropic } from "@anthropic-ai/sdk/client";
import { APIError } from "@anthropic-ai/sdk/error";
import { Messages, type TextBlockParam, type Usage } from "@anthropic-ai/sdk/resources/messages";
import * as z from "zod";

/**
 * The client with the one resource aura calls. The SDK's default export wires every resource (beta, files,
 * models, skills, …) and bundled to 1 MB, a third of the Worker; every cold isolate parsed it before its first
 * request. The base client with Messages alone bundles to about 0.3 MB and sends the same requests.
 */
class MessagesClient extends BaseAnthropic {
  readonly messages = new Messages(this);
}

/**
 * The SDK's network boundary. Production uses the runtime's fetch; tests replace it with a fake (the only
 * place the LLM is faked: everything above it, SDK included, runs for real).
 */
export const llmTransport: { fetch: typeof fetch } = { fetch: (input, init) => fetch(input, init) };

/** Secrets that may be absent (the template generator and local screen serve without them). */
export interface LlmSecrets {
  ANTHROPIC_API_KEY?: string;
}

export interface LlmSettings {
  apiKey: string;
  model: string;
  timeoutMs: number;
  maxRetries: number;
  concurrency: number;
}

/** Claude settings when a key is set, else null. */
export function llmSettings(env: Env): LlmSettings | null {
  const key = (env as Env & LlmSecrets).ANTHROPIC_API_KEY;
  if (!key) return null;
  return {
    apiKey: key,
    model: env.ANTHROPIC_MODEL || "claude-sonnet-5-5",
    timeoutMs: Number(env.LLM_TIMEOUT_MS || "30000"),
    maxRetries: Number(env.LLM_MAX_RETRIES || "3"),
    concurrency: Math.max(1, Number(env.LLM_CONCURRENCY || "4")),
  };
}

/**
 * USD per million tokens: input, output, cache write (5-minute), cache read. Unknown models report no cost.
 * Sonnet 5.5's cache reads went from $0.20 to $0.10 on 2026-10-07.
 */
const PRICES: Record<string, [number, number, number, number]> = {
  "claude-opus-4-5": [5, 25, 6.25, 0.5],
  "claude-sonnet-4-5": [3, 15, 3.75, 0.3],
  "claude-sonnet-4-6": [3, 15, 3.75, 0.3],
  "claude-sonnet-5": [2, 10, 2.5, 0.2],
  "claude-sonnet-5-5": [2, 10, 2.5, 0.1],
  "claude-haiku-4-5": [1, 5, 1.25, 0.1],
};

/**
 * Tokens allowed for thinking on top of an answer's own `maxTokens`. Sonnet 5 and later think adaptively by
 * default (Sonnet 5.5 refuses to turn it off), and thinking counts against max_tokens: a 400-token cap sized for
 * the answer alone would end some calls at max_tokens with no answer. A cap is not a charge: only the tokens
 * generated are billed.
 */
export const THINKING_ALLOWANCE_TOKENS = 8000;

export interface LlmUsage {
  requests: number;
  failures: number;
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cost_usd: number | null;
}

export function emptyUsage(): LlmUsage {
  return { requests: 0, failures: 0, input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, cost_usd: 0 };
}

/**
 * The JSON schema for the API's structured-output format, made from the zod schema that validates the answer
 * (so the two cannot drift) on a schema's first call: the isolates that never call Claude (all that serve
 * ranking and pages) do not build it at start-up.
 */
const jsonSchemas = new WeakMap<z.ZodType, Record<string, unknown>>();
function outputJsonSchema(schema: z.ZodType): Record<string, unknown> {
  let json = jsonSchemas.get(schema);
  if (!json) jsonSchemas.set(schema, (json = z.toJSONSchema(schema, { target: "draft-7" }) as Record<string, unknown>));
  return json;
}

export type StructuredResult<T> = { ok: true; value: T } | { ok: false; error: string };

export class ClaudeClient {
  private readonly client: MessagesClient;
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly settings: LlmSettings,
    readonly usage: LlmUsage = emptyUsage(),
  ) {
    this.client = new MessagesClient({ apiKey: settings.apiKey, timeout: settings.timeoutMs, maxRetries: settings.maxRetries, fetch: (input, init) => llmTransport.fetch(input, init) });
  }

  /**
   * One structured call: the system prompt and the cached context (identical across a campaign's calls, so
   * after the first they are read from the prompt cache), the request, and the answer parsed as JSON and
   * validated by `schema`. Transport failures that survive the SDK's retries, refusals and invalid answers come
   * back as `{ ok: false }` with the reason: callers decide whether to retry with feedback or fall back.
   */
  async structured<T>(opts: { system: string; cachedContext?: string; user: string; schema: z.ZodType<T>; maxTokens: number }): Promise<StructuredResult<T>> {
    await this.acquire();
    try {
      this.usage.requests++;
      const system: TextBlockParam[] = [{ type: "text", text: opts.system }];
      if (opts.cachedContext) system.push({ type: "text", text: opts.cachedContext, cache_control: { type: "ephemeral" } });
      const message = await this.client.messages.create({
        model: this.settings.model,
        max_tokens: opts.maxTokens + THINKING_ALLOWANCE_TOKENS,
        system,
        messages: [{ role: "user", content: opts.user }],
        output_config: { format: { type: "json_schema", schema: outputJsonSchema(opts.schema) } },
      });
      this.account(message.usage);
      if (message.stop_reason === "refusal") return this.fail("the model declined the request");
      if (message.stop_reason === "max_tokens") return this.fail("the answer was cut off at max_tokens");
      const text = message.content.flatMap((b) => (b.type === "text" ? [b.text] : [])).join("");
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        return this.fail("the answer was not valid JSON");
      }
      const parsed = opts.schema.safeParse(json);
      if (!parsed.success) return this.fail(`the answer did not match the schema: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join(".") || "(root)"} ${i.message}`).join("; ")}`);
      return { ok: true, value: parsed.data };
    } catch (err) {
      return this.fail(err instanceof APIError ? `API error ${err.status ?? "(no status)"}: ${err.message}` : err instanceof Error ? err.message : String(err));
    } finally {
      this.release();
    }
  }

  private fail(error: string): StructuredResult<never> {
    this.usage.failures++;
    return { ok: false, error };
  }

  private account(u: Usage): void {
    this.usage.input_tokens += u.input_tokens;
    this.usage.output_tokens += u.output_tokens;
    this.usage.cache_creation_input_tokens += u.cache_creation_input_tokens ?? 0;
    this.usage.cache_read_input_tokens += u.cache_read_input_tokens ?? 0;
    const price = PRICES[this.settings.model];
    this.usage.cost_usd = price
      ? Math.round(
          ((this.usage.input_tokens * price[0] + this.usage.output_tokens * price[1] + this.usage.cache_creation_input_tokens * price[2] + this.usage.cache_read_input_tokens * price[3]) / 1e6) * 1e6,
        ) / 1e6
      : null;
  }

  private async acquire(): Promise<void> {
    if (this.active < this.settings.concurrency) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
  }

  private release(): void {
    this.active--;
    this.waiting.shift()?.();
  }
}
