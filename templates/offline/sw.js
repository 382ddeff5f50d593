{% load static %}/* The service worker (issue 17), served at /sw.js by offline.views.service_worker.
 *
 * - Keeps the static files every page needs (CONFIG.precache, Workbox precaching).
 * - Keeps the pages the facilitator works on without a signal (CONFIG.pages_url lists them;
 *   the page script sends the list in a {type: "pages"} message): for those, the network
 *   first (4 s), the phone's copy when the network fails or is slow. A copy is kept and
 *   shown only for the user it was made for, and not after max_age_hours; a copy shown
 *   says so (data-source="phone" on <html>: the page script shows the banner).
 * - Offline, a page not kept: the kept queue page (/luring/), or a plain message.
 * - Never keeps a POST, sign-in pages, itself, exports or photos (KubePages.mayCache).
 * - {type: "clear"} (sign-out) drops every kept page.
 * The rules are plain functions in static/js/offline/pages.js, tested in Node (tests/js/).
 */
"use strict";

const CONFIG = {{ config_json|safe }};

importScripts(CONFIG.workbox_prefix + "workbox-sw.js", "{% static 'js/offline/pages.js' %}");
// Only the production builds are vendored (make vendor): never the debug ones, even on localhost.
workbox.setConfig({ modulePathPrefix: CONFIG.workbox_prefix, debug: false });

const P = self.KubePages;
const NETWORK_TIMEOUT_SECONDS = 4;
const MATCH = { ignoreVary: true };

workbox.core.setCacheNameDetails({ prefix: "kube" });
self.skipWaiting();
workbox.core.clientsClaim();
workbox.precaching.cleanupOutdatedCaches();
workbox.precaching.precacheAndRoute(CONFIG.precache || []);

async function readMeta() {
  const cache = await caches.open(P.META_CACHE);
  const response = await cache.match(P.META_KEY);
  return response ? response.json() : null;
}

async function writeMeta(meta) {
  const cache = await caches.open(P.META_CACHE);
  await cache.put(P.META_KEY, new Response(JSON.stringify(meta), { headers: { "Content-Type": "application/json" } }));
}

// The page's HTML when this network answer may be kept for `user`, else null.
async function keepable(request, response, user) {
  if (!user || !response || !response.ok || response.redirected || response.type !== "basic") {
    return null;
  }
  if (!P.mayCache(request.url, request.method, self.location.origin)) {
    return null;
  }
  if ((response.headers.get("Content-Type") || "").indexOf("text/html") === -1) {
    return null;
  }
  const html = await response.clone().text();
  return P.pageUser(html) === user ? html : null;
}

// A kept copy, marked as coming from the phone; null when it may not be shown.
async function fromPhone(cached, requested) {
  const meta = await readMeta();
  const html = await cached.text();
  if (!meta || !P.usable(html, meta.user, Date.now(), meta.max_age_hours)) {
    return null;
  }
  const headers = new Headers(cached.headers);
  headers.delete("Content-Length");
  return new Response(P.markFromPhone(html, requested), { status: 200, statusText: "OK", headers });
}

const pages = new workbox.strategies.NetworkFirst({
  cacheName: P.PAGES_CACHE,
  networkTimeoutSeconds: NETWORK_TIMEOUT_SECONDS,
  matchOptions: MATCH,
  plugins: [
    {
      cacheWillUpdate: async ({ request, response }) => {
        const meta = await readMeta();
        return (await keepable(request, response, meta && meta.user)) !== null ? response : null;
      },
      cachedResponseWillBeUsed: async ({ cachedResponse }) => (cachedResponse ? fromPhone(cachedResponse) : null),
    },
  ],
});

async function offline(url) {
  const cache = await caches.open(P.PAGES_CACHE);
  const queuePage = await cache.match(CONFIG.offline_url, MATCH);
  if (queuePage) {
    const requested = url.pathname === CONFIG.offline_url ? null : url.pathname + url.search;
    const shown = await fromPhone(queuePage, requested);
    if (shown) {
      return shown;
    }
  }
  const stylesheet = (CONFIG.precache || []).find((entry) => /bootstrap\.min\.css$/.test(entry.url.split("?")[0]));
  return new Response(P.offlineHtml(stylesheet && stylesheet.url), {
    status: 503,
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'",
    },
  });
}

workbox.routing.registerRoute(
  ({ request }) => request.mode === "navigate",
  async ({ request, url, event }) => {
    const meta = await readMeta();
    if (P.isListed(meta, url.href) && P.mayCache(url.href, "GET", self.location.origin)) {
      try {
        const response = await pages.handle({ event, request });
        if (response) {
          return response;
        }
      } catch (error) {
        // neither the network nor a usable copy
      }
      return offline(url);
    }
    try {
      return await fetch(request);
    } catch (error) {
      return offline(url);
    }
  }
);

// Each cached page's time (data-page-time), by its path: when it was last fetched.
async function keptTimes(cache) {
  const times = {};
  for (const request of await cache.keys()) {
    const response = await cache.match(request, MATCH);
    const time = response ? Date.parse(P.pageTime(await response.text()) || "") : NaN;
    times[P.pageKey(request.url)] = isNaN(time) ? null : time;
  }
  return times;
}

// Raised at once by every message: a list being fetched stops before its next page when a newer
// list (another page, maybe another user) or a "clear" (sign-out) has come.
let generation = 0;

async function syncPages(message, started) {
  if (generation !== started) {
    return; // a sign-out came after this list was sent
  }
  const meta = await readMeta();
  const plan = P.planSync(meta, message, await keptTimes(await caches.open(P.PAGES_CACHE)), Date.now(), self.location.origin);
  if (plan.dropAll) {
    await caches.delete(P.PAGES_CACHE);
  }
  const cache = await caches.open(P.PAGES_CACHE);
  for (const key of plan.remove) {
    await cache.delete(key, MATCH);
  }
  await writeMeta(plan.meta);
  for (const key of plan.fetch) {
    if (generation !== started) {
      return;
    }
    // X-Kube-Keep: a fetch of the worker's own, not the user opening the page (a server may
    // leave the session's flash messages for the page the user opens next).
    const request = new Request(key, { credentials: "same-origin", cache: "no-store", headers: { "X-Kube-Keep": "1" } });
    let response;
    try {
      response = await fetch(request);
    } catch (error) {
      return; // the signal is gone: the next list finishes the job
    }
    if (response.redirected || response.status === 401 || response.status === 403) {
      return; // signed out meanwhile
    }
    if ((await keepable(request, response, plan.meta.user)) !== null) {
      await cache.put(request, response);
    }
  }
}

async function clearPages() {
  const names = await caches.keys();
  await Promise.all(names.filter((name) => name.indexOf(P.PAGES_CACHE) === 0).map((name) => caches.delete(name)));
}

// Messages are handled one after another: a sign-out's "clear" never overtakes a list.
let work = Promise.resolve();

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (event.origin && event.origin !== self.location.origin) {
    return;
  }
  let task = null;
  generation += 1;
  if (data.type === "pages") {
    const seen = generation;
    task = () => syncPages(data, seen);
  } else if (data.type === "clear") {
    task = clearPages;
  }
  if (task) {
    work = work.then(task).catch(() => {});
    event.waitUntil(work);
  }
});
