// POST /v1/safety/screen: the same layered screen campaign variants go through (local rules, then Claude as a
// classifier when a key is set), for any text an operator wants checked.
import { Hono } from "hono";
import * as z from "zod";
import { ClaudeClient, llmSettings } from "../llm/claude";
import { brandEmailDomains, screenLayered } from "../campaigns/screening";
import { readJson, type AppEnv } from "../http/middleware";

export const safetyRouter = new Hono<AppEnv>();

export const ScreenRequest = z.strictObject({
  text: z.string().min(1).max(20_000),
  channel: z.enum(["email", "sms", "push", "web"]).default("email"),
});

safetyRouter.post("/screen", async (c) => {
  const req = await readJson(c, ScreenRequest);
  const settings = llmSettings(c.env);
  return c.json(await screenLayered(req.text, req.channel, settings ? new ClaudeClient(settings) : null, brandEmailDomains(c.env)));
});
