// What the page tells about the visit: the device class, UTM tags, the URL and page type the contract records.
import type { Device, Utm } from "./types";

/**
 * A cheap heuristic, good enough for persona features: the UA when it says so, else a coarse pointer on a
 * small or large screen (iPadOS reports a desktop UA but a coarse pointer).
 */
export function detectDevice(): Device {
  const ua = navigator.userAgent;
  if (/iPad|Tablet|Android(?!.*Mobile)/i.test(ua)) return "tablet";
  if (/Mobi|iPhone|iPod/i.test(ua)) return "mobile";
  if (typeof matchMedia === "function" && matchMedia("(pointer: coarse)").matches) {
    return Math.min(screen.width, screen.height) >= 600 ? "tablet" : "mobile";
  }
  return "desktop";
}

/** The utm_* tags of this page's URL, cut to the server's 100 characters; undefined when there are none. */
export function readUtm(): Utm | undefined {
  const query = new URLSearchParams(location.search);
  let utm: Utm | undefined;
  for (const tag of ["source", "medium", "campaign", "content", "term"] as const) {
    const value = query.get(`utm_${tag}`);
    if (value) (utm ??= {})[tag] = value.slice(0, 100);
  }
  return utm;
}

export const pagePath = (): string => location.pathname + location.search;

export const metaPageType = (): string | undefined =>
  document.querySelector('meta[name="aura:page-type"]')?.getAttribute("content") || undefined;

/** Runs `start` once the DOM is parsed (at once when it already is). */
export function whenReady(start: () => void): void {
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start, { once: true });
  else start();
}
