// Who the visitor is, from first-party state only: the anonymous id and consent live in cookies so the CDN can
// read them on page requests; the session lives in sessionStorage so it ends with the tab.

export const ANON_COOKIE = "aura_aid";
export const CONSENT_COOKIE = "aura_consent";
export const SESSION_KEY = "aura_sid";
/** Last activity (epoch ms) of the session in SESSION_KEY. */
export const SESSION_ACTIVITY_KEY = "aura_sid_at";
export const SESSION_IDLE_MS = 30 * 60_000;

/** What the server accepts as an id (shared/api/schemas.ts idString): reuse any such id the CDN set. */
const SERVER_ID = /^[\w.:@-]{1,128}$/;
const SESSION_ID = /^sess_[0-9a-f]{16}$/;
/** The server's consent list: at most 20 names of 1-40 chars; commas and semicolons would break the cookie. */
const CONSENT_NAME = /^[\w-]{1,40}$/;

export const randomHex = (chars: number): string =>
  Array.from(crypto.getRandomValues(new Uint8Array(chars / 2)), (b) => b.toString(16).padStart(2, "0")).join("");

// document.cookie throws in sandboxed frames: then the memory copies below carry the page.
export function readCookie(name: string): string | undefined {
  try {
    for (const pair of document.cookie.split(";")) {
      const eq = pair.indexOf("=");
      if (eq > 0 && pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim();
    }
  } catch {
    // No cookies here.
  }
  return undefined;
}

/** A year, readable by the server (not HttpOnly), and Secure whenever the page is. */
function writeCookie(name: string, value: string, maxAge = 31536000): void {
  try {
    document.cookie = `${name}=${value}; path=/; max-age=${maxAge}; SameSite=Lax${location.protocol === "https:" ? "; Secure" : ""}`;
  } catch {
    // No cookies here.
  }
}

/** An identifying cookie needs consent to analytics or personalization (the CDN follows the same rule). */
function allowsId(consent: readonly string[]): boolean {
  return consent.includes("analytics") || consent.includes("personalization");
}

/** sessionStorage can throw (storage disabled, private modes, quota): the caller falls back to memory. */
export const sessionStore = {
  get(key: string): string | null {
    try {
      return sessionStorage.getItem(key);
    } catch {
      return null;
    }
  },
  set(key: string, value: string): void {
    try {
      sessionStorage.setItem(key, value);
    } catch {
      // The in-memory copy keeps working for this page.
    }
  },
};

export function cleanConsent(list: unknown): string[] {
  return Array.isArray(list)
    ? [...new Set(list.filter((name): name is string => typeof name === "string" && CONSENT_NAME.test(name)))].slice(0, 20)
    : [];
}

export interface Identity {
  anonId(): string;
  sessionId(): string;
  consent(): string[];
  setConsent(list: string[]): string[];
}

/** `defaultConsent` is read at each call because init may set it after the first call. */
export function createIdentity(defaultConsent: () => string[]): Identity {
  // Memory copies keep ids stable on this page when cookies or storage are blocked.
  let anon: string | undefined;
  let session: string | undefined;
  let sessionActivity = 0;
  let statedConsent: string | undefined;

  const identity: Identity = {
    anonId() {
      const fromCookie = readCookie(ANON_COOKIE);
      if (fromCookie && SERVER_ID.test(fromCookie)) return fromCookie;
      anon ??= `anon_${randomHex(24)}`;
      // Without consent the id lives only in this page's memory: nothing identifying is stored.
      if (allowsId(identity.consent())) writeCookie(ANON_COOKIE, anon);
      return anon;
    },

    // Every call is activity: the SDK asks for the session only when it tracks, ranks or reports.
    sessionId() {
      const now = Date.now();
      const stored = sessionStore.get(SESSION_KEY) ?? session;
      const last = Number(sessionStore.get(SESSION_ACTIVITY_KEY) ?? sessionActivity);
      session = stored && SESSION_ID.test(stored) && now - last <= SESSION_IDLE_MS ? stored : `sess_${randomHex(16)}`;
      sessionActivity = now;
      sessionStore.set(SESSION_KEY, session);
      sessionStore.set(SESSION_ACTIVITY_KEY, String(now));
      return session;
    },

    consent() {
      // An empty cookie is a stated "nothing", which must not fall back to the site's default.
      const stated = readCookie(CONSENT_COOKIE) ?? statedConsent;
      return stated === undefined ? cleanConsent(defaultConsent()) : cleanConsent(stated.split(","));
    },

    setConsent(list) {
      const clean = cleanConsent(list);
      statedConsent = clean.join(",");
      writeCookie(CONSENT_COOKIE, statedConsent);
      if (allowsId(clean)) {
        // Consent given: keep the id this page has been using, so the next page is the same visitor.
        if (!readCookie(ANON_COOKIE)) identity.anonId();
      } else if (readCookie(ANON_COOKIE)) {
        // Consent withdrawn: the identifying cookie goes.
        writeCookie(ANON_COOKIE, "", 0);
      }
      return clean;
    },
  };
  return identity;
}
