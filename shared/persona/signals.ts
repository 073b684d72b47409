// Normalises raw request signals (referrer URLs, devices, user agents) into the small vocabularies the
// classifier and segments use.

export const deviceClasses = ["mobile", "tablet", "desktop"] as const;
export type DeviceClass = (typeof deviceClasses)[number];

export const referrerClasses = ["social", "search", "email", "direct", "internal", "other"] as const;
export type ReferrerClass = (typeof referrerClasses)[number];

const SOCIAL_HOSTS = ["facebook.", "fb.", "instagram.", "tiktok.", "pinterest.", "twitter.", "t.co", "x.com", "linkedin.", "lnkd.in", "youtube.", "youtu.be", "reddit.", "threads.net", "snapchat.", "behance.", "dribbble."];
const SEARCH_HOSTS = ["google.", "bing.", "duckduckgo.", "yahoo.", "baidu.", "yandex.", "ecosia.", "search.brave.", "startpage."];
const EMAIL_HOSTS = ["mail.", "outlook.", "gmail.", "proton.me", "protonmail.", "newsletter", "list-manage.", "sendgrid.", "mailchi.mp", "klaviyo"];

/** Classifies where the visitor came from. `ownHost` marks internal navigation. */
export function classifyReferrer(referrer: string | null | undefined, ownHost?: string): ReferrerClass {
  if (!referrer) return "direct";
  let host: string;
  try {
    host = new URL(referrer).hostname.toLowerCase();
  } catch {
    return "other";
  }
  if (ownHost && (host === ownHost || host.endsWith(`.${ownHost}`))) return "internal";
  const matches = (list: readonly string[]) => list.some((h) => host.includes(h));
  if (matches(EMAIL_HOSTS)) return "email";
  if (matches(SOCIAL_HOSTS)) return "social";
  if (matches(SEARCH_HOSTS)) return "search";
  return "other";
}

/** The device class a storefront reported, else a best guess from the user agent, else desktop. */
export function resolveDevice(reported: string | null | undefined, userAgent: string | null | undefined): DeviceClass {
  if (reported === "mobile" || reported === "tablet" || reported === "desktop") return reported;
  const ua = userAgent ?? "";
  if (/iPad|Tablet|Nexus (7|9|10)|SM-T\d/i.test(ua)) return "tablet";
  if (/Mobi|iPhone|Android.+Mobile|Windows Phone/i.test(ua)) return "mobile";
  return "desktop";
}

/** UTM mediums as marketers write them ("Social", "paid_social", "e-mail") folded to one spelling. */
export function normaliseUtmMedium(medium: string | null | undefined): string | null {
  if (!medium) return null;
  const m = medium.trim().toLowerCase().replace(/[\s-]+/g, "_");
  if (/social|^sm$|^paid_social$/.test(m)) return "social";
  if (/^e_?mail$|newsletter/.test(m)) return "email";
  if (/^(cpc|ppc|paid_search|sem)$/.test(m)) return "cpc";
  return m.slice(0, 40);
}
