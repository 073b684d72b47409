// POST /v1/events when the queue fails: accepted only once queued, after a few quick retries; refused (and nothing
// written to the profile) when the queue stays down.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, consentAll, expectError, json, minutesAgo } from "../test/helpers";

/** A queue binding that fails its first `failures` sends, then records what it is sent. */
function flakyQueue(failures: number) {
  const sent: unknown[] = [];
  let attempts = 0;
  const send = async (body: unknown) => {
    if (attempts++ < failures) throw new Error("injected: queue hiccup");
    sent.push(body);
  };
  return { sent, attempts: () => attempts, binding: { send, sendBatch: async () => undefined } };
}

const body = (anonId: string) => ({ anon_id: anonId, consent: consentAll, events: [{ type: "page_view", ts: minutesAgo(1), url: "/collections/photo", page_type: "collection", category: "photo" }] });
const profileOf = (anonId: string) => env.VISITOR_PROFILES.get(env.VISITOR_PROFILES.idFromName(anonId)).getProfile();

describe("POST /v1/events and a failing queue", () => {
  it("retries a send that fails, and accepts the events once queued", async () => {
    const queue = flakyQueue(2);
    const res = await call("/v1/events", { body: body("anon_q_flaky"), env: { EVENTS_QUEUE: queue.binding } });
    expect(res.status).toBe(202);
    expect(await json(res)).toEqual({ accepted: 1 });
    expect(queue.attempts()).toBe(3);
    expect(queue.sent).toHaveLength(1);
    expect((await profileOf("anon_q_flaky"))!.event_count).toBe(1);
  });

  it("answers 503 with nothing stored when every attempt fails", async () => {
    const queue = flakyQueue(Number.POSITIVE_INFINITY);
    const res = await call("/v1/events", { body: body("anon_q_down"), env: { EVENTS_QUEUE: queue.binding } });
    const error = await expectError(res, 503, "queue_unavailable");
    expect(error.message).toMatch(/nothing was stored/);
    expect(res.headers.get("retry-after")).toBe("5");
    expect(queue.attempts()).toBe(4);
    expect(await profileOf("anon_q_down")).toBeNull();
  });
});
