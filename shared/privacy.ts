// Visitor ids never reach logs or D1 in the clear: they are keyed hashes (HMAC-SHA-256 with a secret salt),
// stable for joins and erasure, useless to anyone without the salt.
const encoder = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

function hmacKey(salt: string): Promise<CryptoKey> {
  let key = keys.get(salt);
  if (!key) {
    key = crypto.subtle.importKey("raw", encoder.encode(salt), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    keys.set(salt, key);
  }
  return key;
}

export async function hashVisitorId(salt: string, visitorId: string): Promise<string> {
  const mac = await crypto.subtle.sign("HMAC", await hmacKey(salt), encoder.encode(visitorId));
  let hex = "";
  for (const b of new Uint8Array(mac).subarray(0, 16)) hex += b.toString(16).padStart(2, "0");
  return `vh_${hex}`;
}
