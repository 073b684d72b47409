// Deterministic SVG illustrations for catalog items, so the demo storefront needs no image hosting and a
// card looks the same on every request: colour from a hash of the id, the title's initials, a kind icon.
import { hash32 } from "../../shared/hash";
import type { Item } from "../../shared/catalog/item";
import { escapeHtml } from "./html";

export const IMAGE_WIDTH = 320;
export const IMAGE_HEIGHT = 240;

/** 24×24 line icons, stroked in the card's dark tone; keyed by category, then kind. */
const icons: Readonly<Record<string, string>> = {
  photo: '<rect x="2.5" y="6.5" width="19" height="14" rx="3"/><circle cx="12" cy="13.5" r="4"/><path d="M8 6.5 9.8 3.5h4.4L16 6.5"/>',
  vector: '<path d="M4 20C6 11 12 8 20 4"/><rect x="2" y="18" width="4" height="4"/><rect x="18" y="2" width="4" height="4"/><path d="M4 12h6M17 20v-6"/>',
  bundle: '<path d="M3 7.5 12 3l9 4.5v9L12 21l-9-4.5z"/><path d="M3 7.5 12 12l9-4.5M12 12v9"/>',
  pro_gear: '<rect x="2.5" y="3.5" width="19" height="13" rx="2"/><path d="M8 21h8M12 16.5V21"/>',
  tutorial: '<circle cx="12" cy="12" r="9.5"/><path d="m10 8 6 4-6 4z"/>',
  content: '<path d="M4 5.5A2.5 2.5 0 0 1 6.5 3H20v15H6.5A2.5 2.5 0 0 0 4 20.5z"/><path d="M4 20.5V5.5M8.5 7.5h7M8.5 11h5"/>',
  unknown: '<path d="m12 3 2.6 5.9 6.4.6-4.8 4.3 1.4 6.3L12 16.8 6.4 20.1l1.4-6.3L3 9.5l6.4-.6z"/>',
};

/** Words too small to carry a title's initials. */
const minorWords = new Set(["a", "an", "and", "the", "of", "for", "to", "in", "on", "with", "vs"]);

/** Up to two initials from the title's significant words: "Golden Hour Lightroom Presets" → "GH". */
export function titleInitials(title: string): string {
  const words = title.split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 0);
  const significant = words.filter((w) => !minorWords.has(w.toLowerCase()));
  const chosen = (significant.length > 0 ? significant : words).slice(0, 2);
  return chosen.map((w) => [...w][0]!.toUpperCase()).join("");
}

/** HSL (h in degrees, s and l in 0..1) to #rrggbb, so the SVG works in renderers without CSS colour syntax. */
function hslToHex(h: number, s: number, l: number): string {
  const a = s * Math.min(l, 1 - l);
  const channel = (n: number): string => {
    const k = (n + h / 30) % 12;
    const value = l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(value * 255).toString(16).padStart(2, "0");
  };
  return `#${channel(0)}${channel(8)}${channel(4)}`;
}

/**
 * The illustration for an item, or a neutral one for an id the catalog does not know (an item uploaded after
 * this isolate loaded its catalog must not show a broken image). Same id and title → byte-identical SVG.
 */
export function itemIllustration(id: string, item: Pick<Item, "title" | "kind" | "category"> | undefined): string {
  const h = hash32(id);
  const hue = h % 360;
  // Lightness stays low so the white initials keep a contrast above 4.5:1 on both gradient stops.
  const from = hslToHex(hue, 0.55, 0.36);
  const to = hslToHex((hue + 40) % 360, 0.6, 0.24);
  const ink = hslToHex(hue, 0.6, 0.22);
  const shapes = [0, 1, 2]
    .map((n) => {
      const bits = hash32(`${id}:${n}`);
      const cx = bits % IMAGE_WIDTH;
      const cy = (bits >>> 9) % IMAGE_HEIGHT;
      const r = 30 + ((bits >>> 18) % 70);
      const opacity = (0.06 + ((bits >>> 25) % 8) / 100).toFixed(2);
      return `<circle cx="${cx}" cy="${cy}" r="${r}" fill="#ffffff" fill-opacity="${opacity}"/>`;
    })
    .join("");
  const icon = item ? (icons[item.category] ?? icons[item.kind] ?? icons["unknown"]!) : icons["unknown"]!;
  const initials = item ? escapeHtml(titleInitials(item.title)) : "";
  const label = item ? escapeHtml(item.title) : "Catalog item";
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${IMAGE_WIDTH} ${IMAGE_HEIGHT}" width="${IMAGE_WIDTH}" height="${IMAGE_HEIGHT}" role="img" aria-label="${label}">` +
    `<title>${label}</title>` +
    `<defs><linearGradient id="bg" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${from}"/><stop offset="1" stop-color="${to}"/></linearGradient></defs>` +
    `<rect width="${IMAGE_WIDTH}" height="${IMAGE_HEIGHT}" fill="url(#bg)"/>` +
    shapes +
    `<circle cx="264" cy="56" r="32" fill="#ffffff" fill-opacity="0.92"/>` +
    `<g transform="translate(246 38) scale(1.5)" fill="none" stroke="${ink}" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round">${icon}</g>` +
    (initials
      ? `<text x="28" y="208" fill="#ffffff" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" font-size="76" font-weight="700" letter-spacing="-2">${initials}</text>`
      : "") +
    `</svg>`
  );
}

/** The storefront's mark, served as its favicon so browsers do not request a missing /favicon.ico. */
export const FAVICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="8" fill="#4527a0"/>' +
  '<path d="M9 23 16 8l7 15M11.5 18h9" fill="none" stroke="#ffffff" stroke-width="3" stroke-linecap="round" stroke-linejoin="round"/></svg>';
