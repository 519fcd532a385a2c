{% autoescape off %}// 掌上办 service worker (served from /mobile/sw.js with Service-Worker-Allowed: /). The app shell (styles,
// scripts, icon) is cached on install. Pages are fetched from the network first; a field page (visits, child
// files, the 244 ledger, home) that was opened before is answered from the cache when there is no signal, so
// its form can be filled and queued (offline.js). A kept page holds names and masked IDs, so it is kept
// for MAX_AGE_MS only (settings.MOBILE_PAGE_CACHE_HOURS): older copies are deleted, never served. Signing
// out empties the page cache, and so does a page served to another user (its X-Cache-Owner header, an
// opaque per-user token, differs from the owner of the kept pages): the next person on this phone never
// sees the last one's pages.
"use strict";
var VERSION = "minzheng-{{ version }}";
var SHELL = "shell-" + VERSION;
var PAGES = "pages-" + VERSION;
var SHELL_URLS = {{ shell_json }};
var OFFLINE_URL = "{{ offline_url }}";
var MAX_AGE_MS = {{ max_age_ms }};
var OWNER_KEY = "/__cache-owner__";  // a cache entry naming whose pages PAGES holds
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

function keptAt(resp) {
  return Number(resp.headers.get("X-Kept-At") || 0);
}

function fresh(resp) {
  return Date.now() - keptAt(resp) < MAX_AGE_MS;
}

// Delete every kept page older than MAX_AGE_MS.
function dropExpired() {
  return caches.open(PAGES).then(function (cache) {
    return cache.keys().then(function (reqs) {
      return Promise.all(reqs.map(function (r) {
        if (new URL(r.url).pathname === OWNER_KEY) { return null; }
        return cache.match(r, {ignoreVary: true}).then(function (hit) {
          return hit && !fresh(hit) ? cache.delete(r, {ignoreVary: true}) : null;
        });
      }));
    });
  });
}

// The pages kept belong to `owner`; when another user's page arrives, drop them all first.
function claimFor(owner) {
  return caches.open(PAGES).then(function (cache) {
    return cache.match(OWNER_KEY).then(function (hit) {
      return hit ? hit.text() : "";
    }).then(function (previous) {
      if (previous === owner) { return cache; }
      return caches.delete(PAGES).then(function () { return caches.open(PAGES); }).then(function (fresh) {
        return fresh.put(OWNER_KEY, new Response(owner)).then(function () { return fresh; });
      });
    });
  });
}

function keep(req, resp) {
  var owner = resp.headers.get("X-Cache-Owner") || "";
  if (!owner) { return Promise.resolve(); }
  return claimFor(owner).then(function (cache) {
    if (!resp.ok || resp.redirected || !isFieldPage(new URL(req.url))) { return null; }
    return resp.blob().then(function (body) {
      var headers = new Headers(resp.headers);
      headers.set("X-Kept-At", String(Date.now()));
      return cache.put(req, new Response(body, {status: resp.status, statusText: resp.statusText, headers: headers}));
    });
  }).then(dropExpired);
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
    event.waitUntil(keep(req, resp.clone()));
    return resp;
  }).catch(function () {
    return caches.open(PAGES).then(function (cache) {
      return cache.match(req, {ignoreVary: true}).then(function (hit) {
        if (hit && fresh(hit)) { return hit; }
        if (hit) { cache.delete(req, {ignoreVary: true}); }  // older than MAX_AGE_MS: gone, not shown
        return caches.match(OFFLINE_URL);
      });
    });
  }));
});
{% endautoescape %}
