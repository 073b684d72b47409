// The storefront's browser script, served at /assets/storefront.js after /sdk.js. Plain ES2020 with no
// dependencies: it starts the SDK and wires the cart, carousels, consent banner, Creative Concierge and
// Checkout Assistant. Every use of window.aura is guarded, so with the SDK blocked the shop still works
// unpersonalized. Items it renders use the same markup as the server (workers/storefront/pages/items.ts).
// Kept as a string (String.raw, so regex backslashes survive): it must not contain a backtick or a dollar-brace.

export const STOREFRONT_JS = String.raw`(function () {
  "use strict";

  var KEYS = {
    cart: "aura_demo_cart",
    views: "aura_demo_page_views",
    conciergeShown: "aura_demo_concierge_shown",
    viewsAfterConsent: "aura_demo_views_after_consent",
    conciergeInteractions: "aura_demo_concierge_interactions",
    consentDecided: "aura_demo_consent_decided"
  };
  // The API accepts carts of at most 100 ids, each of this shape.
  var ITEM_ID = /^[A-Za-z0-9_.:-]{1,64}$/;
  var CART_MAX = 100;
  var CONSENT_PURPOSES = ["analytics", "personalization", "marketing"];
  var pageTypeMeta = document.querySelector('meta[name="aura:page-type"]');
  var pageType = pageTypeMeta ? pageTypeMeta.getAttribute("content") : "index";

  // ---------------------------------------------------------------- small helpers

  function storage(name) {
    // Merely reading window.localStorage throws when the browser blocks site data.
    try { var s = window[name]; s.getItem("probe"); return s; } catch (e) { return null; }
  }
  var local = storage("localStorage");
  var session = storage("sessionStorage");

  function readStored(store, key) {
    if (!store) return null;
    try { return store.getItem(key); } catch (e) { return null; }
  }
  function writeStored(store, key, value) {
    if (!store) return;
    try { store.setItem(key, value); } catch (e) { /* quota or private mode: the feature degrades, the page works */ }
  }

  function byId(id) { return document.getElementById(id); }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (name) {
        var value = attrs[name];
        if (value === false || value === null || value === undefined) return;
        node.setAttribute(name, value === true ? "" : String(value));
      });
    }
    // append() of a string makes a text node: nothing from a response is ever parsed as HTML.
    (children || []).forEach(function (child) { if (child !== null && child !== undefined) node.append(child); });
    return node;
  }

  function announce(message) {
    var region = byId("storefront-status");
    if (!region) return;
    region.textContent = "";
    // A fresh text node after a tick makes screen readers announce a repeated message too.
    window.setTimeout(function () { region.textContent = message; }, 60);
  }

  function reducedMotion() {
    return !!(window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches);
  }

  var priceFormats = {};
  function formatPrice(price, currency) {
    if (typeof price !== "number" || !isFinite(price)) return "";
    if (price === 0) return "Free";
    var code = typeof currency === "string" && /^[A-Z]{3}$/.test(currency) ? currency : "USD";
    var whole = Math.round(price) === price;
    var key = code + (whole ? ":w" : ":c");
    try {
      if (!priceFormats[key]) {
        priceFormats[key] = new Intl.NumberFormat("en-US", { style: "currency", currency: code, minimumFractionDigits: whole ? 0 : 2, maximumFractionDigits: 2 });
      }
      return priceFormats[key].format(price);
    } catch (e) {
      return "$" + price.toFixed(whole ? 0 : 2);
    }
  }

  function joinPhrases(phrases) {
    if (phrases.length <= 1) return phrases.join("");
    return phrases.slice(0, -1).join(", ") + " and " + phrases[phrases.length - 1];
  }

  // ---------------------------------------------------------------- the SDK, always guarded

  function sdk() {
    var aura = window.aura;
    return aura && typeof aura === "object" ? aura : null;
  }
  function canRank() {
    var aura = sdk();
    return !!(aura && typeof aura.rank === "function");
  }
  function rank(surfaceId, options) {
    var aura = sdk();
    if (!aura || typeof aura.rank !== "function") return Promise.reject(new Error("personalization unavailable"));
    var pending;
    try { pending = Promise.resolve(aura.rank(surfaceId, options)); } catch (e) { return Promise.reject(e); }
    return pending.then(function (response) {
      if (!response || typeof response.request_id !== "string" || !Array.isArray(response.items)) throw new Error("unexpected rank response");
      return response;
    });
  }
  function track(type, props) {
    var aura = sdk();
    if (aura && typeof aura.track === "function") {
      try { Promise.resolve(aura.track(type, props)).catch(function () {}); } catch (e) { /* analytics never breaks shopping */ }
    }
  }
  function feedback(requestId, itemId, type) {
    var aura = sdk();
    if (requestId && aura && typeof aura.feedback === "function") {
      try { Promise.resolve(aura.feedback(requestId, itemId, type)).catch(function () {}); } catch (e) { /* as above */ }
    }
  }
  function wire(root) {
    var aura = sdk();
    if (aura && typeof aura.wire === "function") {
      try { aura.wire(root); } catch (e) { /* impressions are best effort */ }
    }
  }

  // ---------------------------------------------------------------- item markup (same contract as the server)

  function isRankedItem(item) {
    return !!(item && typeof item.content_id === "string" && ITEM_ID.test(item.content_id) && item.metadata && typeof item.metadata === "object");
  }

  function itemHref(id, kind) {
    return (kind === "content" ? "/guides/" : "/products/") + encodeURIComponent(id);
  }

  /** The part of a rank reason after "persona+device+intent · ", which says why this item. */
  function reasonWhy(reason) {
    if (typeof reason !== "string") return "";
    var cut = reason.indexOf(" · ");
    return cut >= 0 ? reason.slice(cut + 3) : reason;
  }

  var CALLOUTS = [
    [/related to your cart/, "Goes with your cart"],
    [/related to /, "Goes well with this"],
    [/skill:beginner|tag:starter/, "Great first pick for beginners"],
    [/liked by shoppers with your taste/, "Loved by shoppers like you"],
    [/matches your interest/, "Based on what you browsed"],
    [/in season/, "In season now"],
    [/trending/, "Trending now"],
    [/(^|, )new(,|$)/, "New this month"],
    [/skill:pro|tag:high_end/, "Pro grade"]
  ];
  function calloutFor(reason, kind) {
    var why = reasonWhy(reason);
    for (var i = 0; i < CALLOUTS.length; i++) if (CALLOUTS[i][0].test(why)) return CALLOUTS[i][1];
    if (/^popular/.test(why)) return "Popular right now";
    return kind === "content" ? "Recommended read" : "Recommended for you";
  }

  var PERSONA_AUDIENCES = {
    novice_shopper: "shoppers who are starting out",
    shopper_pro: "professionals",
    photo_first: "photographers",
    vector_first: "illustrators and designers"
  };
  /** A shopper-facing sentence from a rank reason. Internal factors (margin) are never repeated to shoppers. */
  function explainReason(reason) {
    var why = reasonWhy(reason);
    var phrases = [];
    if (/related to your cart/.test(why)) phrases.push("it goes with what is already in your cart");
    else if (/related to /.test(why)) phrases.push("it goes with the product you are viewing");
    if (/skill:beginner|tag:starter/.test(why)) phrases.push("it is made for beginners");
    if (/skill:pro|tag:high_end/.test(why)) phrases.push("it is pro grade");
    var fits = /fits ([a-z_]+)/.exec(why);
    if (fits && PERSONA_AUDIENCES[fits[1]]) phrases.push("it suits " + PERSONA_AUDIENCES[fits[1]]);
    if (/matches your interest/.test(why)) phrases.push("it matches what you have been browsing");
    if (/liked by shoppers with your taste/.test(why)) phrases.push("shoppers with similar taste liked it");
    if (/trending/.test(why)) phrases.push("it is trending right now");
    if (/in season/.test(why)) phrases.push("it is in season");
    if (/(^|, )new(,|$)/.test(why)) phrases.push("it is new in the shop");
    if (phrases.length === 0) phrases.push("it is popular with other shoppers");
    // The reason lists its strongest factors first; three are plenty for a shopper.
    return joinPhrases(phrases.slice(0, 3));
  }

  /** One li.aura-item, exactly as the server renders it. */
  function itemElement(item, position) {
    var id = item.content_id;
    var meta = item.metadata;
    var kind = meta.kind === "content" ? "content" : "product";
    var title = typeof meta.title === "string" && meta.title ? meta.title : id;
    var link = el("a", { "class": "aura-link", href: itemHref(id, kind) }, [
      el("img", { "class": "aura-image", src: "/assets/img/" + encodeURIComponent(id) + ".svg", alt: "", width: 320, height: 240, loading: "lazy" }),
      el("span", { "class": "aura-title" }, [title]),
      el("span", { "class": "aura-callout" }, [calloutFor(item.reason, kind)]),
      el("span", { "class": "aura-price" }, [kind === "content" ? "Free guide" : formatPrice(meta.price, meta.currency)])
    ]);
    var li = el("li", { "class": "aura-item", "data-aura-item": id, "data-aura-position": position }, [link]);
    if (kind === "product") {
      li.append(el("button", { type: "button", "class": "aura-action", "data-aura-action": "add_to_cart", "data-aura-item": id }, ["Add to cart"]));
    }
    return li;
  }

  /** Ranked items with their 1-based rank positions, invalid ones dropped. */
  function entriesOf(response) {
    var entries = [];
    response.items.forEach(function (item, index) { if (isRankedItem(item)) entries.push({ item: item, position: index + 1 }); });
    return entries;
  }

  /** Fills a slot container the way the CDN renderer does, then lets the SDK wire impressions and clicks. */
  function fillSlot(host, surfaceId, response, entries) {
    host.setAttribute("data-aura-slot", surfaceId);
    host.setAttribute("data-aura-request", response.request_id);
    host.setAttribute("data-aura-rendered", "client");
    var segment = response.segment;
    if (segment && typeof segment.persona === "string") host.setAttribute("data-aura-persona", segment.persona);
    if (segment && typeof segment.id === "string") host.setAttribute("data-aura-segment", segment.id);
    var experiment = response.experiment;
    if (experiment && typeof experiment.id === "string") {
      host.setAttribute("data-aura-experiment", experiment.id);
      host.setAttribute("data-aura-variant", String(experiment.variant));
    }
    var list = el("ul", { "class": "aura-items" });
    entries.forEach(function (entry) { list.append(itemElement(entry.item, entry.position)); });
    host.replaceChildren(list);
    wire(host);
  }

  // ---------------------------------------------------------------- catalog facts (titles, prices, skill levels)

  var factsPromise = null;
  function loadCatalogFacts() {
    if (!factsPromise) {
      factsPromise = fetch("/assets/catalog.json", { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error("catalog " + response.status);
          return response.json();
        })
        .then(function (body) {
          var facts = new Map();
          (body && Array.isArray(body.items) ? body.items : []).forEach(function (fact) {
            if (fact && typeof fact.id === "string") facts.set(fact.id, fact);
          });
          return facts;
        })
        .catch(function (error) { factsPromise = null; throw error; });
    }
    return factsPromise;
  }
  function catalogFactsOrEmpty() {
    return loadCatalogFacts().catch(function () { return new Map(); });
  }

  // ---------------------------------------------------------------- cart (localStorage, list of product ids)

  function readCart() {
    var parsed;
    try { parsed = JSON.parse(readStored(local, KEYS.cart) || "[]"); } catch (e) { parsed = []; }
    if (!Array.isArray(parsed)) return [];
    var seen = new Set();
    return parsed.filter(function (id) {
      if (typeof id !== "string" || !ITEM_ID.test(id) || seen.has(id)) return false;
      seen.add(id);
      return true;
    }).slice(0, CART_MAX);
  }
  function writeCart(ids) {
    writeStored(local, KEYS.cart, JSON.stringify(ids.slice(0, CART_MAX)));
    renderCartCount();
    document.dispatchEvent(new CustomEvent("storefront:cart"));
  }
  function renderCartCount() {
    var count = readCart().length;
    document.querySelectorAll("[data-cart-count]").forEach(function (node) { node.textContent = String(count); });
  }

  function itemTitleNear(node, id) {
    var card = node.closest(".aura-item");
    var title = card ? card.querySelector(".aura-title") : document.querySelector(".product-info h1");
    return title && title.textContent ? title.textContent.trim() : id;
  }

  function initAddToCart() {
    document.addEventListener("click", function (event) {
      var target = event.target instanceof Element ? event.target : null;
      var button = target ? target.closest('[data-aura-action="add_to_cart"]') : null;
      if (!button || button.disabled) return;
      var id = button.getAttribute("data-aura-item");
      if (!id || !ITEM_ID.test(id)) return;
      var cart = readCart();
      var title = itemTitleNear(button, id);
      if (cart.indexOf(id) >= 0) {
        announce(title + " is already in your cart.");
        return;
      }
      if (cart.length >= CART_MAX) {
        announce("Your cart is full.");
        return;
      }
      cart.push(id);
      writeCart(cart);
      track("add_to_cart", { product_id: id });
      var label = button.textContent;
      button.setAttribute("data-added", "");
      button.textContent = "Added to cart";
      announce(title + " added to your cart.");
      window.setTimeout(function () {
        button.removeAttribute("data-added");
        button.textContent = label;
      }, 2000);
    });
    // Another tab changed the cart.
    window.addEventListener("storage", function (event) { if (event.key === KEYS.cart) renderCartCount(); });
    renderCartCount();
  }

  // ---------------------------------------------------------------- carousels

  function initCarousels() {
    document.querySelectorAll("[data-carousel]").forEach(function (root) {
      var prev = root.querySelector("[data-carousel-prev]");
      var next = root.querySelector("[data-carousel-next]");
      // Looked up each time: the slot's list can be replaced after the page loads.
      function track() { return root.querySelector(".aura-items"); }
      function behavior() { return reducedMotion() ? "auto" : "smooth"; }
      function update() {
        var list = track();
        if (!list || !prev || !next) return;
        var max = list.scrollWidth - list.clientWidth;
        prev.setAttribute("aria-disabled", String(list.scrollLeft <= 1));
        next.setAttribute("aria-disabled", String(list.scrollLeft >= max - 1));
      }
      function page(direction) {
        var list = track();
        if (!list) return;
        list.scrollBy({ left: direction * Math.max(list.clientWidth * 0.85, 200), behavior: behavior() });
      }
      if (prev) prev.addEventListener("click", function () { if (prev.getAttribute("aria-disabled") !== "true") page(-1); });
      if (next) next.addEventListener("click", function () { if (next.getAttribute("aria-disabled") !== "true") page(1); });
      // Arrow keys move between cards once focus is inside the row; Home and End jump to its ends.
      root.addEventListener("keydown", function (event) {
        var keys = { ArrowLeft: -1, ArrowRight: 1, Home: "first", End: "last" };
        if (!(event.key in keys) || event.altKey || event.ctrlKey || event.metaKey) return;
        var list = track();
        var target = event.target instanceof Element ? event.target : null;
        if (!list || !target || !list.contains(target)) return;
        var items = Array.prototype.slice.call(list.querySelectorAll(".aura-item"));
        var index = items.indexOf(target.closest(".aura-item"));
        var move = keys[event.key];
        var to = move === "first" ? 0 : move === "last" ? items.length - 1 : Math.min(items.length - 1, Math.max(0, index + move));
        var link = items[to] ? items[to].querySelector(".aura-link") : null;
        if (!link) return;
        event.preventDefault();
        link.focus({ preventScroll: true });
        items[to].scrollIntoView({ block: "nearest", inline: "nearest", behavior: behavior() });
      });
      // Scroll does not bubble, but a capturing listener on the wrapper still hears it.
      root.addEventListener("scroll", update, { capture: true, passive: true });
      window.addEventListener("resize", update);
      update();
    });
  }

  // ---------------------------------------------------------------- consent banner

  var consentBanner = byId("consent-banner");

  function consentApi() {
    var aura = sdk();
    return aura && aura.consent && typeof aura.consent.set === "function" ? aura.consent : null;
  }
  function currentConsent() {
    var api = consentApi();
    if (!api || typeof api.get !== "function") return [];
    try {
      var list = api.get();
      return Array.isArray(list) ? list : [];
    } catch (e) { return []; }
  }
  function setConsentHeight() {
    var height = consentBanner && !consentBanner.hidden ? consentBanner.offsetHeight + 8 : 0;
    document.documentElement.style.setProperty("--consent-height", height + "px");
  }
  function showConsentBanner() {
    if (!consentBanner) return;
    consentBanner.hidden = false;
    setConsentHeight();
  }
  function saveConsent(purposes) {
    var api = consentApi();
    writeStored(local, KEYS.consentDecided, "1");
    if (consentBanner) consentBanner.hidden = true;
    setConsentHeight();
    announce("Privacy choices saved. Reloading the page.");
    var saving;
    try { saving = Promise.resolve(api ? api.set(purposes) : undefined); } catch (e) { saving = Promise.resolve(); }
    // Reload so the CDN renders this page again under the new consent.
    saving.catch(function () {}).then(function () { window.location.reload(); });
  }
  /** Shows the banner on a first visit (no choice recorded here, none known to the SDK). */
  function initConsent() {
    var manage = byId("consent-manage");
    if (!consentBanner) return;
    if (!consentApi()) {
      // Without the SDK nothing is collected, so there is nothing to consent to.
      if (manage) manage.hidden = true;
      return;
    }
    var options = byId("consent-options");
    var customize = consentBanner.querySelector("[data-consent-customize]");
    consentBanner.addEventListener("click", function (event) {
      var target = event.target instanceof Element ? event.target.closest("[data-consent-choice]") : null;
      if (!target) return;
      saveConsent(target.getAttribute("data-consent-choice") === "all" ? CONSENT_PURPOSES.slice() : []);
    });
    if (customize && options) {
      customize.addEventListener("click", function () {
        var opening = options.hidden;
        options.hidden = !opening;
        customize.setAttribute("aria-expanded", String(opening));
        if (opening) {
          var granted = currentConsent();
          options.querySelectorAll('input[name="purpose"]').forEach(function (box) { box.checked = granted.indexOf(box.value) >= 0; });
          var first = options.querySelector("input");
          if (first) first.focus();
        }
        setConsentHeight();
      });
      options.addEventListener("submit", function (event) {
        event.preventDefault();
        var chosen = [];
        options.querySelectorAll('input[name="purpose"]').forEach(function (box) { if (box.checked) chosen.push(box.value); });
        saveConsent(chosen);
      });
    }
    if (manage) {
      manage.addEventListener("click", function () {
        showConsentBanner();
        var first = consentBanner.querySelector("button");
        if (first) first.focus();
      });
    }
    window.addEventListener("resize", setConsentHeight);
    var decided = readStored(local, KEYS.consentDecided) === "1" || currentConsent().length > 0;
    if (!decided) showConsentBanner();
  }

  // ---------------------------------------------------------------- Creative Concierge (modal dialog)

  var concierge = byId("concierge");
  var conciergeBackdrop = document.querySelector("[data-concierge-backdrop]");
  var conciergeState = { opener: null, loaded: false, offset: 0, maxPrice: null, skill: null };
  var FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

  function focusablesIn(root) {
    return Array.prototype.slice.call(root.querySelectorAll(FOCUSABLE)).filter(function (node) {
      return node.getClientRects().length > 0 && !node.closest("[hidden]");
    });
  }
  /** Everything but the dialog becomes inert, so neither Tab nor a screen reader's cursor leaves it. */
  function setBackgroundInert(on) {
    Array.prototype.slice.call(document.body.children).forEach(function (child) {
      if (child === concierge || child === conciergeBackdrop || child.tagName === "SCRIPT") return;
      if (on && !child.hasAttribute("inert")) {
        child.setAttribute("inert", "");
        child.setAttribute("data-inert-by-concierge", "");
      } else if (!on && child.hasAttribute("data-inert-by-concierge")) {
        child.removeAttribute("inert");
        child.removeAttribute("data-inert-by-concierge");
      }
    });
  }
  function conciergeNote(text) {
    var note = concierge && concierge.querySelector("[data-concierge-note]");
    if (note) note.textContent = text;
  }
  function openConcierge() {
    if (!concierge || !concierge.hidden) return;
    conciergeState.opener = document.activeElement;
    concierge.hidden = false;
    if (conciergeBackdrop) conciergeBackdrop.hidden = false;
    setBackgroundInert(true);
    document.documentElement.classList.add("has-modal");
    writeStored(session, KEYS.conciergeShown, "1");
    if (conciergeInteractions() >= 2) revealAdvancedOptions(false);
    concierge.focus();
    if (!conciergeState.loaded) loadConciergePicks();
  }
  function closeConcierge() {
    if (!concierge || concierge.hidden) return;
    concierge.hidden = true;
    if (conciergeBackdrop) conciergeBackdrop.hidden = true;
    setBackgroundInert(false);
    document.documentElement.classList.remove("has-modal");
    var opener = conciergeState.opener;
    conciergeState.opener = null;
    if (opener && opener !== document.body && document.contains(opener) && typeof opener.focus === "function") opener.focus();
    else {
      var main = byId("main");
      if (main) main.focus();
    }
  }
  function conciergeInteractions() {
    return parseInt(readStored(session, KEYS.conciergeInteractions) || "0", 10) || 0;
  }
  function revealAdvancedOptions(announceIt) {
    var advanced = concierge && concierge.querySelector("[data-concierge-advanced]");
    if (!advanced || !advanced.hidden) return;
    advanced.hidden = false;
    if (announceIt) announce("Advanced options are now available below the picks.");
  }

  function matchesFilters(entry, facts) {
    var meta = entry.item.metadata;
    if (conciergeState.maxPrice !== null && !(typeof meta.price === "number" && meta.price <= conciergeState.maxPrice)) return false;
    if (conciergeState.skill) {
      var fact = facts.get(entry.item.content_id);
      if (!fact || fact.skill_level !== conciergeState.skill) return false;
    }
    return true;
  }

  /** Primary and alternative from homepage.hero, "Learn more" from content.guides. */
  function loadConciergePicks() {
    if (!concierge) return;
    var cards = concierge.querySelector("[data-concierge-cards]");
    if (!canRank()) {
      conciergeNote("These are our most popular picks: personalized picks are unavailable right now.");
      return;
    }
    var filtered = conciergeState.maxPrice !== null || conciergeState.skill !== null;
    var offset = conciergeState.offset;
    if (cards) cards.setAttribute("aria-busy", "true");
    Promise.all([
      rank("homepage.hero", { limit: filtered ? 20 : offset + 2 }),
      rank("content.guides", { limit: filtered ? 10 : 1 }),
      filtered ? catalogFactsOrEmpty() : Promise.resolve(new Map())
    ]).then(function (results) {
      var hero = results[0];
      var guides = results[1];
      var facts = results[2];
      var heroEntries = entriesOf(hero);
      var guideEntries = entriesOf(guides);
      var note = "";
      if (filtered) {
        var heroMatches = heroEntries.filter(function (entry) { return matchesFilters(entry, facts); });
        var guideMatches = guideEntries.filter(function (entry) { return matchesFilters(entry, facts); });
        if (heroMatches.length === 0) note = "Nothing matches those options exactly, so here are our closest picks.";
        else heroEntries = heroMatches;
        if (guideMatches.length > 0) guideEntries = guideMatches;
      }
      var picks = heroEntries.slice(offset, offset + 2);
      if (picks.length === 0) {
        conciergeState.offset = 0;
        picks = heroEntries.slice(0, 2);
      }
      var slots = [["primary", picks[0]], ["alternative", picks[1]]];
      slots.forEach(function (slot) {
        var host = concierge.querySelector('[data-concierge-slot="' + slot[0] + '"]');
        if (host && slot[1]) fillSlot(host, "homepage.hero", hero, [slot[1]]);
      });
      var learnHost = concierge.querySelector('[data-concierge-slot="learn"]');
      if (learnHost && guideEntries[0]) fillSlot(learnHost, "content.guides", guides, [guideEntries[0]]);
      conciergeState.loaded = true;
      conciergeNote(note);
    }).catch(function () {
      conciergeNote("These are our most popular picks: personalized picks are unavailable right now.");
    }).then(function () {
      if (cards) cards.removeAttribute("aria-busy");
    });
  }

  function initConcierge() {
    if (!concierge) return;
    var opener = byId("concierge-open");
    if (opener) opener.addEventListener("click", openConcierge);
    concierge.querySelectorAll("[data-concierge-close]").forEach(function (button) { button.addEventListener("click", closeConcierge); });
    if (conciergeBackdrop) conciergeBackdrop.addEventListener("click", closeConcierge);
    document.addEventListener("keydown", function (event) {
      if (concierge.hidden) return;
      if (event.key === "Escape") {
        event.preventDefault();
        closeConcierge();
        return;
      }
      if (event.key !== "Tab") return;
      // The trap for browsers without inert: wrap from the last control to the first and back.
      var focusables = focusablesIn(concierge);
      if (focusables.length === 0) { event.preventDefault(); return; }
      var first = focusables[0];
      var last = focusables[focusables.length - 1];
      var active = document.activeElement;
      if (event.shiftKey && (active === first || active === concierge || !concierge.contains(active))) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && (active === last || !concierge.contains(active))) {
        event.preventDefault();
        first.focus();
      }
    });
    // Advanced options are for shoppers who engage: they appear after the second interaction.
    concierge.addEventListener("click", function (event) {
      var target = event.target instanceof Element ? event.target.closest("button, a, input, select") : null;
      if (!target || target.hasAttribute("data-concierge-close")) return;
      var count = conciergeInteractions() + 1;
      writeStored(session, KEYS.conciergeInteractions, String(count));
      if (count >= 2) revealAdvancedOptions(true);
    });
    var refresh = concierge.querySelector("[data-concierge-refresh]");
    if (refresh) {
      refresh.addEventListener("click", function () {
        // Walk down the ranking two at a time; wrap after a few pages, the tail is rarely better.
        conciergeState.offset = conciergeState.offset >= 8 ? 0 : conciergeState.offset + 2;
        loadConciergePicks();
      });
    }
    var advanced = concierge.querySelector("[data-concierge-advanced]");
    if (advanced) {
      advanced.addEventListener("submit", function (event) {
        event.preventDefault();
        var price = advanced.elements.namedItem("max_price");
        var skill = advanced.elements.namedItem("skill");
        var priceValue = price && price.value ? Number(price.value) : NaN;
        conciergeState.maxPrice = isFinite(priceValue) ? priceValue : null;
        conciergeState.skill = skill && /^(beginner|intermediate|pro)$/.test(skill.value) ? skill.value : null;
        conciergeState.offset = 0;
        loadConciergePicks();
      });
    }
    // Once a session: on entry, or from the third page view when the shopper entered on the cart or checkout,
    // which a dialog should never interrupt. Without sessionStorage it would open on every page, so it does not.
    // Nor does it ever cover the consent banner: "entry" is the first page seen once the privacy choice is made
    // (that choice reloads the page, and the reloaded page is the entry).
    if (!session || pageType === "cart" || pageType === "checkout") return;
    if (consentBanner && !consentBanner.hidden) return;
    var views = parseInt(readStored(session, KEYS.views) || "0", 10) || 0;
    var entered = (parseInt(readStored(session, KEYS.viewsAfterConsent) || "0", 10) || 0) + 1;
    writeStored(session, KEYS.viewsAfterConsent, String(entered));
    if (readStored(session, KEYS.conciergeShown) !== "1" && (entered === 1 || views >= 3)) openConcierge();
  }

  function countPageView() {
    var views = (parseInt(readStored(session, KEYS.views) || "0", 10) || 0) + 1;
    writeStored(session, KEYS.views, String(views));
    return views;
  }

  // ---------------------------------------------------------------- cart and checkout pages

  function factTitle(facts, id) {
    var fact = facts.get(id);
    return fact && typeof fact.title === "string" ? fact.title : "Item " + id;
  }
  function factPrice(facts, id) {
    var fact = facts.get(id);
    return fact && typeof fact.price === "number" ? fact.price : 0;
  }

  function cartLine(id, facts, onRemove) {
    var fact = facts.get(id);
    var title = factTitle(facts, id);
    var meta = fact ? [fact.skill_level ? fact.skill_level.charAt(0).toUpperCase() + fact.skill_level.slice(1) : "", fact.category ? fact.category.replace(/_/g, " ") : ""].filter(Boolean).join(" · ") : "";
    var remove = el("button", { type: "button", "class": "button button--quiet", "aria-label": "Remove " + title + " from your cart" }, ["Remove"]);
    remove.addEventListener("click", function () { onRemove(id, title); });
    return el("li", { "class": "cart-line", "data-cart-item": id }, [
      el("img", { src: "/assets/img/" + encodeURIComponent(id) + ".svg", alt: "", width: 72, height: 54 }),
      el("div", null, [
        el("a", { "class": "cart-line-title", href: itemHref(id, "product") }, [title]),
        meta ? el("div", { "class": "cart-line-meta" }, [meta]) : null,
        el("div", { "class": "cart-line-price" }, [fact ? formatPrice(fact.price, fact.currency) : ""])
      ]),
      remove
    ]);
  }

  function renderCartLines(list, cart, facts, onRemove) {
    list.replaceChildren.apply(list, cart.map(function (id) { return cartLine(id, facts, onRemove); }));
  }

  function removeFromCart(id, title, focusAfter) {
    writeCart(readCart().filter(function (other) { return other !== id; }));
    track("remove_from_cart", { product_id: id });
    announce(title + " removed from your cart.");
    if (focusAfter) focusAfter();
  }

  /** Re-ranks a checkout.upsell slot with the cart as context (the server could not see the cart). */
  function rerankUpsell(slot, cart, limit) {
    if (!slot || cart.length === 0 || !canRank()) return Promise.resolve(false);
    return rank("checkout.upsell", { limit: Math.min(100, limit + cart.length), context: { cart: cart } }).then(function (response) {
      var entries = entriesOf(response).filter(function (entry) { return cart.indexOf(entry.item.content_id) < 0; }).slice(0, limit);
      if (entries.length === 0) return false;
      fillSlot(slot, "checkout.upsell", response, entries);
      return true;
    }).catch(function () { return false; });
  }

  function initCartPage() {
    var page = document.querySelector("[data-cart-page]");
    if (!page) return;
    var list = page.querySelector("[data-cart-lines]");
    var empty = page.querySelector("[data-cart-empty]");
    var summary = page.querySelector("[data-cart-summary]");
    var subtotal = page.querySelector("[data-cart-subtotal]");
    var loading = page.querySelector("[data-cart-loading]");
    var heading = byId("cart-title");
    var facts = new Map();
    function focusAfterRemoval() {
      var next = list.querySelector(".cart-line button");
      if (next) next.focus();
      else if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
    }
    function render() {
      var cart = readCart();
      if (loading) loading.hidden = true;
      empty.hidden = cart.length > 0;
      summary.hidden = cart.length === 0;
      renderCartLines(list, cart, facts, function (id, title) { removeFromCart(id, title, focusAfterRemoval); });
      var total = cart.reduce(function (sum, id) { return sum + factPrice(facts, id); }, 0);
      subtotal.textContent = formatPrice(total, "USD") || "$0";
    }
    catalogFactsOrEmpty().then(function (loaded) { facts = loaded; render(); });
    document.addEventListener("storefront:cart", render);
    var upsell = document.querySelector('[data-aura-slot="checkout.upsell"]');
    rerankUpsell(upsell, readCart(), 4);
  }

  function initCheckoutPage() {
    var page = document.querySelector("[data-checkout-page]");
    if (!page) return;
    var body = page.querySelector("[data-checkout-body]");
    var empty = page.querySelector("[data-cart-empty]");
    var list = page.querySelector("[data-cart-lines]");
    var form = page.querySelector("[data-checkout-form]");
    var done = page.querySelector("[data-checkout-done]");
    var slot = page.querySelector('[data-aura-slot="checkout.upsell"]');
    var facts = new Map();

    function addOnBoxes() {
      return slot ? Array.prototype.slice.call(slot.querySelectorAll("input[data-addon]")) : [];
    }
    function addOnPrice(box) {
      var id = box.getAttribute("data-addon");
      if (facts.has(id)) return factPrice(facts, id);
      // Before the catalog facts arrive, read the price the card shows.
      var card = box.closest(".aura-item");
      var shown = card ? card.querySelector(".aura-price") : null;
      var number = shown ? parseFloat((shown.textContent || "").replace(/[^0-9.]/g, "")) : NaN;
      return isFinite(number) ? number : 0;
    }
    function updateTotals() {
      var cart = readCart();
      var items = cart.reduce(function (sum, id) { return sum + factPrice(facts, id); }, 0);
      var addOns = addOnBoxes().reduce(function (sum, box) { return box.checked ? sum + addOnPrice(box) : sum; }, 0);
      page.querySelector("[data-total-items]").textContent = formatPrice(items, "USD") || "$0";
      page.querySelector("[data-total-addons]").textContent = formatPrice(addOns, "USD") || "$0";
      page.querySelector("[data-total-grand]").textContent = formatPrice(items + addOns, "USD") || "$0";
    }
    /** Upsell cards become pre-ticked "add to order" options: recommended, but the shopper decides. */
    function enhanceAddOns() {
      if (!slot) return;
      var cart = readCart();
      slot.querySelectorAll(".aura-item").forEach(function (card) {
        var id = card.getAttribute("data-aura-item");
        if (!id || !ITEM_ID.test(id) || card.querySelector(".aura-addon")) return;
        var action = card.querySelector(".aura-action");
        if (cart.indexOf(id) >= 0 || (action && action.disabled)) { card.remove(); return; }
        if (action) action.remove();
        var titleNode = card.querySelector(".aura-title");
        var title = titleNode ? titleNode.textContent : id;
        var box = el("input", { type: "checkbox", checked: true, "data-addon": id, value: id });
        card.append(el("label", { "class": "aura-addon" }, [box, "Add", el("span", { "class": "visually-hidden" }, [" " + title]), " to order"]));
      });
    }
    function renderOrder() {
      var cart = readCart();
      if (cart.length === 0) {
        body.hidden = true;
        empty.hidden = false;
        return;
      }
      renderCartLines(list, cart, facts, function (id, title) {
        removeFromCart(id, title, function () {
          var next = list.querySelector(".cart-line button");
          if (next) next.focus();
          else if (empty) { var link = empty.querySelector("a"); if (link) link.focus(); }
        });
      });
      updateTotals();
    }

    if (readCart().length === 0) { renderOrder(); return; }
    renderOrder();
    enhanceAddOns();
    catalogFactsOrEmpty().then(function (loaded) { facts = loaded; renderOrder(); });
    rerankUpsell(slot, readCart(), 3).then(function () { enhanceAddOns(); updateTotals(); });
    document.addEventListener("storefront:cart", renderOrder);
    if (slot) {
      slot.addEventListener("change", function (event) {
        var box = event.target instanceof Element ? event.target.closest("input[data-addon]") : null;
        if (!box) return;
        var card = box.closest(".aura-item");
        if (card) card.toggleAttribute("data-addon-removed", !box.checked);
        updateTotals();
      });
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!form.checkValidity()) { form.reportValidity(); return; }
      var cart = readCart();
      var requestId = slot ? slot.getAttribute("data-aura-request") : null;
      var kept = [];
      addOnBoxes().forEach(function (box) {
        var id = box.getAttribute("data-addon");
        if (box.checked) kept.push({ id: id, price: addOnPrice(box) });
        // Unticking a recommendation is a signal too: the ranking learns what shoppers decline.
        else feedback(requestId, id, "dismiss");
      });
      var total = 0;
      cart.forEach(function (id) {
        var price = factPrice(facts, id);
        total += price;
        track("purchase", { product_id: id, value: price });
      });
      kept.forEach(function (addOn) {
        total += addOn.price;
        track("purchase", { product_id: addOn.id, value: addOn.price });
        feedback(requestId, addOn.id, "purchase");
      });
      var count = cart.length + kept.length;
      writeCart([]);
      body.hidden = true;
      done.hidden = false;
      var summary = done.querySelector("[data-checkout-done-summary]");
      if (summary) summary.textContent = count + (count === 1 ? " item, " : " items, ") + (formatPrice(total, "USD") || "$0") + " in total. This is a demo store, so nothing was charged.";
      var heading = done.querySelector("h2");
      if (heading) heading.focus();
    });
  }

  // ---------------------------------------------------------------- Checkout Assistant (rule-based)

  var INTENTS = [
    ["bundle", /\b(bundles?|kits?|package|together)\b/i],
    ["cheaper", /\b(cheap|cheaper|budget|afford|affordable|expensive|lower price|save|saving|alternatives?|discount)\b/i],
    ["beginner", /\b(beginners?|new to|novice|easy|first time|starting out|learn|learning)\b/i],
    ["complete", /\b(else|need|missing|complete|go with|goes with|add|recommend|suggest|accessor\w*)\b/i]
  ];
  var HELP = "I am a rule-based assistant, so I understand a few kinds of question: what else you need, whether your cart suits a beginner, cheaper alternatives, and bundles. Try one of the suggested questions.";
  var SKILL_WORDS = { beginner: "beginners", intermediate: "intermediate users", pro: "professionals" };

  function detectIntent(question) {
    for (var i = 0; i < INTENTS.length; i++) if (INTENTS[i][1].test(question)) return INTENTS[i][0];
    return "help";
  }

  function suggestionLines(entries, facts, extra) {
    return entries.map(function (entry) {
      var title = entry.item.metadata.title || entry.item.content_id;
      var price = formatPrice(entry.item.metadata.price, entry.item.metadata.currency);
      return title + " (" + price + (extra ? extra(entry) : "") + "): recommended because " + explainReason(entry.item.reason) + ".";
    });
  }

  var intentAnswers = {
    complete: function (response, cart, facts) {
      var entries = entriesOf(response).filter(function (e) { return cart.indexOf(e.item.content_id) < 0; }).slice(0, 3);
      if (entries.length === 0) return { text: "Your cart already looks complete: I have nothing to add." };
      return { text: "Based on what is in your cart, these go best with it:", bullets: suggestionLines(entries, facts), suggestions: { response: response, entries: entries } };
    },
    beginner: function (response, cart, facts) {
      var known = cart.filter(function (id) { return facts.has(id); });
      var easy = known.filter(function (id) { return facts.get(id).skill_level === "beginner"; });
      var harder = known.filter(function (id) { return facts.get(id).skill_level !== "beginner"; });
      var verdict;
      if (known.length === 0) verdict = "I cannot see the skill levels of your items right now.";
      else if (harder.length === 0) verdict = "Yes: everything in your cart is made for beginners.";
      else if (easy.length === 0) verdict = "Not really: " + joinPhrases(harder.map(function (id) { return factTitle(facts, id) + " is aimed at " + SKILL_WORDS[facts.get(id).skill_level]; })) + ".";
      else verdict = "Mostly: " + joinPhrases(easy.map(function (id) { return factTitle(facts, id); })) + (easy.length === 1 ? " is" : " are") + " beginner-friendly, but " + joinPhrases(harder.map(function (id) { return factTitle(facts, id) + " is aimed at " + SKILL_WORDS[facts.get(id).skill_level]; })) + ".";
      var entries = entriesOf(response).filter(function (e) {
        var fact = facts.get(e.item.content_id);
        return cart.indexOf(e.item.content_id) < 0 && fact && fact.skill_level === "beginner";
      }).slice(0, 2);
      if (entries.length === 0) return { text: verdict };
      return { text: verdict + " If you are starting out, these beginner-friendly picks pair well with your cart:", bullets: suggestionLines(entries, facts), suggestions: { response: response, entries: entries } };
    },
    cheaper: function (response, cart, facts) {
      var priced = cart.filter(function (id) { return factPrice(facts, id) > 0; });
      if (priced.length === 0) return { text: "Everything in your cart is free, so there is nothing cheaper." };
      var anchor = priced.reduce(function (best, id) { return factPrice(facts, id) > factPrice(facts, best) ? id : best; }, priced[0]);
      var anchorPrice = factPrice(facts, anchor);
      var anchorFact = facts.get(anchor);
      var cheaper = entriesOf(response).filter(function (e) {
        var meta = e.item.metadata;
        // Free items are extras, not alternatives to something the shopper chose to pay for.
        return cart.indexOf(e.item.content_id) < 0 && meta.kind !== "content" && typeof meta.price === "number" && meta.price > 0 && meta.price < anchorPrice;
      });
      var sameCategory = cheaper.filter(function (e) { return anchorFact && e.item.metadata.category === anchorFact.category; });
      var entries = (sameCategory.length > 0 ? sameCategory : cheaper).slice(0, 2);
      var lead = "The priciest item in your cart is " + factTitle(facts, anchor) + " (" + formatPrice(anchorPrice, "USD") + ").";
      if (entries.length === 0) return { text: lead + " I could not find a cheaper alternative that suits your cart." };
      return {
        text: lead + " Cheaper options from the same recommendations:",
        bullets: suggestionLines(entries, facts, function (e) { return ", " + formatPrice(anchorPrice - e.item.metadata.price, "USD") + " less"; }),
        suggestions: { response: response, entries: entries }
      };
    },
    bundle: function (response, cart, facts) {
      var owned = cart.filter(function (id) { var fact = facts.get(id); return fact && fact.category === "bundle"; });
      var subtotal = cart.reduce(function (sum, id) { return sum + factPrice(facts, id); }, 0);
      var candidates = entriesOf(response).filter(function (e) { return cart.indexOf(e.item.content_id) < 0 && e.item.metadata.kind !== "content"; });
      var bundles = candidates.filter(function (e) { return e.item.metadata.category === "bundle"; }).slice(0, 2);
      var lead = owned.length > 0 ? "You already have a bundle (" + factTitle(facts, owned[0]) + ")." : "";
      if (bundles.length > 0) {
        return {
          text: (lead ? lead + " " : "") + "These bundles cover more in one purchase (your cart is " + formatPrice(subtotal, "USD") + " now):",
          bullets: suggestionLines(bundles, facts),
          suggestions: { response: response, entries: bundles }
        };
      }
      var pair = candidates.slice(0, 2);
      if (pair.length < 2) return { text: (lead ? lead + " " : "") + "I could not find a bundle that fits your cart." };
      var sum = pair.reduce(function (total, e) { return total + (e.item.metadata.price || 0); }, 0);
      return {
        text: (lead ? lead + " " : "") + "There is no ready-made bundle for your cart, but these two make a good set together for " + formatPrice(sum, "USD") + ":",
        bullets: suggestionLines(pair, facts),
        suggestions: { response: response, entries: pair }
      };
    }
  };

  /**
   * The assistant's brain: (question, cart ids) → Promise<{ text, bullets?, suggestions?: { response, entries } }>.
   * Seam for a Claude-backed assistant: replace window.auraStorefront.assistant.answer with a function of the
   * same shape (for example one that posts the question, the cart and this ranking to a server route); the chat
   * panel calls whatever is installed there.
   */
  // Claude answers when the shop has an Anthropic key (POST /v1/assistant); a 503 means it has none (or Claude
  // failed), and the rules below answer instead. After one 503 this page stops asking.
  var llmAvailable = true;
  function answerWithClaude(question, cart) {
    if (!llmAvailable || !window.aura || typeof window.aura.anonId !== "function") return Promise.reject(new Error("no LLM"));
    var body = { question: question, cart: cart.slice(0, 50), user_ctx: { anon_id: window.aura.anonId(), consent: window.aura.consent.get() } };
    return fetch("/v1/assistant", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }).then(function (res) {
      if (res.status === 503) llmAvailable = false;
      if (!res.ok) throw new Error("assistant " + res.status);
      return res.json();
    }).then(function (reply) {
      var bullets = (reply.items || []).map(function (item) {
        return item.title + ", " + formatPrice(item.price, "USD");
      });
      return { text: String(reply.text) + " (Answered by Claude, from aura's recommendations for your cart.)", bullets: bullets };
    });
  }

  function answer(question, cart) {
    if (detectIntent(question) !== "help" && cart.length > 0) {
      return answerWithClaude(question, cart).catch(function () { return answerByRules(question, cart); });
    }
    return answerByRules(question, cart);
  }

  function answerByRules(question, cart) {
    var intent = detectIntent(question);
    if (intent === "help") return Promise.resolve({ text: HELP });
    if (cart.length === 0) return Promise.resolve({ text: "Your cart is empty. Add something first and I will tell you what goes with it." });
    if (!canRank()) return Promise.resolve({ text: "I cannot see recommendations right now (the personalization script did not load), so I cannot answer that. The categories at the top of the page are a good place to look." });
    return Promise.all([rank("checkout.upsell", { limit: 20, context: { cart: cart } }), catalogFactsOrEmpty()]).then(function (results) {
      return intentAnswers[intent](results[0], cart, results[1]);
    });
  }

  function initAssistant() {
    var toggle = byId("assistant-toggle");
    var panel = byId("assistant");
    if (!toggle || !panel) return;
    var log = byId("assistant-log");
    var form = panel.querySelector("[data-assistant-form]");
    var input = byId("assistant-input");

    function open() {
      panel.hidden = false;
      toggle.setAttribute("aria-expanded", "true");
      if (input) input.focus();
    }
    function close() {
      panel.hidden = true;
      toggle.setAttribute("aria-expanded", "false");
      toggle.focus();
    }
    function appendMessage(role, nodes) {
      var message = el("div", { "class": "assistant-message assistant-message--" + role }, nodes);
      log.append(message);
      log.scrollTop = log.scrollHeight;
      return message;
    }
    function appendReply(reply) {
      var nodes = [el("p", null, [String(reply && reply.text ? reply.text : HELP)])];
      if (reply && Array.isArray(reply.bullets) && reply.bullets.length > 0) {
        nodes.push(el("ul", { "class": "assistant-reasons" }, reply.bullets.map(function (line) { return el("li", null, [String(line)]); })));
      }
      var host = null;
      if (reply && reply.suggestions && reply.suggestions.entries && reply.suggestions.entries.length > 0) {
        host = el("div", { "class": "assistant-suggested" });
        nodes.push(host);
      }
      appendMessage("bot", nodes);
      // Filled after it is in the document, so the SDK sees it as visible when it wires impressions.
      if (host) fillSlot(host, "checkout.upsell", reply.suggestions.response, reply.suggestions.entries);
    }
    function ask(question) {
      var text = String(question || "").trim().slice(0, 200);
      if (!text) return;
      appendMessage("user", [el("p", null, [text])]);
      var brain = window.auraStorefront && window.auraStorefront.assistant && typeof window.auraStorefront.assistant.answer === "function" ? window.auraStorefront.assistant.answer : answer;
      var reply;
      try { reply = Promise.resolve(brain(text, readCart())); } catch (e) { reply = Promise.reject(e); }
      reply.then(appendReply, function () {
        appendReply({ text: "Sorry, I could not reach the recommendations just now. Please try again in a moment." });
      });
    }

    toggle.addEventListener("click", function () { if (panel.hidden) open(); else close(); });
    panel.querySelectorAll("[data-assistant-close]").forEach(function (button) { button.addEventListener("click", close); });
    panel.addEventListener("keydown", function (event) { if (event.key === "Escape") { event.preventDefault(); close(); } });
    panel.querySelectorAll("[data-assistant-ask]").forEach(function (chip) {
      chip.addEventListener("click", function () { ask(chip.getAttribute("data-assistant-ask")); });
    });
    if (form && input) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        ask(input.value);
        input.value = "";
        input.focus();
      });
    }
  }

  // ---------------------------------------------------------------- start

  window.auraStorefront = {
    assistant: { answer: answer, detectIntent: detectIntent },
    cart: { read: readCart, write: writeCart },
    concierge: { open: openConcierge, close: closeConcierge }
  };

  var aura = sdk();
  if (aura && typeof aura.init === "function") {
    try { Promise.resolve(aura.init()).catch(function () {}); } catch (e) { /* the shop works without personalization */ }
  }
  countPageView();
  initAddToCart();
  initCarousels();
  initConsent();
  initConcierge();
  initCartPage();
  initCheckoutPage();
  initAssistant();
})();
`;
