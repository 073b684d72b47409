// The storefront SDK served at /sdk.js: installs `window.aura`, its only global. A page that includes the script
// twice keeps the first instance, so listeners, queues and wiring are never doubled.
import { createAura } from "./aura";
import type { Aura } from "./types";

export type * from "./types";

const host = window as Window & { aura?: Partial<Aura> };
// A placeholder the page may have set (not one with our API) is replaced; a working instance is kept.
if (typeof host.aura?.init !== "function") host.aura = createAura();
