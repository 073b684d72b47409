// The Worker entry: HTTP through Hono, the queue consumer, and the Durable Object classes.
import { app } from "./app";
import { handleQueue } from "./queue/consumer";

export { BanditShard } from "./bandit/shard";
export { VisitorProfileStore } from "./feature-store/durable-object";

export default {
  fetch: app.fetch,
  queue: handleQueue,
} satisfies ExportedHandler<Env>;
