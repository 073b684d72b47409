// GET /cart and GET /checkout. The cart lives in the shopper's localStorage, so these pages are shells that
// storefront.js fills; the checkout.upsell slot starts with popular add-ons and is re-ranked in the browser
// with the cart as context, because the server never sees the cart.
import type { StorefrontCatalog } from "../catalog";
import { html, type Markup } from "../html";
import { itemList } from "./items";

const noScript = html`<noscript><p class="notice">Your cart is kept in this browser and needs JavaScript to show. Please enable it to check out.</p></noscript>`;

export function cartPage(catalog: StorefrontCatalog): Markup {
  return html`<header class="page-head">
  <h1 id="cart-title">Your cart</h1>
</header>
${noScript}
<div class="cart" data-cart-page>
  <p class="cart-loading" data-cart-loading>Loading your cart…</p>
  <div class="cart-empty" data-cart-empty hidden>
    <p>Your cart is empty.</p>
    <p><a class="button button--primary" href="/">Find something to make with</a></p>
  </div>
  <ul class="cart-lines" data-cart-lines aria-labelledby="cart-title"></ul>
  <div class="cart-summary" data-cart-summary hidden>
    <p class="cart-subtotal">Subtotal <strong data-cart-subtotal>$0</strong></p>
    <a class="button button--primary button--large" href="/checkout">Go to checkout</a>
  </div>
</div>

<div class="strip">
  <div class="section-head"><h2 id="cart-upsell-title">Complete your kit</h2></div>
  <section data-aura-slot="checkout.upsell" class="upsell-strip" aria-labelledby="cart-upsell-title">
    ${itemList(catalog.popularAddOns(4))}
  </section>
</div>`;
}

export function checkoutPage(catalog: StorefrontCatalog): Markup {
  return html`<header class="page-head">
  <h1>Checkout</h1>
  <p>This is a demo store: no payment is taken and nothing ships.</p>
</header>
${noScript}
<div class="checkout" data-checkout-page>
  <div class="cart-empty" data-cart-empty hidden>
    <p>Your cart is empty, so there is nothing to check out yet.</p>
    <p><a class="button button--primary" href="/">Keep shopping</a></p>
  </div>
  <div class="checkout-layout" data-checkout-body>
    <section class="checkout-order" aria-labelledby="order-title">
      <h2 id="order-title">Your order</h2>
      <ul class="cart-lines" data-cart-lines aria-labelledby="order-title"></ul>

      <h2 id="upsell-title">Recommended add-ons</h2>
      <p id="upsell-hint" class="hint">We have added these to your order because they go with your cart. Untick any you do not want.</p>
      <section data-aura-slot="checkout.upsell" class="upsell" aria-labelledby="upsell-title" aria-describedby="upsell-hint">
        ${itemList(catalog.popularAddOns(3))}
      </section>

      <dl class="totals" aria-live="polite">
        <dt>Items</dt><dd data-total-items>$0</dd>
        <dt>Add-ons</dt><dd data-total-addons>$0</dd>
        <dt class="totals-grand">Total</dt><dd class="totals-grand" data-total-grand>$0</dd>
      </dl>
    </section>

    <form class="checkout-form" data-checkout-form aria-labelledby="details-title">
      <h2 id="details-title">Your details</h2>
      <label class="field" for="checkout-name">Full name</label>
      <input class="input" id="checkout-name" name="name" type="text" autocomplete="name" required>
      <label class="field" for="checkout-email">Email for your downloads</label>
      <input class="input" id="checkout-email" name="email" type="email" autocomplete="email" required>
      <button type="submit" class="button button--primary button--large">Place order</button>
    </form>
  </div>
  <section class="checkout-done" data-checkout-done aria-labelledby="done-title" hidden>
    <h2 id="done-title" tabindex="-1">Thank you! Your order is placed.</h2>
    <p data-checkout-done-summary></p>
    <p><a class="button" href="/">Back to the shop</a></p>
  </section>
</div>`;
}
