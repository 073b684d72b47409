// One `aura` instance: identity, consent, the clickstream, decisions and feedback, and slot wiring put
// together behind the public API. Every public method guards itself: the storefront must never break because
// of us.
import { createClickstream } from "./clickstream";
import { beacon, httpError, post, postWithRetry } from "./delivery";
import { createIdentity } from "./identity";
import { detectDevice, metaPageType, pagePath, readUtm, whenReady } from "./page";
import { createSlotWiring, type ItemOutcome } from "./slots";
import type { Aura, AuraInitOptions, ClickstreamEvent, EventType, RankResponse, RewardType, TrackProps } from "./types";

const EVENT_TYPES: readonly EventType[] = [
  "page_view",
  "click",
  "search",
  "add_to_cart",
  "remove_from_cart",
  "purchase",
  "wishlist",
  "quiz_answer",
];
const REWARD_TYPES: readonly RewardType[] = ["impression", "click", "add_to_cart", "purchase", "dismiss"];

// The server validates each event, and one invalid field would cost the whole batch a 400: fields are cut to
// the contract's lengths here, and ids or quiz answers it would refuse are left out.
const PRODUCT_ID = /^[\w.:@-]{1,64}$/;
const QUIZ_QUESTION = /^[a-z_]{1,40}$/;
const QUIZ_ANSWER = /^[a-z0-9_]{1,40}$/;
const clip = (text: unknown, max: number): string | undefined => (typeof text === "string" && text ? text.slice(0, max) : undefined);

