// The Worker entry: HTTP (aura's API through Hono, storefront pages straight to the page path), the queue
// consumer, cron jobs, and the Durable Object classes.
import { handleFetch } from "./app";
import { handleQueue } from "./queue/consumer";
import { handleScheduled } from "./scheduled";

export { BanditShard } from "./bandit/shard";
export { VisitorProfileStore } from "./feature-store/durable-object";

export default {
  fetch: handleFetch,
  queue: handleQueue,
  scheduled: handleScheduled,
} satisfies ExportedHandler<Env>;
