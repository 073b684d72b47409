// The bench serves the Worker with wrangler.toml's bindings, read by a small parser (bench/server.ts): what it
// binds must be what the file declares, or the bench measures a different Worker.
import { describe, expect, it } from "vitest";
import { auraOptions, parseWranglerToml, readWranglerConfig } from "./server";

describe("the bench's reading of wrangler.toml", () => {
  it("keeps an inline table as its text", () => {
    const { arrays } = parseWranglerToml('[[ratelimits]]\nname = "RL"\nsimple = { limit = 600, period = 10 }\n');
    expect(arrays.ratelimits).toEqual([{ name: "RL", simple: "{ limit = 600, period = 10 }" }]);
  });

  it("binds every [[ratelimits]] entry wrangler.toml declares, with its period", () => {
    const limits = readWranglerConfig().rateLimits;
    expect(limits.map((l) => l.name)).toEqual(expect.arrayContaining(["RATE_LIMIT_RANK_IP", "RATE_LIMIT_RANK_ANON", "RATE_LIMIT_EVENTS_ANON", "RATE_LIMIT_FEEDBACK_DECISION"]));
    expect(limits).toHaveLength(8);
    for (const l of limits) expect([10, 60]).toContain(l.period);
  });

  // It bound only the first entry until 2026-11-22: BANDIT_SHARDS was missing, and with no experiment running
  // the rank path never needed it, so the bench measured ranks without the experiment step.
  it("binds every Durable Object class wrangler.toml declares, kept resident", () => {
    const options = auraOptions("index.js", "/tmp/state", []);
    const worker = "workers" in options ? options.workers[0] : undefined;
    expect(Object.keys(worker?.durableObjects ?? {}).sort()).toEqual(["BANDIT_SHARDS", "VISITOR_PROFILES"]);
    expect(worker?.durableObjects?.BANDIT_SHARDS).toMatchObject({ className: "BanditShard", useSQLite: true, unsafePreventEviction: true });
  });

  // Until 2026-11-22 it bound only the first consumer: a message the main queue gave up on went to a dead-letter
  // queue nothing consumed, so the bench could not have shown an accepted event being parked rather than lost.
  it("binds both queue consumers, the main queue handing its failures to the dead-letter queue's", () => {
    const options = auraOptions("index.js", "/tmp/state", []);
    const consumers = ("workers" in options ? options.workers[0]?.queueConsumers : undefined) as Record<string, { maxRetries?: number; deadLetterQueue?: string }> | undefined;
    expect(Object.keys(consumers ?? {}).sort()).toEqual(["aura-feedback", "aura-feedback-dlq"]);
    expect(consumers?.["aura-feedback"]).toMatchObject({ maxBatchSize: 100, maxBatchTimeout: 1, maxRetries: 5, deadLetterQueue: "aura-feedback-dlq" });
    expect(consumers?.["aura-feedback-dlq"]).toMatchObject({ maxRetries: 100 });
  });
});
