// Minimal fakes of exactly the browser globals the SDK touches (cookies, sessionStorage, location, navigator,
// fetch, sendBeacon, IntersectionObserver, MutationObserver, a tiny DOM with attribute selectors), installed with
// vi.stubGlobal. `openPage` is one page load; handing it the previous page's `storage` and `cookies` makes it a
// navigation in the same tab.
import { vi } from "vitest";

const SELECTOR = /^([a-z]*)(?:\[([\w:-]+)(?:="([^"]*)")?\])?$/i;

/** Pending mutation records and the observers of the current page, delivered in a microtask like the real thing. */
let mutationSink: ((record: FakeMutationRecord) => void) | undefined;

interface FakeMutationRecord {
  type: "attributes" | "childList";
  target: FakeElement;
  addedNodes: FakeElement[];
}

export class FakeElement {
  parent: FakeElement | null = null;
  readonly children: FakeElement[] = [];
  readonly attributes = new Map<string, string>();
  readonly tagName: string;

  constructor(tag: string, attributes: Record<string, string> = {}, children: FakeElement[] = []) {
    this.tagName = tag.toUpperCase();
    for (const [name, value] of Object.entries(attributes)) this.attributes.set(name, value);
    for (const child of children) this.attachChild(child);
  }

  get parentElement(): FakeElement | null {
    return this.parent;
  }

  private attachChild(child: FakeElement) {
    child.parent = this;
    this.children.push(child);
  }

  append(...children: FakeElement[]) {
    for (const child of children) this.attachChild(child);
    mutationSink?.({ type: "childList", target: this, addedNodes: children });
  }

  getAttribute(name: string): string | null {
    return this.attributes.get(name) ?? null;
  }

  hasAttribute(name: string): boolean {
    return this.attributes.has(name);
  }

  setAttribute(name: string, value: string) {
    this.attributes.set(name, value);
    mutationSink?.({ type: "attributes", target: this, addedNodes: [] });
  }

  matches(selector: string): boolean {
    const parsed = SELECTOR.exec(selector);
    if (!parsed) throw new Error(`the fake DOM cannot match ${selector}`);
    const [, tag, attribute, value] = parsed;
    if (tag && tag.toUpperCase() !== this.tagName) return false;
    if (!attribute) return true;
    return value === undefined ? this.attributes.has(attribute) : this.attributes.get(attribute) === value;
  }

  closest(selector: string): FakeElement | null {
    for (let element: FakeElement | null = this; element; element = element.parent) if (element.matches(selector)) return element;
    return null;
  }

  querySelectorAll(selector: string): FakeElement[] {
    const found: FakeElement[] = [];
    const visit = (element: FakeElement) => {
      for (const child of element.children) {
        if (child.matches(selector)) found.push(child);
        visit(child);
      }
    };
    visit(this);
    return found;
  }

  querySelector(selector: string): FakeElement | null {
    return this.querySelectorAll(selector)[0] ?? null;
  }
}

export const el = (tag: string, attributes: Record<string, string> = {}, ...children: FakeElement[]) =>
  new FakeElement(tag, attributes, children);

/**
 * A slot as the CDN renders it (shared/storefront/render.ts): cards with a link and an add-to-cart button that
 * repeats the card's item id, positions from 1.
 */
export function renderedSlot(surfaceId: string, requestId: string | null, itemIds: string[]): FakeElement {
  return el(
    "section",
    requestId ? { "data-aura-slot": surfaceId, "data-aura-request": requestId } : { "data-aura-slot": surfaceId },
    el(
      "ul",
      { class: "aura-items" },
      ...itemIds.map((itemId, index) =>
        el(
          "li",
          { class: "aura-item", "data-aura-item": itemId, "data-aura-position": String(index + 1) },
          el("a", { class: "aura-link", href: `/products/${itemId}` }, el("span", { class: "aura-title" })),
          el("button", { type: "button", class: "aura-action", "data-aura-action": "add_to_cart", "data-aura-item": itemId }),
        ),
      ),
    ),
  );
}

export class FakeStorage {
  readonly data = new Map<string, string>();
  getItem(key: string): string | null {
    return this.data.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.data.set(key, String(value));
  }
  removeItem(key: string) {
    this.data.delete(key);
  }
}

class FakeDocument extends EventTarget {
  referrer = "";
  readyState: DocumentReadyState = "complete";
  visibilityState: DocumentVisibilityState = "visible";
  readonly documentElement = el("html");
  readonly head = el("head");
  readonly body = el("body");
  /** Every raw `document.cookie = ...` assignment, attributes included. */
  readonly cookieWrites: string[] = [];

  constructor(readonly jar: Map<string, string>) {
    super();
    this.documentElement.append(this.head, this.body);
  }

  get cookie(): string {
    return [...this.jar].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  set cookie(written: string) {
    this.cookieWrites.push(written);
    const pair = written.split(";")[0] ?? "";
    const eq = pair.indexOf("=");
    this.jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
  }

  querySelector(selector: string) {
    return this.documentElement.querySelector(selector);
  }

  querySelectorAll(selector: string) {
    return this.documentElement.querySelectorAll(selector);
  }
}

export interface FetchCall {
  url: string;
  body: unknown;
  init: RequestInit;
  /** Date.now() when sent: with fake timers, the backoff schedule. */
  at: number;
}

export interface PageOptions {
  url?: string;
  cookies?: Map<string, string>;
  storage?: FakeStorage;
  referrer?: string;
  userAgent?: string;
  pageTypeMeta?: string;
  intersectionObserver?: boolean;
  /** What navigator.sendBeacon answers; null removes it. */
  beaconAccepts?: boolean | null;
}

export type FakePage = ReturnType<typeof openPage>;

export function openPage(options: PageOptions = {}) {
  // A new page load ends the previous page: its timers never fire, its observers never hear this page.
  if (vi.isFakeTimers()) {
    const now = Date.now();
    vi.clearAllTimers(); // which also rewinds the fake clock
    vi.setSystemTime(now);
  }
  mutationSink = undefined;
  const url = new URL(options.url ?? "https://shop.example/");
  const storage = options.storage ?? new FakeStorage();
  const cookies = options.cookies ?? new Map<string, string>();
  const window = new EventTarget() as EventTarget & { aura?: unknown };
  const document = new FakeDocument(cookies);
  document.referrer = options.referrer ?? "";
  if (options.pageTypeMeta) document.head.append(el("meta", { name: "aura:page-type", content: options.pageTypeMeta }));

  const fetchCalls: FetchCall[] = [];
  const beacons: { url: string; data: Blob }[] = [];
  let respond: (call: FetchCall) => Response | Promise<Response> = () => Response.json({ accepted: 1 }, { status: 202 });

  const fetch = vi.fn(async (input: string | URL | Request, init: RequestInit = {}) => {
    const call: FetchCall = { url: String(input), body: JSON.parse(String(init.body)), init, at: Date.now() };
    fetchCalls.push(call);
    return respond(call);
  });

  const sendBeacon = vi.fn((target: string | URL, data?: BodyInit | null) => {
    beacons.push({ url: String(target), data: data as Blob });
    return options.beaconAccepts ?? true;
  });

  // Like the real one: observing a target reports its current visibility (asynchronously), observing it again
  // while observed does nothing, and later only changes are reported.
  const visibleRatio = new WeakMap<FakeElement, number>();
  const entry = (target: FakeElement) => {
    const ratio = visibleRatio.get(target) ?? 0;
    return { target, isIntersecting: ratio > 0, intersectionRatio: ratio };
  };
  const intersectionObservers: FakeIntersectionObserver[] = [];
  class FakeIntersectionObserver {
    readonly observed = new Set<FakeElement>();
    observeCalls = 0;
    constructor(
      readonly callback: (entries: unknown[], observer: unknown) => void,
      readonly options?: { threshold?: number },
    ) {
      intersectionObservers.push(this);
    }
    observe(target: FakeElement) {
      if (this.observed.has(target)) return;
      this.observeCalls++;
      this.observed.add(target);
      queueMicrotask(() => {
        if (this.observed.has(target)) this.callback([entry(target)], this);
      });
    }
    unobserve(target: FakeElement) {
      this.observed.delete(target);
    }
    disconnect() {
      this.observed.clear();
    }
  }

  const mutationObservers: { callback: (records: FakeMutationRecord[]) => void; target: unknown; options: unknown }[] = [];
  class FakeMutationObserver {
    constructor(private readonly callback: (records: FakeMutationRecord[]) => void) {}
    observe(target: unknown, options: unknown) {
      mutationObservers.push({ callback: this.callback, target, options });
    }
    disconnect() {}
  }
  let pendingRecords: FakeMutationRecord[] = [];
  mutationSink = (record) => {
    if (!pendingRecords.length)
      queueMicrotask(() => {
        const records = pendingRecords;
        pendingRecords = [];
        for (const observer of mutationObservers) observer.callback(records);
      });
    pendingRecords.push(record);
  };

  vi.stubGlobal("window", window);
  vi.stubGlobal("document", document);
  vi.stubGlobal("location", {
    href: url.href,
    protocol: url.protocol,
    host: url.host,
    origin: url.origin,
    pathname: url.pathname,
    search: url.search,
  });
  vi.stubGlobal("navigator", {
    userAgent: options.userAgent ?? "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
    sendBeacon: options.beaconAccepts === null ? undefined : sendBeacon,
  });
  vi.stubGlobal("sessionStorage", storage);
  vi.stubGlobal("fetch", fetch);
  vi.stubGlobal("IntersectionObserver", options.intersectionObserver === false ? undefined : FakeIntersectionObserver);
  vi.stubGlobal("MutationObserver", FakeMutationObserver);

  return {
    window,
    document,
    body: document.body,
    storage,
    cookies,
    fetch,
    fetchCalls,
    sendBeacon,
    beacons,
    intersectionObservers,
    mutationObservers,

    /** Answers every later fetch with `answer`. */
    respond(answer: (call: FetchCall) => Response | Promise<Response>) {
      respond = answer;
    },
    callsTo: (path: string) => fetchCalls.filter((call) => new URL(call.url, url).pathname === path),
    async beaconBodies(path: string): Promise<unknown[]> {
      const sent = beacons.filter((beacon) => new URL(beacon.url, url).pathname === path);
      return Promise.all(sent.map(async (beacon) => JSON.parse(await beacon.data.text()) as unknown));
    },

    /** `ratio` of `target` is now in view: observers of it hear of the change. */
    show(target: FakeElement, ratio: number) {
      if ((visibleRatio.get(target) ?? 0) === ratio) return;
      visibleRatio.set(target, ratio);
      for (const observer of intersectionObservers) if (observer.observed.has(target)) observer.callback([entry(target)], observer);
    },

    /** A click on `target`, dispatched the way the browser would reach a capturing listener on the document. */
    click(target: FakeElement) {
      const path: unknown[] = [];
      for (let element: FakeElement | null = target; element; element = element.parent) path.push(element);
      path.push(document, window);
      const event = new Event("click", { bubbles: true, cancelable: true });
      Object.defineProperty(event, "composedPath", { value: () => path });
      document.dispatchEvent(event);
    },

    hide() {
      document.visibilityState = "hidden";
      document.dispatchEvent(new Event("visibilitychange"));
    },

    pagehide() {
      window.dispatchEvent(new Event("pagehide"));
    },
  };
}

/** Lets pending promise callbacks (and fake mutation records) run. */
export const settle = async () => {
  for (let turn = 0; turn < 10; turn++) await Promise.resolve();
};
