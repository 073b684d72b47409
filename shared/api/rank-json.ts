// JSON for a /v1/rank answer, byte for byte what JSON.stringify gives, reusing the JSON of the parts that are
// shared between answers: item metadata (one frozen object per catalog item) and the visitor's segment
// (remembered per profile). The answer is the hot path's largest allocation and its stringify the largest
// single cost after ranking (issue 9's profile); most of its bytes are those shared parts.
import type { RankResponse } from "./schemas";

/** JSON of objects known not to change once built (frozen metadata, remembered segments), keyed weakly. */
const jsonOf = new WeakMap<object, string>();

function sharedJson(value: object): string {
  let json = jsonOf.get(value);
  if (json === undefined) {
    json = JSON.stringify(value);
    jsonOf.set(value, json);
  }
  return json;
}

/** JSON.stringify of an object, one key at a time, with `special` deciding a key's JSON when it returns one. */
function objectJson(value: Record<string, unknown>, special: (key: string, v: unknown) => string | undefined): string {
  let out = "{";
  let first = true;
  for (const key in value) {
    const v = value[key];
    const json = special(key, v) ?? JSON.stringify(v);
    // JSON.stringify leaves out undefined (and functions): so does this.
    if (json === undefined) continue;
    out += `${first ? "" : ","}${JSON.stringify(key)}:${json}`;
    first = false;
  }
  return `${out}}`;
}

/** Only frozen objects are shared: a frozen object (and, as built here, its frozen parts) cannot go stale. */
const frozen = (v: unknown): v is object => v !== null && typeof v === "object" && Object.isFrozen(v);

const itemPart = (key: string, v: unknown) => (key === "metadata" && frozen(v) ? sharedJson(v) : undefined);

export function serializeRankResponse(body: RankResponse): string {
  return objectJson(body as unknown as Record<string, unknown>, (key, v) => {
    if (key === "items" && Array.isArray(v)) return `[${v.map((item: Record<string, unknown>) => objectJson(item, itemPart)).join(",")}]`;
    if (key === "segment" && frozen(v)) return sharedJson(v);
    return undefined;
  });
}
