{% autoescape off %}// SENDesk's service worker (issue 13), served from /sw.js so that its scope is the site.
// It keeps the offline shell and the files it runs in Cache Storage, and answers a page
// that cannot be fetched (no network) with the shell. It never stores pupil data or API
// answers: those live encrypted in IndexedDB (js/offline/store.js).
"use strict";
var VERSION = "{{ version }}";
var CACHE = "sendesk-shell-" + VERSION;
var SHELL = "{{ shell }}";
var FILES = {{ files }};

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      // cache: "reload": the files as the server has them now, not from the HTTP cache.
      return cache.addAll(FILES.map(function (url) {
        return new Request(url, {cache: "reload", credentials: "same-origin"});
      }));
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("sendesk-shell-") === 0 && name !== CACHE;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

// A page that registered the worker before it was active is not controlled by it until
// it is claimed; claiming on "activate" can miss a page still loading then, so the page
// asks again once the worker is ready (js/offline/page.js).
self.addEventListener("message", function (event) {
  if (event.data === "claim") event.waitUntil(self.clients.claim());
});

function shell() {
  return caches.open(CACHE).then(function (cache) { return cache.match(SHELL); });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  // The API (the key, the pack, everything else) always goes to the network, uncached.
  if (url.pathname.indexOf("/api/") === 0) return;
  if (request.mode === "navigate") {
    // A page: from the network; with no network, the offline My day.
    event.respondWith(fetch(request).catch(function () {
      return shell().then(function (page) {
        return page || new Response("SENDesk is offline.", {
          status: 503, headers: {"Content-Type": "text/plain; charset=utf-8"}
        });
      });
    }));
    return;
  }
  if (FILES.indexOf(url.pathname) !== -1) {
    // The shell's own files: the copy this version cached, else the network.
    event.respondWith(caches.open(CACHE).then(function (cache) {
      return cache.match(request).then(function (hit) { return hit || fetch(request); });
    }));
  }
});
{% endautoescape %}
