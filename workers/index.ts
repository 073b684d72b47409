import { DurableObject } from "cloudflare:workers";
export class VisitorProfileStore extends DurableObject<Env> {
  async ping(): Promise<string> { return "pong"; }
}
export default { async fetch() { return new Response("hi"); } } satisfies ExportedHandler<Env>;
