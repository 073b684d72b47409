// The salted visitor hash (shared/privacy.ts) with a bounded isolate cache: the opt-out check and the per-visitor
// rate limit both need it on /v1/rank, and visitors repeat, so each id costs one HMAC per isolate, not per request.
import { hashVisitorId } from "../../shared/privacy";

/** Bounded like the queue consumer's cache: cleared when full, so memory stays flat under a flood of new ids. */
const MAX_ENTRIES = 50_000;
const hashes = new Map<string, string>();
let cachedSalt: string | null = null;

export async function cachedVisitorHash(salt: string, visitorId: string): Promise<string> {
  // A different salt (tests, a rotated secret) must never answer with hashes made under the old one.
  if (salt !== cachedSalt) {
    hashes.clear();
    cachedSalt = salt;
  }
  const hit = hashes.get(visitorId);
  if (hit !== undefined) return hit;
  const hash = await hashVisitorId(salt, visitorId);
  if (hashes.size >= MAX_ENTRIES) hashes.clear();
  hashes.set(visitorId, hash);
  return hash;
}
