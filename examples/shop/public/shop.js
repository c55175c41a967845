// The demo shop's own client code: a cart kept in localStorage and a few helpers.
// Each page calls the tracker itself, next to the shop code whose action it records, as
// a shop developer would.
(function () {
  'use strict';
  var CART = 'demo-shop-cart';

  function get(key, fallback) {
    try {
      var v = JSON.parse(localStorage.getItem(key));
      return v == null ? fallback : v;
    } catch (e) {
      return fallback;
    }
  }
  function set(key, value) {
    try {
      if (value == null) localStorage.removeItem(key);
      else localStorage.setItem(key, JSON.stringify(value));
    } catch (e) {
      // private mode or full storage: the demo cart just does not persist
    }
  }

  var shop = {
    get: get,
    set: set,
    /** The cart: [{ productId, title, price, currency, url, quantity }]. */
    cart: function () {
      return get(CART, []);
    },
    add: function (product) {
      var items = shop.cart();
      var item = items.find(function (i) { return i.productId === product.productId; });
      if (item) item.quantity += 1;
      else items.push(Object.assign({}, product, { quantity: 1 }));
      set(CART, items);
      shop.showCount();
    },
    /** Removes a product's line and returns it (for the basket "remove" event). */
    remove: function (productId) {
      var items = shop.cart();
      var line = items.find(function (i) { return i.productId === productId; });
      set(CART, items.filter(function (i) { return i !== line; }));
      shop.showCount();
      return line;
    },
    clear: function () {
      set(CART, null);
      shop.showCount();
    },
    /** The cart's total, counted in cents so that 12.9 + 15.5 is 28.4, not 28.400000000000002. */
    total: function (items) {
      return items.reduce(function (s, i) { return s + Math.round(i.price * 100) * i.quantity; }, 0) / 100;
    },
    /** The cart as the event API's productList. */
    productList: function (items) {
      return items.map(function (i) {
        return { productId: i.productId, price: i.price, currency: i.currency, quantity: i.quantity };
      });
    },
    money: function (amount, currency) {
      return new Intl.NumberFormat('en-IE', { style: 'currency', currency: currency }).format(amount);
    },
    showCount: function () {
      var n = shop.cart().reduce(function (s, i) { return s + i.quantity; }, 0);
      var el = document.getElementById('cart-count');
      if (el) el.textContent = n ? String(n) : '';
    },
  };

  window.shop = shop;
  document.addEventListener('DOMContentLoaded', shop.showCount);
})();
