// The decision snapshot: everything the hot path needs, built once from the catalog and configuration and
// then shared by every request an isolate serves until the next background refresh.
import type { Item } from "../catalog/item";
import type { AuraConfig } from "../config/schema";
import { buildContentIndex, type ContentIndex } from "../content/search";
import { compilePersonaModel, type PersonaModel } from "../persona/classify";
import { buildRankIndex, type RankIndex } from "../ranking/index";

export interface DecisionSnapshot {
  /** Catalog version the snapshot was built from (changes on every admin upsert). */
  version: string;
  builtAt: number;
  index: RankIndex;
  personaModel: PersonaModel;
  /** Built on first use: only content search needs it, and ranking should not pay for it. */
  content(): ContentIndex;
}

export function buildSnapshot(items: readonly Item[], config: AuraConfig, version: string, now: number): DecisionSnapshot {
  let content: ContentIndex | undefined;
  return {
    version,
    builtAt: now,
    index: buildRankIndex(items, config, now),
    personaModel: compilePersonaModel(config.persona),
    content: () => (content ??= buildContentIndex(items)),
  };
}
