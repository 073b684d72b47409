// The decision snapshot: everything the hot path needs, built once from the catalog and configuration and
// then shared by every request an isolate serves until the next background refresh.
import type { Item } from "../catalog/item";
import type { AuraConfig } from "../config/schema";
import { buildContentIndex, type ContentIndex } from "../content/search";
import { compilePersonaModel, type PersonaModel } from "../persona/classify";
import { buildRankIndex, type RankIndex } from "../ranking/index";
import { decodeItemVectors, type ItemVectorSnapshot } from "../recsys/vectors";

/** The nightly collaborative-filtering model as the hot path uses it. */
export interface CfModel {
  /** The model version (model_versions id) it was loaded from. */
  version: string;
  vectors: ItemVectorSnapshot;
  /** Row in `vectors` of each rank-index item, -1 for items the model has not seen (cold start: content only). */
  rowOf: Int32Array;
}

/** Decodes a published model for this snapshot's items; an undecodable one is ignored (ranking stays content-based). */
export function attachCf(snapshot: DecisionSnapshot, version: string, published: unknown): CfModel | null {
  let vectors: ItemVectorSnapshot;
  try {
    vectors = decodeItemVectors(published);
  } catch {
    return null;
  }
  const rowOf = new Int32Array(snapshot.index.items.length).fill(-1);
  snapshot.index.items.forEach((item, i) => {
    const r = vectors.items.index.get(item.id);
    if (r !== undefined) rowOf[i] = r;
  });
  snapshot.cf = { version, vectors, rowOf };
  return snapshot.cf;
}

export interface DecisionSnapshot {
  /** Catalog version the snapshot was built from (changes on every admin upsert). */
  version: string;
  builtAt: number;
  index: RankIndex;
  personaModel: PersonaModel;
  /** Built on first use: only content search needs it, and ranking should not pay for it. */
  content(): ContentIndex;
  /** Item vectors of the active collaborative-filtering model, when there is one. */
  cf: CfModel | null;
  /** The nightly re-fitted persona weights in use (model_versions id), or null for the configured ones. */
  personaVersion: string | null;
}

export function buildSnapshot(items: readonly Item[], config: AuraConfig, version: string, now: number): DecisionSnapshot {
  let content: ContentIndex | undefined;
  return {
    version,
    builtAt: now,
    index: buildRankIndex(items, config, now),
    personaModel: compilePersonaModel(config.persona),
    content: () => (content ??= buildContentIndex(items)),
    cf: null,
    personaVersion: null,
  };
}
