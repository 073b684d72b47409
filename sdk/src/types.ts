// The SDK's public surface as the storefront sees it (`window.aura`), and the shapes it exchanges with the
// HTTP contract (/v1/rank, /v1/events, /v1/feedback). Hand-written rather than inferred from shared/'s zod
// schemas so the bundle never pulls zod into the page.

export type Device = "mobile" | "tablet" | "desktop";

export type EventType =
  | "page_view"
  | "click"
  | "search"
  | "add_to_cart"
  | "remove_from_cart"
  | "purchase"
  | "wishlist"
  | "quiz_answer";

export type RewardType = "impression" | "click" | "add_to_cart" | "purchase" | "dismiss";

export interface Utm {
  source?: string;
  medium?: string;
  campaign?: string;
  content?: string;
  term?: string;
}

export interface TrackProps {
  url?: string;
  page_type?: string;
  category?: string;
  product_id?: string;
  query?: string;
  value?: number;
  quiz?: { question: string; answer: string };
}

/** One event as POST /v1/events carries it. */
export interface ClickstreamEvent extends TrackProps {
  type: EventType;
  ts: string;
  referrer?: string | null;
  utm?: Utm;
}

export interface AuraInitOptions {
  /** Origin of the aura Worker; "" (the default) means the page's own origin, where the CDN serves it. */
  endpoint?: string;
  /** Consent to assume while the visitor has not stated any (no `aura_consent` cookie). */
  consent?: string[];
  autoPageView?: boolean;
  /** Defaults to `<meta name="aura:page-type" content="...">`. */
  pageType?: string;
  debug?: boolean;
}

export interface RankOptions {
  limit?: number;
  context?: Record<string, unknown>;
  candidates?: string[];
}

export interface FeedbackOptions {
  value?: number;
  position?: number;
}

export interface RankedItem {
  content_id: string;
  score: number;
  propensity: number;
  reason: string;
  metadata: {
    title: string;
    url: string;
    image: string | null;
    kind: string;
    category: string;
    topics: string[];
    price: number;
    currency: string;
  };
  components?: Record<string, number>;
}

/** The body of a 200 from POST /v1/rank. */
export interface RankResponse {
  request_id: string;
  surface: string;
  personalized: boolean;
  items: RankedItem[];
  segment: {
    id: string;
    name: string;
    persona: string;
    confidence: number;
    intent: string;
    [field: string]: unknown;
  } | null;
  experiment: { id: string; variant: string; holdout: boolean; payload?: Record<string, unknown> } | null;
  policy_version: string;
  cache_ttl: number;
  profile_status?: "ok" | "new_visitor" | "stale" | "unavailable" | "not_used";
}

/** A failed call to the service: `status` is the HTTP status, 0 when the network failed. */
export interface AuraHttpError extends Error {
  status: number;
}

export interface Aura {
  init(opts?: AuraInitOptions): void;
  consent: { get(): string[]; set(list: string[]): void };
  anonId(): string;
  sessionId(): string;
  track(type: EventType, props?: TrackProps): void;
  flush(): Promise<void>;
  rank(surfaceId: string, opts?: RankOptions): Promise<RankResponse>;
  feedback(requestId: string, itemId: string, type: RewardType, opts?: FeedbackOptions): Promise<void>;
  wire(root?: ParentNode): void;
}
