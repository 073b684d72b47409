// The JSON text of a /v1/rank answer. Most of it is shared from answer to answer: an item's metadata is one
// frozen object per catalog item and snapshot, and a visitor's segment one frozen object per remembered view. Their
// text is kept per object, so an answer serializes only what is its own (ids, scores, reasons). Serializing the
// whole answer every time was about a tenth of /v1/rank's CPU in workerd (bench/profile-worker.ts).
import type { RankResponse } from "./schemas";

const textOf = new WeakMap<object, string>();

/** JSON.stringify of a value that never changes once frozen: computed once per object. */
function frozenJson(value: object | null): string {
  if (value === null || !Object.isFrozen(value)) return JSON.stringify(value);
  let text = textOf.get(value);
  if (text === undefined) {
    text = JSON.stringify(value);
    textOf.set(value, text);
  }
  return text;
}

type RankedItem = RankResponse["items"][number];

function itemJson(item: RankedItem): string {
  // The keys decideRank builds, in its order; an item carrying anything else goes through JSON.stringify whole.
  let keys = 0;
  for (const _ in item) keys++;
  if (keys !== ("components" in item ? 6 : 5)) return JSON.stringify(item);
  let text = `{"content_id":${JSON.stringify(item.content_id)},"score":${JSON.stringify(item.score)},"propensity":${JSON.stringify(item.propensity)},"reason":${JSON.stringify(item.reason)},"metadata":${frozenJson(item.metadata)}`;
  if (item.components !== undefined) text += `,"components":${JSON.stringify(item.components)}`;
  return `${text}}`;
}

/** Exactly `JSON.stringify(body)` (same keys, order and numbers), with the shared parts' text reused. */
export function rankResponseJson(body: RankResponse): string {
  let out = "{";
  let first = true;
  for (const key of Object.keys(body) as (keyof RankResponse)[]) {
    const value = body[key];
    if (value === undefined) continue;
    out += `${first ? "" : ","}${JSON.stringify(key)}:`;
    first = false;
    if (key === "items") out += `[${body.items.map(itemJson).join(",")}]`;
    else if (key === "segment") out += frozenJson(body.segment);
    else out += JSON.stringify(value);
  }
  return `${out}}`;
}
