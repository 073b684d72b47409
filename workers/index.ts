// The Worker entry: HTTP through Hono, the queue consumer, cron jobs, and the Durable Object classes.
import { app } from "./app";
import { handleQueue } from "./queue/consumer";
import { handleScheduled } from "./scheduled";

export { BanditShard } from "./bandit/shard";
export { VisitorProfileStore } from "./feature-store/durable-object";

export default {
  fetch: app.fetch,
  queue: handleQueue,
  scheduled: handleScheduled,
} satisfies ExportedHandler<Env>;
