// The isolate-level decision snapshot: built from D1 once, then served from memory and refreshed in the
// background (stale-while-revalidate) when older than SNAPSHOT_TTL_SECONDS. /v1/rank never waits on D1
// except for the very first request an isolate serves.
import { defaultConfig } from "../../shared/config/default";
import { attachCf, buildSnapshot, type DecisionSnapshot } from "../../shared/decision/snapshot";
import { refreshTimeScores } from "../../shared/ranking/index";
import { PersonaConfig } from "../../shared/config/schema";
import { compilePersonaModel } from "../../shared/persona/classify";
import { loadCatalog, loadCatalogVersion } from "./catalog";

let current: DecisionSnapshot | null = null;
let loading: Promise<DecisionSnapshot> | null = null;
let lastError: string | null = null;

/** Runs a snapshot job: records its error for /v1/admin/health and clears `loading` when it settles. */
async function track(job: () => Promise<DecisionSnapshot>): Promise<DecisionSnapshot> {
  try {
    const snapshot = await job();
    lastError = null;
    return snapshot;
  } catch (err) {
    lastError = err instanceof Error ? err.message : String(err);
    throw err;
  } finally {
    loading = null;
  }
}

async function rebuild(env: Env): Promise<DecisionSnapshot> {
  const { items, version } = await loadCatalog(env.DB);
  const snapshot = buildSnapshot(items, defaultConfig, version, Date.now());
  await syncCf(env, snapshot);
  await syncPersona(env, snapshot);
  current = snapshot;
  return current;
}

/** Rebuilds only when the catalog version moved; otherwise just brings clock-dependent scores up to date. */
async function refresh(env: Env, previous: DecisionSnapshot): Promise<DecisionSnapshot> {
  const version = await loadCatalogVersion(env.DB);
  if (version !== previous.version) return rebuild(env);
  refreshTimeScores(previous.index, Date.now());
  await syncCf(env, previous);
  await syncPersona(env, previous);
  previous.builtAt = Date.now();
  return previous;
}

const ACTIVE_CF = "FROM model_versions WHERE kind = 'cf_item_vectors' AND status = 'active' ORDER BY activated_at DESC LIMIT 1";

/**
 * Brings the snapshot's collaborative-filtering vectors to the active model version: a cheap id check on every
 * refresh, the vectors (tens of KB) only when the nightly job activated a new version. A failure keeps ranking
 * content-based, never fails it.
 */
async function syncCf(env: Env, snapshot: DecisionSnapshot): Promise<void> {
  try {
    const active = await env.DB.prepare(`SELECT id ${ACTIVE_CF}`).first<{ id: string }>();
    if (!active) {
      snapshot.cf = null;
      return;
    }
    if (snapshot.cf?.version === active.id) return;
    const row = await env.DB.prepare(`SELECT id, params ${ACTIVE_CF}`).first<{ id: string; params: string }>();
    if (row) attachCf(snapshot, row.id, JSON.parse(row.params));
  } catch (err) {
    console.warn(JSON.stringify({ level: "warn", cf_vectors: err instanceof Error ? err.message : String(err) }));
  }
}

export async function getSnapshot(env: Env, ctx: { waitUntil(p: Promise<unknown>): void }): Promise<DecisionSnapshot> {
  const ttlMs = Number(env.SNAPSHOT_TTL_SECONDS || "30") * 1000;
  if (current) {
    if (Date.now() - current.builtAt > ttlMs && !loading) {
      const previous = current;
      loading = track(() => refresh(env, previous));
      // A failed refresh keeps serving the previous snapshot; the error shows in /v1/admin/health.
      ctx.waitUntil(loading.catch(() => undefined));
    }
    return current;
  }
  if (!loading) {
    loading = track(() => rebuild(env));
    // The first build outlives the request that started it: a page stops waiting for it at its decision budget and
    // its response may end before the build does, and the runtime cancels what an ended request left running.
    // Without this, every page of a cold isolate serving only pages started a build and ended before it finished.
    ctx.waitUntil(loading.catch(() => undefined));
  }
  return loading;
}

/** After a catalog write in this isolate: rebuild now so the writer sees its own change. */
export async function refreshSnapshot(env: Env): Promise<DecisionSnapshot> {
  loading = track(() => rebuild(env));
  return loading;
}

export function snapshotStatus(): { version: string | null; age_ms: number | null; items: number; last_error: string | null } {
  return {
    version: current?.version ?? null,
    age_ms: current ? Date.now() - current.builtAt : null,
    items: current?.index.items.length ?? 0,
    last_error: lastError,
  };
}

const ACTIVE_PERSONA = "FROM model_versions WHERE kind = 'persona_weights' AND status = 'active' ORDER BY activated_at DESC LIMIT 1";

/** The persona weights the nightly refresh activated (validated again here), or the configured ones. */
async function syncPersona(env: Env, snapshot: DecisionSnapshot): Promise<void> {
  try {
    const active = await env.DB.prepare(`SELECT id ${ACTIVE_PERSONA}`).first<{ id: string }>();
    if ((active?.id ?? null) === snapshot.personaVersion) return;
    if (!active) {
      snapshot.personaModel = compilePersonaModel(defaultConfig.persona);
      snapshot.personaVersion = null;
      return;
    }
    const row = await env.DB.prepare(`SELECT params ${ACTIVE_PERSONA}`).first<{ params: string }>();
    const parsed = row ? PersonaConfig.safeParse(JSON.parse(row.params)) : null;
    if (!parsed?.success) return;
    snapshot.personaModel = compilePersonaModel(parsed.data);
    snapshot.personaVersion = active.id;
  } catch (err) {
    console.warn(JSON.stringify({ level: "warn", persona_weights: err instanceof Error ? err.message : String(err) }));
  }
}
