import { env, exports } from "cloudflare:workers";
import { it, expect } from "vitest";
it("works", async () => {
  const r = await exports.default.fetch("http://x/");
  expect(await r.text()).toBe("hi");
  const rows = await env.DB.prepare("select count(*) as n from items").first<{n:number}>();
  expect(rows?.n).toBe(0);
  const stub = env.VISITOR_PROFILES.get(env.VISITOR_PROFILES.idFromName("a"));
  expect(await stub.ping()).toBe("pong");
});
