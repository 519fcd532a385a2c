{% autoescape off %}// 掌上办 service worker (served from /mobile/sw.js with Service-Worker-Allowed: /). The app shell (styles,
// scripts, icon) is cached on install. Pages are fetched from the network first; a field page (visits, child
// files, the 244 ledger, home) that was opened before is answered from the cache when there is no signal, so
// its form can be filled and queued (offline.js). Signing out empties the page cache.
"use strict";
var VERSION = "minzheng-{{ version }}";
var SHELL = "shell-" + VERSION;
var PAGES = "pages-" + VERSION;
var SHELL_URLS = {{ shell_json }};
var OFFLINE_URL = "{{ offline_url }}";
var FIELD_PAGES = [/^\/$/, /^\/visits\//, /^\/children\/files\/\d+\/visit\/$/, /^\/vagrants\/ledger\//, /^\/homecare\/my\//];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL).then(function (cache) {
    return cache.addAll(SHELL_URLS.concat([OFFLINE_URL]));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k.indexOf(VERSION) < 0; }).map(function (k) {
      return caches.delete(k);
    }));
  }).then(function () { return self.clients.claim(); }));
});

function isFieldPage(url) {
  return FIELD_PAGES.some(function (re) { return re.test(url.pathname); });
}

self.addEventListener("fetch", function (event) {
  var req = event.request;
  var url = new URL(req.url);
  if (url.origin !== self.location.origin) { return; }
  if (req.method === "POST" && url.pathname.indexOf("/logout/") === 0) {
    caches.delete(PAGES);  // the next person on this phone never sees the last one's pages
    return;
  }
  if (req.method !== "GET" || url.pathname.indexOf("/api/") === 0) { return; }
  if (SHELL_URLS.indexOf(url.pathname) >= 0) {
    event.respondWith(caches.match(req).then(function (hit) { return hit || fetch(req); }));
    return;
  }
  if (req.mode !== "navigate") { return; }
  event.respondWith(fetch(req).then(function (resp) {
    if (resp.ok && !resp.redirected && isFieldPage(url)) {
      var copy = resp.clone();
      caches.open(PAGES).then(function (cache) { cache.put(req, copy); });
    }
    return resp;
  }).catch(function () {
    return caches.match(req, {cacheName: PAGES}).then(function (hit) {
      return hit || caches.match(OFFLINE_URL);
    });
  }));
});
{% endautoescape %}
