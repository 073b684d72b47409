// The bench serves the Worker with wrangler.toml's bindings, read by a small parser (bench/server.ts): what it
// binds must be what the file declares, or the bench measures a different Worker.
import { describe, expect, it } from "vitest";
import { parseWranglerToml, readWranglerConfig } from "./server";

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
});