export function createAura(): Aura {
  let endpoint = "";
  let defaultConsent: string[] = [];
  let pageType: string | undefined;
  let debug = false;
  let started = false;
  let referrerSent = false;
  /** The page view init could not record for want of consent, recorded if consent comes on this page. */
  let pageViewPending = false;
  /**
   * The event the slot wiring just recorded for a click, until the click's task ends: the storefront's own
   * handler for the same click (it tracks add_to_cart itself) must not record it a second time.
   */
  let wiredClick: string | undefined;
  let device: ReturnType<typeof detectDevice> | undefined;

  const log = (...details: unknown[]) => {
    if (debug) console.warn("[aura]", ...details);
  };
  /** Wraps a public method so that nothing it does can throw into the host page. */
  const guarded =
    <A extends unknown[], R>(method: (...args: A) => R, fallback: R) =>
    (...args: A): R => {
      try {
        return method(...args);
      } catch (error) {
        log(error);
        return fallback;
      }
    };

  const identity = createIdentity(() => defaultConsent);
  const deviceClass = () => (device ??= detectDevice());
  const hasAnalytics = () => identity.consent().includes("analytics");
  const url = (path: string) => endpoint + path;

  const clickstream = createClickstream(
    () => url("/v1/events"),
    (events) =>
      JSON.stringify({
        anon_id: identity.anonId(),
        session_id: identity.sessionId(),
        consent: identity.consent(),
        device: deviceClass(),
        events,
      }),
    log,
  );

  function track(type: EventType, props: TrackProps = {}, fromWiring = false) {
    if (!EVENT_TYPES.includes(type)) return log("unknown event type", type);
    const clickKey = `${type} ${props.product_id}`;
    if (fromWiring) {
      wiredClick = clickKey;
      setTimeout(() => (wiredClick = undefined));
    } else if (clickKey === wiredClick) return log("already recorded by the slot wiring", type);
    if (!hasAnalytics()) return; // no analytics consent: nothing is stored, not even in the queue
    identity.sessionId();
    const event: ClickstreamEvent = {
      type,
      ts: new Date().toISOString(),
      url: clip(props.url ?? pagePath(), 2048),
      page_type: clip(props.page_type ?? pageType, 40),
      category: clip(props.category, 40),
      query: clip(props.query, 200),
      utm: readUtm(),
    };
    if (props.product_id && PRODUCT_ID.test(props.product_id)) event.product_id = props.product_id;
    if (Number.isFinite(props.value) && Math.abs(props.value ?? 0) <= 1e6) event.value = props.value;
    const quiz = props.quiz;
    if (quiz && QUIZ_QUESTION.test(quiz.question) && QUIZ_ANSWER.test(quiz.answer)) event.quiz = { question: quiz.question, answer: quiz.answer };
    // The referrer says how the visitor reached this page, so it belongs to the page's first event only.
    if (!referrerSent) {
      referrerSent = true;
      event.referrer = clip(document.referrer, 2048) ?? null;
    }
    clickstream.add(event);
  }

  function feedbackBody(requestId: string, itemId: string, type: RewardType, value = 1, position?: number): string {
    identity.sessionId();
    return JSON.stringify({
      request_id: requestId,
      item_id: itemId,
      reward: { type, value, timestamp: new Date().toISOString() },
      context: { position },
    });
  }

  // Impressions can wait for retries; clicks and add-to-carts often start a navigation, so they go by beacon.
  const slots = createSlotWiring((outcome: ItemOutcome, requestId, itemId, position) => {
    if (outcome !== "impression") track(outcome, { product_id: itemId }, true);
    if (!requestId) return;
    const body = feedbackBody(requestId, itemId, outcome, 1, position);
    if (outcome === "impression") postWithRetry(url("/v1/feedback"), body, true).catch(log);
    else void beacon(url("/v1/feedback"), body);
  });

  function onVisibilityChange() {
    if (document.visibilityState === "hidden") clickstream.flushOnHide();
  }

  return {
    init: guarded((opts: AuraInitOptions = {}) => {
      if (started) return;
      started = true;
      endpoint = (opts.endpoint ?? "").replace(/\/+$/, "");
      defaultConsent = opts.consent ?? [];
      pageType = opts.pageType ?? metaPageType();
      debug = opts.debug === true;
      document.addEventListener("visibilitychange", onVisibilityChange);
      window.addEventListener("pagehide", () => clickstream.flushOnHide());
      const restored = clickstream.size();
      if (opts.autoPageView !== false) {
        pageViewPending = !hasAnalytics();
        track("page_view");
      }
      // Events a previous page could not send go now, unless consent was withdrawn since.
      if (!hasAnalytics()) clickstream.clear();
      else if (restored) void clickstream.flush();
      whenReady(guarded(slots.watch, undefined));
    }, undefined),

    consent: {
      get: guarded(() => identity.consent(), []),
      set: guarded((list: string[]) => {
        const consent = identity.setConsent(list);
        if (!consent.includes("analytics")) clickstream.clear();
        // A consent banner answered on the landing page must not cost the visit its referrer and UTM.
        else if (pageViewPending) {
          pageViewPending = false;
          track("page_view");
        }
        window.dispatchEvent(new CustomEvent("aura:consent", { detail: consent }));
      }, undefined),
    },

    anonId: guarded(() => identity.anonId(), ""),
    sessionId: guarded(() => identity.sessionId(), ""),
    track: guarded((type: EventType, props?: TrackProps) => track(type, props), undefined),
    flush: guarded(() => clickstream.flush(), Promise.resolve()),

    // Not retried: a decision is only useful while the page waits for it, and the caller has a fallback.
    rank: async (surfaceId: string, opts = {}) => {
      const response = await post(
        url("/v1/rank"),
        JSON.stringify({
          surface_id: surfaceId,
          limit: opts.limit,
          candidates: opts.candidates,
          context: opts.context,
          user_ctx: {
            anon_id: identity.anonId(),
            session_id: identity.sessionId(),
            consent: identity.consent(),
            device: deviceClass(),
            referrer: clip(document.referrer, 2048),
            utm: readUtm(),
            page_type: clip(pageType, 40),
          },
        }),
      );
      try {
        return (await response.json()) as RankResponse;
      } catch {
        throw httpError(response.status, "rank (unreadable answer)");
      }
    },

    feedback: async (requestId, itemId, type, opts = {}) => {
      try {
        if (!REWARD_TYPES.includes(type)) throw new Error(`aura: unknown reward type ${type}`);
        await postWithRetry(url("/v1/feedback"), feedbackBody(requestId, itemId, type, opts.value ?? 1, opts.position), true);
      } catch (error) {
        log(error);
      }
    },

    wire: guarded((root?: ParentNode) => slots.wire(root ?? document), undefined),
  };
}
